"""The command line: ``python -m lasagne_reg.compat enable|disable|status``."""
import argparse
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys

from .. import _variant
from . import _blas, _build, _flags, _patched, _site

_USAGE = """\
python -m lasagne_reg.compat enable    compat for every process of this environment
                                       (on Python 3.12+ it first builds Theano 1.0.5
                                       if missing; --no-build skips that)
python -m lasagne_reg.compat disable   remove it (exactly the files enable wrote)
python -m lasagne_reg.compat status    what this environment has, and what to do"""

# run in a fresh interpreter of this environment, as a user's script would be
_PROBE = r'''
import json, sys
out = {}
try:
    import theano
    out['theano'] = True
    out['cxx'] = theano.config.cxx
    config = theano.config
    out['ldflags'] = (config.blas__ldflags if hasattr(config, 'blas__ldflags')
                      else config.blas.ldflags)   # Theano-PyMC; Theano 1.0.5
    try:
        from lasagne_reg.compat import _patch
        out['patched'] = [name.split(' (')[0] for name in _patch.applied()]
    except ImportError:
        pass
    try:
        import lasagne
        out['lasagne'] = True
    except ModuleNotFoundError as exc:   # not installed: status says so
        if exc.name != 'lasagne':
            raise
except BaseException as exc:
    import traceback
    out['error'] = traceback.format_exception_only(type(exc), exc)[-1].strip()
print('\n' + json.dumps(out))
'''


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog='python -m lasagne_reg.compat', usage=_USAGE,
        description='Make Theano 1.0.5 and Lasagne import and run fast in '
                    'this Python environment.')
    parser.add_argument('command', choices=('enable', 'disable', 'status'))
    parser.add_argument('--site-dir', metavar='DIR',
                        help='the site-packages directory to act on '
                             '(default: this environment\'s, %s)'
                             % _site.site_dir())
    parser.add_argument('--no-import-check', action='store_true',
                        help='status: do not import theano in a fresh '
                             'interpreter (that can take a minute the '
                             'first time, while Theano compiles)')
    parser.add_argument('--no-build', action='store_true',
                        help='enable: on Python 3.12+, do not build and '
                             'install Theano 1.0.5 when it is missing')
    args = parser.parse_args(argv)
    directory = _site.site_dir(args.site_dir)
    if args.command == 'enable':
        if not args.no_build and _build.needed():
            code, _ = _build.build()
            if code:
                return code
        return _enable(directory)
    if args.command == 'disable':
        return _disable(directory)
    return _status(directory, import_check=not args.no_import_check)


def _enable(directory):
    try:
        changed = _site.enable(directory)
    except OSError as exc:
        print('lasagne_reg compat: cannot enable in %s: %s' % (directory, exc),
              file=sys.stderr)
        return 1
    if changed:
        print('lasagne_reg compat enabled in %s: every Python process of this '
              'environment now runs lasagne_reg.compat.install() before it '
              'imports theano or lasagne.' % directory)
    else:
        print('lasagne_reg compat is already enabled in %s.' % directory)
    print('Undo with: python -m lasagne_reg.compat disable')
    return 0


def _disable(directory):
    try:
        removed = _site.disable(directory)
    except OSError as exc:
        print('lasagne_reg compat: cannot disable in %s: %s'
              % (directory, exc), file=sys.stderr)
        return 1
    print('lasagne_reg compat %s in %s.' % (
        'disabled' if removed else 'was not enabled', directory))
    return 0


