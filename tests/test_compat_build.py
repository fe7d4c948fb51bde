"""Building Theano 1.0.5 on Python 3.12+ (``lasagne_reg/compat/_build.py``)
and the ``enable``/``status`` parts that use it.

The shim is checked in real interpreters (a sitecustomize on PYTHONPATH);
on Python 3.12+ one real sdist build from the package index runs, with and
without the shim (``make test-py312``/``test-py313``).
"""
import configparser
import io
import os
import subprocess
import sys
import textwrap
import types

import pytest

from lasagne_reg import _variant
from lasagne_reg.compat import _build, _cli, _site

pytestmark = []     # mixed: each test says where it runs

PY312 = sys.version_info >= (3, 12)

INI = '[versioneer]\nVCS = git\nstyle = pep440\n'


def _shim_dir(tmp_path):
    directory = tmp_path / 'shim'
    directory.mkdir()
    (directory / 'sitecustomize.py').write_text(_build.SITECUSTOMIZE)
    return directory


def _python(code, env, cwd):
    return subprocess.run([sys.executable, '-c', code], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120)


# what Theano 1.0.5's versioneer.py does with the two names
VERSIONEER = textwrap.dedent('''\
    import configparser, io
    parser = configparser.SafeConfigParser()
    with open("setup.cfg") as f:
        parser.readfp(f)
    print(sorted(parser.items("versioneer")))
    ''')


@pytest.mark.slow
@pytest.mark.compat
def test_the_shim_gives_versioneer_the_two_names(tmp_path):
    (tmp_path / 'setup.cfg').write_text(INI)
    env = _build.environment(str(_shim_dir(tmp_path)))
    proc = _python(VERSIONEER, env, str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    expected = configparser.ConfigParser()
    expected.read_file(io.StringIO(INI))
    assert proc.stdout.strip() == repr(sorted(expected.items('versioneer')))


@pytest.mark.slow
@pytest.mark.compat
@pytest.mark.skipif(not PY312, reason='Python 3.11 still has both names')
def test_without_the_shim_versioneer_fails_on_python_312(tmp_path):
    (tmp_path / 'setup.cfg').write_text(INI)
    proc = _python(VERSIONEER, dict(os.environ), str(tmp_path))
    assert proc.returncode == 1
    assert ("AttributeError: module 'configparser' has no attribute "
            "'SafeConfigParser'" in proc.stderr)


@pytest.mark.slow
@pytest.mark.compat
def test_the_shim_runs_the_sitecustomize_it_hides(tmp_path):
    hidden = tmp_path / 'hidden'
    hidden.mkdir()
    (hidden / 'sitecustomize.py').write_text('import os\n'
                                             'os.environ["HIDDEN_RAN"] = "1"\n')
    env = _build.environment(str(_shim_dir(tmp_path)),
                             dict(os.environ, PYTHONPATH=str(hidden)))
    proc = _python('import os, sys, configparser, sitecustomize\n'
                   'print(os.environ.get("HIDDEN_RAN"), '
                   'hasattr(configparser, "SafeConfigParser"), '
                   'sitecustomize.__file__)', env, str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ['1', 'True',
                                   str(hidden / 'sitecustomize.py')]


@pytest.mark.slow
@pytest.mark.compat
def test_the_shim_alone_stays_importable_as_sitecustomize(tmp_path):
    shim = _shim_dir(tmp_path)
    env = _build.environment(str(shim), {k: v for k, v in os.environ.items()
                                         if k != 'PYTHONPATH'})
    proc = _python('import sys, sitecustomize; print(sitecustomize.__file__)',
                   env, str(tmp_path))
    assert proc.returncode == 0 and proc.stderr == '', proc.stderr
    assert proc.stdout.strip() == str(shim / 'sitecustomize.py')


@pytest.mark.nobackend
def test_environment_puts_the_directory_first():
    assert _build.environment('/d', {'A': '1'}) == {'A': '1',
                                                    'PYTHONPATH': '/d'}
    env = _build.environment('/d', {'PYTHONPATH': '/x' + os.pathsep + '/y'})
    assert env['PYTHONPATH'] == os.pathsep.join(['/d', '/x', '/y'])


@pytest.mark.nobackend
def test_the_command_is_pips_without_build_isolation():
    assert _build.command('/env/bin/python') == [
        '/env/bin/python', '-m', 'pip', 'install', '--no-build-isolation',
        'Theano==1.0.5']
    assert _build.command()[0] == sys.executable


class FakeRun:
    """subprocess.run for build(): records what the build saw."""

    def __init__(self, code):
        self.code = code
        self.seen = []

    def __call__(self, cmd, env):
        directory = env['PYTHONPATH'].split(os.pathsep)[0]
        with open(os.path.join(directory, 'sitecustomize.py')) as f:
            self.seen.append((cmd, directory, f.read()))
        return subprocess.CompletedProcess(cmd, self.code)


def _clock(*times):
    values = iter(times)
    return lambda: next(values)


@pytest.mark.nobackend
def test_build_runs_pip_with_the_shim_and_says_how_long_it_took():
    run, out = FakeRun(0), io.StringIO()
    code, seconds = _build.build(run=run, clock=_clock(10.0, 52.25), out=out)
    assert (code, seconds) == (0, 42.25)
    [(cmd, directory, source)] = run.seen
    assert cmd == _build.command() and source == _build.SITECUSTOMIZE
    assert not os.path.exists(directory)          # removed afterwards
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        'Building Theano==1.0.5 from the package index (its sdist does not '
        'build on Python %d.%d as shipped: its versioneer.py uses '
        'configparser.SafeConfigParser and readfp, removed in Python 3.12; '
        'a temporary sitecustomize restores both for this build only).'
        % sys.version_info[:2])
    assert lines[1] == ('Running: python -m pip install '
                        '--no-build-isolation Theano==1.0.5')
    assert lines[2] == 'Theano 1.0.5 built and installed in 42.2 s.'
    assert len(lines) == 3


@pytest.mark.nobackend
def test_a_failed_build_says_so_and_returns_pips_status():
    run, out = FakeRun(2), io.StringIO()
    code, _ = _build.build('/env/bin/python', run=run, clock=_clock(0, 3),
                           out=out)
    assert code == 2
    assert run.seen[0][0][0] == '/env/bin/python'
    lines = out.getvalue().splitlines()
    assert lines[1] == ('Running: /env/bin/python -m pip install '
                        '--no-build-isolation Theano==1.0.5')
    assert lines[-1] == ("Building Theano 1.0.5 failed (pip exit status 2, "
                         "after 3.0 s); see pip's messages above and "
                         "docs/troubleshooting.rst.")


@pytest.mark.nobackend
@pytest.mark.parametrize('version, builds', [
    ((3, 11, 7), True), ((3, 12, 0), False), ((3, 13, 0), False),
    ((3, 14, 0), False)])
def test_sdist_builds_only_before_python_312(version, builds):
    assert _build.sdist_builds(version) is builds


@pytest.mark.compat
@pytest.mark.lasagne   # asserts this environment's Theano
def test_needed_only_on_312_without_theano(monkeypatch):
    import importlib.metadata
    assert _build.theano_installed()        # this test environment's
    monkeypatch.setattr(_build, 'theano_installed', lambda: False)
    assert _build.needed() is PY312
    monkeypatch.setattr(_build, 'sdist_builds', lambda: False)
    assert _build.needed() is True
    monkeypatch.setattr(_build, 'theano_installed', lambda: True)
    assert _build.needed() is False
    assert importlib.metadata.version('Theano') == '1.0.5'


@pytest.mark.compat
@pytest.mark.lasagne   # this environment has a theano package
def test_theano_installed_without_metadata_looks_for_the_package(
        monkeypatch):
    # a theano package with no distribution metadata (a source checkout on
    # sys.path, an unpacked copy) is installed all the same
    import importlib.metadata
    import importlib.util

    def no_metadata(name):
        raise importlib.metadata.PackageNotFoundError(name)
    monkeypatch.setattr(importlib.metadata, 'version', no_metadata)
    assert _build.theano_installed() is True
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, 'find_spec', lambda name, *a: (
        None if name == 'theano' else real(name, *a)))
    assert _build.theano_installed() is False


