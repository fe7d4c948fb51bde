"""What a user gets from the package index and from the source distribution.

The sdist must carry what its own tests need; the long description (the
README on the package index) must not link to paths that exist only in the
repository; the examples a newcomer copies into a script must run as one.
"""
import importlib.util
import os
import re
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


def test_no_unconfirmed_address_is_shipped():
    with open(os.path.join(ROOT, 'setup.py')) as f:
        source = f.read()
    assert 'project_urls=' not in source and 'url=' not in source
    assert not hasattr(_setup_module(), 'URL')


def test_unlinked_leaves_urls_and_plain_text_alone():
    setup = _setup_module()
    text = ('`a <docs/a.rst>`_ `b <https://example.org/b>`_ '
            '`c <mailto:x@example.org>`_ <not a link> `two\nlines <d.rst>`_ '
            '`e.rst <e.rst>`_')
    assert setup._unlinked(text) == (
        'a (docs/a.rst) `b <https://example.org/b>`_ '
        '`c <mailto:x@example.org>`_ <not a link> two\nlines (d.rst) '
        'e.rst')


def test_the_sdist_carries_what_its_tests_need(tmp_path):
    proc = run_python('setup.py', '-q', 'egg_info', '--egg-base',
                      str(tmp_path), 'sdist', '--dist-dir', str(tmp_path),
                      timeout=300)
    assert proc.returncode == 0, proc.stderr
    [archive] = [p for p in os.listdir(str(tmp_path))
                 if p.endswith('.tar.gz')]
    with tarfile.open(str(tmp_path / archive)) as tar:
        names = {name.split('/', 1)[1] for name in tar.getnames()
                 if '/' in name}
    needed = ['setup.py', 'MANIFEST.in', 'README.rst', 'LICENSE',
              'CHANGELOG.rst', 'Makefile', 'conftest.py', 'pytest.ini',
              'tests/__init__.py', 'tests/conftest.py', 'tests/_support.py',
              'benchmarks/run.py', 'docs/conf.py', 'docs/index.rst',
              'docs/_static/custom.css', 'docs/_static/lasagne_reg_demo.png',
              'requirements/theano.txt', 'requirements/demo.txt',
              'requirements/test.txt', 'lasagne_reg/demo/__init__.py',
              'lasagne_reg/demo/__main__.py']
    for name in needed:
        assert name in names, name
    tests_here = {'tests/' + f for f in os.listdir(os.path.join(ROOT, 'tests'))
                  if f.endswith('.py')}
    assert tests_here <= names
    assert not [n for n in names if '__pycache__' in n or n.endswith('.pyc')]


def _examples(text):
    import doctest
    return ''.join(e.source for e in doctest.DocTestParser().get_examples(text))


def _run_script(code, tmp_path):
    script = tmp_path / 'example.py'
    script.write_text(code + "\nprint('ran to the end')\n")
    # a fresh interpreter in another directory: no conftest, no compat
    return run_python(str(script), cwd=tmp_path)


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