def _version(name):
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _status(directory, import_check=True):
    todo = []
    rows = [('Python', '%s (%s)' % (sys.version.split()[0], sys.executable))]
    versions = {name: _version(name)
                for name in ('numpy', 'Theano', 'Lasagne', 'setuptools')}
    variant = _variant.installed()
    if variant is not None and variant.distribution != 'Theano':
        # another distribution of the package theano (Theano-PyMC)
        versions['Theano'] = '%s %s' % (variant.distribution, variant.version)
    for name, version in versions.items():
        rows.append((name, version or 'not installed'))
    theano = versions['Theano'] is not None
    if not _build.sdist_builds():
        build_row, build_todo = _build.status_row(installed=theano)
        rows.append(('Theano build', build_row))
        if build_todo and versions['Lasagne']:
            todo.append(build_todo)
    state = _site.state(directory)
    if state == 'enabled':
        rows.append(('compat', 'enabled (%s)' % directory))
    elif state == 'stale':
        rows.append(('compat', 'enabled by another lasagne_reg version (%s)'
                     % directory))
        todo.append('refresh the hook: python -m lasagne_reg.compat enable')
    else:
        rows.append(('compat', 'not enabled'))
    if theano and state == 'disabled':
        todo.append('enable compat once for this environment: python -m '
                    'lasagne_reg.compat enable (or call '
                    'lasagne_reg.compat.install() before importing theano)')
    cxx = _cxx()
    rows.append(('C++ compiler', cxx or 'none found'))
    if theano and not cxx:
        todo.append('install a C++ compiler (Debian/Ubuntu: apt-get install '
                    'g++): without one Theano runs its pure-Python mode, '
                    'about 1,000x slower per element')
    blas_row, blas_todo, openblas = _blas_status()
    rows.append(('BLAS', blas_row))
    if theano and blas_todo:
        todo.append(blas_todo)
    if openblas:
        threads_row, threads_todo = _blas.threads(
            os.environ, _blas.cpus(), _blas.load())
        rows.append(('BLAS threads', threads_row))
        if theano and threads_todo:
            todo.append(threads_todo)
    code = 0
    if not theano:
        rows.append(('import', 'nothing to check: Theano is not installed '
                     '(compat concerns Theano 1.0.5 and Lasagne only)'))
        if versions['Lasagne']:
            if _build.sdist_builds():
                todo.append('Lasagne needs Theano: pip install '
                            "'lasagne_reg[theano]'")
            code = 1
    probe = None
    if theano and import_check:
        probe = _probe()
        if probe.get('error'):
            rows.append(('import', 'FAILS: ' + probe['error']))
            code = 1
            if state == 'disabled':
                with_compat = _probe(with_install=True)
                if with_compat.get('error'):
                    todo.append('with compat it fails too: ' +
                                with_compat['error'])
                else:
                    rows[-1] = ('import', rows[-1][1] + ' (with compat: '
                                'imports)')
            todo.append('look this message up in the troubleshooting page '
                        'of the docs (docs/troubleshooting.rst)')
        else:
            rows.append(('import', 'theano%s import in a fresh interpreter '
                         '(Theano blas.ldflags=%r)' % (
                             ' and lasagne' if probe.get('lasagne') else '',
                             probe.get('ldflags'))))
            if probe.get('lasagne') is None and versions['Lasagne'] is None:
                todo.append('Lasagne is not installed: pip install '
                            "'lasagne_reg[theano]'")
    if theano:
        rows.append(('patched', _patched_row(versions['numpy'], probe)))
    width = max(len(name) for name, _ in rows)
    print('lasagne_reg compat status')
    for name, value in rows:
        print('  %-*s  %s' % (width, name, value))
    if todo:
        print('To do:')
        for item in todo:
            print('  - ' + item)
    else:
        print('Nothing to do.')
    return code


def _patched_row(numpy_version, probe):
    """The Theano functions install() replaces on this stack, and whether
    a fresh interpreter has them in place (the probe's 'patched')."""
    wanted = [patch.name for patch in _patched.wanted()]
    if not wanted:
        return 'none (numpy %s needs none)' % numpy_version
    row = ', '.join(wanted)
    found = (probe or {}).get('patched')
    if found is not None:
        if set(wanted) <= set(found):
            row += ' (in place in a fresh interpreter)'
        else:
            row += (' (not in place in a fresh interpreter: compat is not '
                    'enabled)')
    return row


def _cxx():
    """The C++ compiler Theano would use, or None."""
    user = _flags.user_value('cxx', os.environ.get('THEANO_FLAGS', ''),
                             _flags.theanorc_values())
    name = 'g++' if user is None else user
    if not name:
        return None
    path = shutil.which(name)
    return path and '%s (%s)' % (name, path)


def _blas_status():
    """The BLAS row, what to do about it, and whether it is our OpenBLAS."""
    text = os.environ.get('THEANO_FLAGS', '')
    rc = _flags.theanorc_values()
    key = _flags.names(_variant.installed())[0]
    user = _flags.user_value(key, text, rc)
    blas, why_not = _blas.find()
    if user is not None:
        ours = blas is not None and user.strip() == blas.ldflags
        return ('your %s=%r (%s)' % (key, user, _blas.describe(user)),
                '', ours)
    if blas is not None:
        return '%s (%s)' % (blas.name, blas.lib_dir), '', True
    return ("none: Theano would use its NumPy C-API fallback, about 10x "
            "slower than numpy's matmul", why_not, False)


def _probe(with_install=False):
    code = _PROBE
    env = dict(os.environ)
    if with_install:
        code = 'import lasagne_reg.compat; lasagne_reg.compat.install()\n' + code
        env['LASAGNE_REG_COMPAT'] = '0'
    print('Checking that theano imports in a fresh interpreter (up to a '
          'minute the first time, while Theano compiles)...', file=sys.stderr)
    proc = subprocess.run([sys.executable, '-c', code], env=env,
                          capture_output=True, text=True)
    lines = proc.stdout.strip().splitlines()
    try:
        return json.loads(lines[-1])
    except (IndexError, ValueError):
        tail = (proc.stderr.strip().splitlines() or ['no output'])[-1]
        return {'error': 'exit status %d: %s' % (proc.returncode, tail[:300])}
