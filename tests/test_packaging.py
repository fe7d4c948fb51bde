"""What a user gets from the package index and from the source distribution.

The sdist must carry what its own tests need; the long description (the
README on the package index) must not link to paths that exist only in the
repository; the examples a newcomer copies into a script must run as one.
"""
import importlib.metadata
import importlib.util
import os
import re
import subprocess
import tarfile

import pytest

from tests._support import run_python

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _setup_module():
    """setup.py as a module, without running setup() (it runs as __main__)."""
    spec = importlib.util.spec_from_file_location(
        '_lasagne_reg_setup', os.path.join(ROOT, 'setup.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.nobackend
def test_readme_links_name_files_on_the_package_index():
    """The package index has no repository to resolve relative links in,
    and the project has no confirmed home to link to: they become text."""
    setup = _setup_module()
    text = setup._long_description()
    targets = re.findall(r'<([^<>\s]+)>`_', text)
    for target in targets:
        assert target.startswith('https://'), target
    assert 'backends and compatibility (docs/backends.rst)' in text
    assert 'Changes are listed in\nCHANGELOG.rst.' in text
    # the README itself keeps relative links, for browsing the repository
    with open(os.path.join(ROOT, 'README.rst')) as f:
        assert '<docs/backends.rst>`_' in f.read()


@pytest.mark.nobackend
def test_no_unconfirmed_address_is_shipped():
    with open(os.path.join(ROOT, 'setup.py')) as f:
        source = f.read()
    assert 'project_urls=' not in source and 'url=' not in source
    assert not hasattr(_setup_module(), 'URL')


@pytest.mark.nobackend
def test_unlinked_leaves_urls_and_plain_text_alone():
    setup = _setup_module()
    text = ('`a <docs/a.rst>`_ `b <https://example.org/b>`_ '
            '`c <mailto:x@example.org>`_ <not a link> `two\nlines <d.rst>`_ '
            '`e.rst <e.rst>`_')
    assert setup._unlinked(text) == (
        'a (docs/a.rst) `b <https://example.org/b>`_ '
        '`c <mailto:x@example.org>`_ <not a link> two\nlines (d.rst) '
        'e.rst')


@pytest.fixture(scope='module')
def sdist(tmp_path_factory):
    """The source distribution, built from this checkout and unpacked:
    (the archive's member names, the unpacked directory)."""
    where = tmp_path_factory.mktemp('sdist')
    proc = run_python('setup.py', '-q', 'egg_info', '--egg-base',
                      str(where), 'sdist', '--dist-dir', str(where),
                      timeout=300)
    assert proc.returncode == 0, proc.stderr
    [archive] = [p for p in os.listdir(str(where)) if p.endswith('.tar.gz')]
    with tarfile.open(str(where / archive)) as tar:
        names = {name.split('/', 1)[1] for name in tar.getnames()
                 if '/' in name}
        tar.extractall(str(where / 'unpacked'), filter='data')
    [top] = os.listdir(str(where / 'unpacked'))
    return names, where / 'unpacked' / top


@pytest.mark.nobackend
@pytest.mark.slow
def test_the_sdist_carries_what_its_tests_need(sdist):
    names, _ = sdist
    needed = ['setup.py', 'MANIFEST.in', 'README.rst', 'LICENSE',
              'CHANGELOG.rst', 'Makefile', 'conftest.py', 'pytest.ini',
              'tests/__init__.py', 'tests/conftest.py', 'tests/_support.py',
              'benchmarks/run.py', 'docs/conf.py', 'docs/index.rst',
              'docs/_static/custom.css', 'docs/_static/lasagne_reg_demo.png',
              'requirements/theano.txt', 'requirements/demo.txt',
              'requirements/test.txt', 'lasagne_reg/demo/__init__.py',
              'lasagne_reg/demo/__main__.py', 'tools/find-python',
              'tools/mutation.py', '.ci/run']
    for name in needed:
        assert name in names, name
    here = set()
    for top in ('tests', 'tools'):
        for folder, dirs, files in os.walk(os.path.join(ROOT, top)):
            dirs[:] = [d for d in dirs if d != '__pycache__']
            here |= {os.path.relpath(os.path.join(folder, f), ROOT)
                     for f in files}
    assert here <= names, sorted(here - names)
    assert not [n for n in names if '__pycache__' in n or n.endswith('.pyc')]


def _sdist_pytest(directory, backend, *args):
    """pytest in the unpacked sdist, in a fresh interpreter of this
    virtualenv that imports the sdist's own lasagne_reg, not this checkout's
    (no PYTHONPATH: the working directory comes first on sys.path)."""
    env = {'PYTHONPATH': None, 'LASAGNE_REG_TEST_BACKEND': backend,
           'PYTHONDONTWRITEBYTECODE': '1'}
    proc = run_python('-m', 'pytest', '-p', 'no:cacheprovider', *args,
                      env=env, cwd=directory, timeout=900)
    return proc


def _collected(proc):
    match = re.search(r'^(\d+)(?:/\d+)? tests? collected', proc.stdout, re.M)
    assert match, proc.stdout[-3000:] + proc.stderr[-3000:]
    return int(match.group(1))


@pytest.mark.nobackend
@pytest.mark.slow
def test_the_sdist_tests_itself(sdist):
    # what README.rst tells a user of the sdist to do: install its
    # requirements files (this virtualenv, the theano stack, has exactly
    # their pins), then run pytest in its folder; every test collects
    # there, as in the checkout, and tests pass
    names, directory = sdist
    with open(os.path.join(ROOT, 'README.rst')) as f:
        readme = f.read()
    step = re.search(r'From a source distribution.*?``pip install ([^`]*)``',
                     readme, re.S)
    assert step, 'README.rst: no pip install step for the sdist'
    files = re.findall(r'-r (\S+)', step.group(1))
    assert 'requirements/theano.txt' in files
    for name in files:
        assert name in names, name
        for pin in _pins(directory / name):
            assert importlib.metadata.version(pin[0]) == pin[1], pin
    probe = run_python(code='import lasagne_reg, os; '
                       'print(os.path.dirname(lasagne_reg.__file__))',
                       env={'PYTHONPATH': None}, cwd=directory)
    assert probe.stdout.strip() == str(directory / 'lasagne_reg'), probe
    there = _sdist_pytest(directory, 'theano', '--collect-only', '-q')
    assert there.returncode == 0, there.stdout[-3000:] + there.stderr[-3000:]
    here = run_python('-m', 'pytest', '-p', 'no:cacheprovider',
                      '--collect-only', '-q',
                      env={'LASAGNE_REG_TEST_BACKEND': 'theano'})
    assert _collected(there) == _collected(here) > 500
    for backend, selection in (
            ('none', ['-m', 'nobackend and not slow']),
            ('theano', ['-m', 'core and not slow and not nobackend',
                        'tests/test_regularization.py'])):
        proc = _sdist_pytest(directory, backend, '-q', *selection)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        assert re.search(r'^\d+ passed', proc.stdout.splitlines()[-1]), \
            proc.stdout[-500:]
    # not the variables of a make that runs this test (make test CACHE=...
    # would reach the sdist's make, whose test target clears CACHE/times)
    env = {k: v for k, v in os.environ.items()
           if k not in ('MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'MAKEOVERRIDES')}
    make = subprocess.run(['make', '-n', 'check', 'test'], cwd=directory,
                          capture_output=True, text=True, timeout=120,
                          env=env)
    assert make.returncode == 0, make.stderr
    assert 'pytest' in make.stdout


def _pins(path):
    """(name, version) of each ``name==version`` line of a requirements
    file, following its ``-r`` includes."""
    found = []
    for line in path.read_text().splitlines():
        line = line.split('#')[0].strip()
        if line.startswith('-r '):
            found += _pins(path.parent / line[3:].strip())
        elif '==' in line:
            name, version = line.split('==')
            found.append((name.strip(), version.strip()))
    return found


def _examples(text):
    import doctest
    return ''.join(e.source for e in doctest.DocTestParser().get_examples(text))


def _run_script(code, tmp_path):
    script = tmp_path / 'example.py'
    script.write_text(code + "\nprint('ran to the end')\n")
    # a fresh interpreter in another directory: no conftest, no compat
    return run_python(str(script), cwd=tmp_path)


@pytest.mark.slow
@pytest.mark.lasagne
@pytest.mark.parametrize('where', ['api', 'index', 'README'])
def test_the_first_example_a_newcomer_copies_runs_as_a_script(where,
                                                               tmp_path):
    if where == 'api':
        import lasagne_reg.regularization
        text = lasagne_reg.regularization.__doc__
    else:
        path = ('README.rst' if where == 'README'
                else os.path.join('docs', 'index.rst'))
        with open(os.path.join(ROOT, path)) as f:
            text = f.read()
    code = _examples(text)
    assert 'lasagne_reg.compat.install()' in code
    proc = _run_script(code, tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip().endswith('ran to the end')
