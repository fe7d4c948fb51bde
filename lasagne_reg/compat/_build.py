"""Building Theano 1.0.5 on Python 3.12+, where its sdist does not build.

Theano 1.0.5 ships only an sdist, whose ``versioneer.py`` calls
``configparser.SafeConfigParser()`` and ``ConfigParser.readfp()``, both
removed in Python 3.12: ``pip install Theano==1.0.5`` fails there with
``AttributeError: module 'configparser' has no attribute
'SafeConfigParser'``. Theano will not be released again.

So on Python 3.12+ the ``theano`` extra of lasagne_reg leaves Theano out
(an environment marker in setup.py), and ``python -m lasagne_reg.compat
enable`` builds it: it runs, in this environment,

    python -m pip install --no-build-isolation Theano==1.0.5

with a temporary directory put first on ``PYTHONPATH`` for that one command.
The directory holds a ``sitecustomize.py`` that gives ``configparser`` the
two names back (``SafeConfigParser`` as ``ConfigParser``, ``readfp`` as
``read_file``) in the processes of the build, then runs whatever
``sitecustomize`` it hides. ``--no-build-isolation`` is needed because pip's
isolated build environment puts its own directory ahead of ``PYTHONPATH``;
the build uses this environment's setuptools (the extra installs it).
pip reads its usual configuration (``PIP_INDEX_URL``, ``pip.conf``, ...),
no installed file is changed, and the directory is removed afterwards.
"""
import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time

THEANO = 'Theano==1.0.5'

SITECUSTOMIZE = '''\
"""Written by lasagne_reg.compat for building Theano 1.0.5 on Python 3.12+:
configparser's SafeConfigParser and readfp, which Theano's versioneer.py
uses, removed in Python 3.12. Deleted after the build."""
import configparser
import importlib
import os
import sys

if not hasattr(configparser, 'SafeConfigParser'):
    configparser.SafeConfigParser = configparser.ConfigParser
if not hasattr(configparser.RawConfigParser, 'readfp'):
    def readfp(self, fp, filename=None):
        return self.read_file(fp, filename)
    configparser.RawConfigParser.readfp = readfp

# run the sitecustomize this one hides, if there is one
_here = os.path.dirname(os.path.abspath(__file__))
_me = sys.modules.pop(__name__)
_path = sys.path[:]
sys.path[:] = [p for p in sys.path if os.path.abspath(p or '.') != _here]
try:
    importlib.import_module('sitecustomize')
except ImportError:
    sys.modules[__name__] = _me
finally:
    sys.path[:] = _path
'''


def sdist_builds(version_info=None):
    """True where Theano 1.0.5's sdist builds as shipped (Python < 3.12)."""
    return (version_info or sys.version_info)[:2] < (3, 12)


def theano_installed():
    """True if this environment has a ``theano`` package (any build)."""
    try:
        importlib.metadata.version('Theano')
        return True
    except importlib.metadata.PackageNotFoundError:
        return importlib.util.find_spec('theano') is not None


def needed():
    """True if ``enable`` should build Theano here: Python 3.12+, no Theano."""
    return not sdist_builds() and not theano_installed()


def command(python=None):
    """The pip command the build runs (a list)."""
    return [python or sys.executable, '-m', 'pip', 'install',
            '--no-build-isolation', THEANO]


def environment(directory, environ=None):
    """`environ` (default os.environ) with `directory` first on PYTHONPATH."""
    env = dict(os.environ if environ is None else environ)
    rest = env.get('PYTHONPATH')
    env['PYTHONPATH'] = directory + (os.pathsep + rest if rest else '')
    return env


def build(python=None, run=subprocess.run, clock=time.monotonic, out=None):
    """Build and install Theano 1.0.5 with the build-time shim.

    Parameters
    ----------
    python : str, optional
        The interpreter whose environment gets Theano (default: this one).
    run, clock : callables
        ``subprocess.run`` and ``time.monotonic`` (replaced in tests).
    out : file, optional
        Where to say what happens (default: sys.stdout).

    Returns
    -------
    (int, float)
        pip's exit status and the seconds the build took.
    """
    out = out or sys.stdout
    cmd = command(python)
    print('Building %s from the package index (its sdist does not build on '
          'Python %d.%d as shipped: its versioneer.py uses '
          'configparser.SafeConfigParser and readfp, removed in Python '
          '3.12; a temporary sitecustomize restores both for this build '
          'only).\nRunning: %s' % (THEANO, sys.version_info[0],
                                   sys.version_info[1], ' '.join(
                                       ['python'] + cmd[1:]
                                       if python is None else cmd)),
          file=out, flush=True)
    directory = tempfile.mkdtemp(prefix='lasagne_reg-theano-build-')
    try:
        with open(os.path.join(directory, 'sitecustomize.py'), 'w') as f:
            f.write(SITECUSTOMIZE)
        start = clock()
        code = run(cmd, env=environment(directory)).returncode
        seconds = clock() - start
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    if code == 0:
        print('Theano 1.0.5 built and installed in %.1f s.' % seconds,
              file=out)
    else:
        print('Building Theano 1.0.5 failed (pip exit status %d, after '
              '%.1f s); see pip\'s messages above and '
              'docs/troubleshooting.rst.' % (code, seconds), file=out)
    return code, seconds


def status_row(installed):
    """status's "Theano build" row on Python 3.12+, and its advice ('' when
    none), given whether Theano is `installed`."""
    if installed:
        return 'done: Theano is installed', ''
    return ('needed: Theano 1.0.5\'s sdist does not build as shipped on '
            'Python 3.12+ (configparser.SafeConfigParser, readfp)',
            'build and install Theano 1.0.5: python -m lasagne_reg.compat '
            'enable')