@pytest.mark.nobackend
def test_status_row():
    assert _build.status_row(True) == ('done: Theano is installed', '')
    assert _build.status_row(False) == (
        "needed: Theano 1.0.5's sdist does not build as shipped on Python "
        "3.12+ (configparser.SafeConfigParser, readfp)",
        'build and install Theano 1.0.5: python -m lasagne_reg.compat enable')


# -- enable and status ------------------------------------------------------

@pytest.fixture
def builds(monkeypatch):
    """A build that prints '(built)' and exits with ``builds.code``."""
    state = types.SimpleNamespace(calls=[], code=0)

    def build():
        state.calls.append('build')
        print('(built)')
        return state.code, 1.0
    monkeypatch.setattr(_build, 'build', build)
    monkeypatch.setattr(_build, 'needed', lambda: True)
    return state


@pytest.mark.nobackend
def test_enable_builds_theano_first_when_needed(builds, tmp_path, capsys):
    assert _cli.main(['enable', '--site-dir', str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert builds.calls == ['build'] and out.startswith('(built)\n')
    assert _site.state(str(tmp_path)) == 'enabled'


@pytest.mark.nobackend
def test_enable_no_build_skips_the_build(builds, tmp_path, capsys):
    assert _cli.main(['enable', '--no-build', '--site-dir',
                      str(tmp_path)]) == 0
    assert builds.calls == [] and _site.state(str(tmp_path)) == 'enabled'


@pytest.mark.nobackend
def test_a_failed_build_enables_nothing(builds, tmp_path, capsys):
    builds.code = 1
    assert _cli.main(['enable', '--site-dir', str(tmp_path)]) == 1
    assert _site.state(str(tmp_path)) == 'disabled'


@pytest.mark.nobackend
def test_enable_builds_nothing_where_not_needed(monkeypatch, tmp_path,
                                                capsys):
    monkeypatch.setattr(_build, 'needed', lambda: False)
    monkeypatch.setattr(_build, 'build', lambda: pytest.fail('built'))
    assert _cli.main(['enable', '--site-dir', str(tmp_path)]) == 0


def _status_rows(monkeypatch, capsys, tmp_path, versions, sdist_builds):
    monkeypatch.setattr(_cli, '_version', lambda name: versions.get(name))
    # the Theano of versions, whatever this environment has
    monkeypatch.setattr(_variant, 'installed', lambda: (
        _variant.THEANO if versions.get('Theano') else None))
    monkeypatch.setattr(_build, 'sdist_builds', lambda: sdist_builds)
    code = _cli.main(['status', '--no-import-check', '--site-dir',
                      str(tmp_path)])
    out = capsys.readouterr().out
    rows = dict(line.strip().split('  ', 1) for line in out.splitlines()
                if line.startswith('  ') and not line.startswith('  - '))
    todo = [line[4:] for line in out.splitlines() if line.startswith('  - ')]
    return code, {k: v.strip() for k, v in rows.items()}, todo


@pytest.mark.nobackend
def test_status_on_312_without_theano_says_enable_builds_it(
        monkeypatch, capsys, tmp_path):
    code, rows, todo = _status_rows(monkeypatch, capsys, tmp_path,
                                    {'numpy': '2.5.5', 'Lasagne': '0.1'},
                                    False)
    assert code == 1
    assert rows['Theano build'] == (
        "needed: Theano 1.0.5's sdist does not build as shipped on Python "
        "3.12+ (configparser.SafeConfigParser, readfp)")
    assert todo == ['build and install Theano 1.0.5: python -m '
                    'lasagne_reg.compat enable']


@pytest.mark.nobackend
def test_status_on_312_with_theano(monkeypatch, capsys, tmp_path):
    _site.enable(str(tmp_path))
    _, rows, _ = _status_rows(monkeypatch, capsys, tmp_path,
                              {'numpy': '2.5.5', 'Theano': '1.0.5',
                               'Lasagne': '0.1'}, False)
    assert rows['Theano build'] == 'done: Theano is installed'
    assert list(rows)[:6] == ['Python', 'numpy', 'Theano', 'Lasagne',
                              'setuptools', 'Theano build']


@pytest.mark.nobackend
def test_status_on_311_has_no_build_row(monkeypatch, capsys, tmp_path):
    code, rows, todo = _status_rows(monkeypatch, capsys, tmp_path,
                                    {'numpy': '1.23.5', 'Lasagne': '0.1'},
                                    True)
    assert 'Theano build' not in rows and code == 1
    assert todo == ["Lasagne needs Theano: pip install "
                    "'lasagne_reg[theano]'"]


# -- the real thing ------------------------------------------------------------

def _pip_target(target):
    """build()'s command, installing into `target` from a fresh sdist build
    (no wheel cache, nothing else touched)."""
    def run(cmd, env):
        cmd = cmd + ['--no-deps', '--no-cache-dir', '--target', str(target)]
        return subprocess.run(cmd, env=env, capture_output=True, text=True,
                              timeout=600)
    return run


@pytest.mark.slow
@pytest.mark.compat
@pytest.mark.skipif(not PY312, reason='Python 3.11 builds the sdist as is')
def test_a_real_sdist_build_on_python_312(tmp_path):
    results = []

    def run(cmd, env):
        proc = _pip_target(tmp_path / 'with')(cmd, env)
        results.append(proc)
        return proc
    out = io.StringIO()
    code, seconds = _build.build(run=run, out=out)
    assert code == 0, (results[0].stdout + results[0].stderr)[-3000:]
    assert (tmp_path / 'with' / 'theano' / 'scan_module' / 'scan.py').is_file()
    assert (tmp_path / 'with' / 'Theano-1.0.5.dist-info').is_dir() or \
        (tmp_path / 'with' / 'theano-1.0.5.dist-info').is_dir()
    assert 'Building wheel for Theano' in results[0].stdout
    assert out.getvalue().splitlines()[-1] == (
        'Theano 1.0.5 built and installed in %.1f s.' % seconds)
    # the same command without the shim fails as the issue says
    proc = _pip_target(tmp_path / 'without')(
        _build.command(), dict(os.environ))
    assert proc.returncode != 0
    assert ("module 'configparser' has no attribute 'SafeConfigParser'"
            in proc.stdout + proc.stderr)
