"""``python -m lasagne_reg.compat enable|disable|status``, in process.

tests/test_compat.py runs the command in fresh interpreters and virtualenvs,
as a user does; here ``main(argv)`` runs in this process against a
site-packages directory of the test's own (``--site-dir``), and ``status``
against environments described by replacing its probes (installed versions,
compiler, the fresh-interpreter import), so that every row and every line of
advice it prints is checked, with its exit status.
"""
import os
import shutil
import sys
import sysconfig

import numpy as np
import pytest

from lasagne_reg import _variant
from lasagne_reg.compat import _blas, _build, _cli, _site
from tests._compat_support import BUSY

pytestmark = []     # mixed: each test says where it runs


@pytest.fixture(autouse=True)
def this_environment(tmp_path_factory, monkeypatch):
    """A stand-in for this environment's site-packages: whatever a test
    (or a broken enable) does, the environment running the tests is never
    enabled."""
    purelib = str(tmp_path_factory.mktemp('this-env-site'))
    paths = dict(sysconfig.get_paths(), purelib=purelib)
    monkeypatch.setattr(sysconfig, 'get_paths', lambda *a, **k: paths)
    return purelib


def _cli_run(capsys, *argv):
    code = _cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _rows(out):
    """status's table as {row name: value}."""
    rows = {}
    for line in out.splitlines()[1:]:
        if not line.startswith('  ') or line.startswith('  - '):
            if line.startswith('To do') or line.startswith('Nothing'):
                break
            continue
        name, _, value = line.strip().partition('  ')
        rows[name.strip()] = value.strip()
    return rows


def _todo(out):
    return [line[4:] for line in out.splitlines() if line.startswith('  - ')]


# -- enable / disable -------------------------------------------------------

@pytest.mark.nobackend
def test_enable_writes_the_hook_and_disable_removes_exactly_it(
        tmp_path, capsys):
    site = str(tmp_path)
    (tmp_path / 'other.pth').write_text('# not ours\n')
    code, out, err = _cli_run(capsys, 'enable', '--site-dir', site)
    assert code == 0 and err == ''
    assert out.splitlines() == [
        'lasagne_reg compat enabled in %s: every Python process of this '
        'environment now runs lasagne_reg.compat.install() before it imports '
        'theano or lasagne.' % site,
        'Undo with: python -m lasagne_reg.compat disable']
    hook_source = open(os.path.join(os.path.dirname(_site.__file__),
                                    '_hook.py')).read()
    assert (tmp_path / '_lasagne_reg_compat.py').read_text() == hook_source
    pth = (tmp_path / 'lasagne_reg_compat.pth').read_text()
    assert pth.startswith('import _lasagne_reg_compat  #') and \
        pth.endswith('\n') and pth.count('\n') == 1
    assert _site.state(site) == 'enabled'
    assert sorted(p.name for p in tmp_path.glob('*.tmp')) == []

    code, out, _ = _cli_run(capsys, 'enable', '--site-dir', site)
    assert code == 0
    assert out.splitlines()[0] == ('lasagne_reg compat is already enabled '
                                   'in %s.' % site)

    code, out, _ = _cli_run(capsys, 'disable', '--site-dir', site)
    assert code == 0
    assert out == 'lasagne_reg compat disabled in %s.\n' % site
    assert sorted(p.name for p in tmp_path.iterdir()) == ['__pycache__',
                                                         'other.pth']
    assert list((tmp_path / '__pycache__').iterdir()) == []
    code, out, _ = _cli_run(capsys, 'disable', '--site-dir', site)
    assert code == 0
    assert out == 'lasagne_reg compat was not enabled in %s.\n' % site


@pytest.mark.nobackend
def test_enable_into_a_missing_directory_fails_and_writes_nothing(
        tmp_path, capsys):
    missing = str(tmp_path / 'nope')
    code, out, err = _cli_run(capsys, 'enable', '--site-dir', missing)
    assert code == 1 and out == ''
    assert err == ('lasagne_reg compat: cannot enable in %s: %s: no such '
                   'directory (expected the site-packages directory of a '
                   'Python environment)\n' % (missing, missing))
    assert not os.path.exists(missing)


@pytest.mark.nobackend
def test_disable_that_cannot_remove_says_so(tmp_path, capsys, monkeypatch):
    def refuse(path):
        raise PermissionError(13, 'Permission denied', path)
    (tmp_path / 'lasagne_reg_compat.pth').write_text('x')
    monkeypatch.setattr(os, 'remove', refuse)
    code, out, err = _cli_run(capsys, 'disable', '--site-dir', str(tmp_path))
    assert code == 1 and out == ''
    assert err.startswith('lasagne_reg compat: cannot disable in %s: '
                          % tmp_path)
    assert 'Permission denied' in err


@pytest.mark.nobackend
def test_the_default_directory_is_this_environments_site_packages(
        monkeypatch, capsys, this_environment):
    purelib = this_environment
    assert _site.site_dir() == os.path.abspath(purelib)
    assert _site.site_dir('relative/dir') == os.path.abspath('relative/dir')
    seen = []
    monkeypatch.setattr(_cli, '_disable', lambda d: seen.append(d) or 0)
    assert _cli.main(['disable']) == 0
    assert seen == [os.path.abspath(purelib)]


@pytest.mark.nobackend
def test_usage_names_the_three_commands(capsys):
    with pytest.raises(SystemExit) as info:
        _cli.main(['frobnicate'])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1].startswith(
        "python -m lasagne_reg.compat: error: argument command: invalid "
        "choice: 'frobnicate'")
    for command in ('enable', 'disable', 'status'):
        assert 'python -m lasagne_reg.compat %s' % command in err


# -- status -----------------------------------------------------------------

REAL_FIND = _blas.find
REAL_CXX = _cli._cxx
FAKE_BLAS = _blas.Blas('OpenBLAS 0.3.0 from scipy-openblas32', '/opt/b',
                       '-L/opt/b -lscipy_openblas', [])
VERSIONS = {'numpy': '1.23.5', 'Theano': '1.0.5', 'Lasagne': '0.1',
            'setuptools': '65.5.0'}


@pytest.fixture
def machine(monkeypatch):
    """status's view of an environment, set by the test."""
    class Machine:
        versions = dict(VERSIONS)
        cxx = 'g++ (/usr/bin/g++)'
        probes = {False: {'theano': True, 'lasagne': True,
                          'ldflags': '-L/x -lscipy_openblas'},
                  True: {'theano': True, 'lasagne': True}}
        calls = []
    m = Machine()
    monkeypatch.setattr(_cli, '_version', lambda name: m.versions.get(name))
    # the Theano of versions, whatever this environment has
    monkeypatch.setattr(_variant, 'installed', lambda: (
        _variant.THEANO if m.versions.get('Theano') else None))
    monkeypatch.setattr(_cli, '_cxx', lambda: m.cxx)
    monkeypatch.setattr(_cli, '_probe', lambda with_install=False: (
        m.calls.append(with_install) or m.probes[with_install]))
    monkeypatch.setattr(_blas, 'find', lambda: (FAKE_BLAS, ''))
    # a Python whose Theano installs from its sdist (3.11): no "Theano
    # build" row (tests/test_compat_build.py has the 3.12+ rows)
    monkeypatch.setattr(_build, 'sdist_builds', lambda: True)
    monkeypatch.setattr(_blas, 'cpus', lambda: 4)
    monkeypatch.setattr(_blas, 'load', lambda: 0.5)
    for name in _blas.THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('THEANO_FLAGS', '')
    monkeypatch.setenv('THEANORC', os.devnull)
    return m


@pytest.mark.nobackend
def test_status_of_a_ready_environment(machine, tmp_path, capsys):
    _site.enable(str(tmp_path))
    code, out, _ = _cli_run(capsys, 'status', '--site-dir', str(tmp_path))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == 'lasagne_reg compat status'
    rows = _rows(out)
    assert list(rows) == ['Python', 'numpy', 'Theano', 'Lasagne',
                          'setuptools', 'compat', 'C++ compiler', 'BLAS',
                          'BLAS threads', 'import', 'patched']
    assert rows['Python'] == '%s (%s)' % (sys.version.split()[0],
                                          sys.executable)
    assert rows['Theano'] == '1.0.5' and rows['Lasagne'] == '0.1'
    assert rows['compat'] == 'enabled (%s)' % tmp_path
    assert rows['C++ compiler'] == 'g++ (/usr/bin/g++)'
    assert rows['BLAS'] == ('OpenBLAS 0.3.0 from scipy-openblas32 '
                            '(/opt/b)')
    assert rows['BLAS threads'] == ('4, one per CPU (OPENBLAS_NUM_THREADS '
                                    'unset); load 0.5 on 4 CPUs')
    assert rows['import'] == ("theano and lasagne import in a fresh "
                              "interpreter (Theano blas.ldflags="
                              "'-L/x -lscipy_openblas')")
    assert lines[-1] == 'Nothing to do.' and _todo(out) == []
    assert machine.calls == [False]
    # the names are aligned in one column
    starts = {line.index(value) for line, value in
              zip(lines[1:11], rows.values())}
    assert len(starts) == 1


@pytest.mark.nobackend
def test_status_of_an_environment_without_compat(machine, tmp_path, capsys):
    machine.probes[False] = {'error': 'AttributeError: module numpy has no '
                                      'attribute bool'}
    code, out, _ = _cli_run(capsys, 'status', '--site-dir', str(tmp_path))
    assert code == 1
    rows = _rows(out)
    assert rows['compat'] == 'not enabled'
    assert rows['import'] == ('FAILS: AttributeError: module numpy has no '
                              'attribute bool (with compat: imports)')
    todo = _todo(out)
    assert todo[0].startswith('enable compat once for this environment: '
                              'python -m lasagne_reg.compat enable')
    assert todo[1] == ('look this message up in the troubleshooting page of '
                       'the docs (docs/troubleshooting.rst)')
    assert len(todo) == 2 and out.splitlines()[-3] == 'To do:'
    assert machine.calls == [False, True]


@pytest.mark.nobackend
def test_status_when_compat_does_not_help_either(machine, tmp_path, capsys):
    machine.probes[False] = {'error': 'ImportError: one'}
    machine.probes[True] = {'error': 'ImportError: two'}
    code, out, _ = _cli_run(capsys, 'status', '--site-dir', str(tmp_path))
    assert code == 1
    assert _rows(out)['import'] == 'FAILS: ImportError: one'
    assert 'with compat it fails too: ImportError: two' in _todo(out)


@pytest.mark.nobackend
def test_status_of_an_enabled_environment_that_still_fails(
        machine, tmp_path, capsys):
    _site.enable(str(tmp_path))
    machine.probes[False] = {'error': 'ImportError: three'}
    code, out, _ = _cli_run(capsys, 'status', '--site-dir', str(tmp_path))
    assert code == 1
    assert _rows(out)['import'] == 'FAILS: ImportError: three'
    assert machine.calls == [False]        # no second probe: compat is on
    assert _todo(out) == ['look this message up in the troubleshooting page '
                          'of the docs (docs/troubleshooting.rst)']


@pytest.mark.nobackend
def test_status_of_hook_files_from_another_version(machine, tmp_path, capsys):
    _site.enable(str(tmp_path))
    (tmp_path / 'lasagne_reg_compat.pth').write_text('import old\n')
    code, out, _ = _cli_run(capsys, 'status', '--site-dir', str(tmp_path),
                            '--no-import-check')
    assert code == 0
    rows = _rows(out)
    assert rows['compat'] == ('enabled by another lasagne_reg version (%s)'
                              % tmp_path)
    assert 'import' not in rows and machine.calls == []
    assert _todo(out) == ['refresh the hook: python -m lasagne_reg.compat '
                          'enable']


@pytest.mark.nobackend
def test_status_without_a_compiler(machine, tmp_path, capsys):
    _site.enable(str(tmp_path))
    machine.cxx = None
    code, out, _ = _cli_run(capsys, 'status', '--site-dir', str(tmp_path),
                            '--no-import-check')
    assert code == 0
    assert _rows(out)['C++ compiler'] == 'none found'
    assert _todo(out) == ['install a C++ compiler (Debian/Ubuntu: apt-get '
                          'install g++): without one Theano runs its '
                          'pure-Python mode, about 1,000x slower per element']


@pytest.mark.nobackend
def test_status_without_theano(machine, tmp_path, capsys):
    machine.versions = {'numpy': '2.4.6'}
    machine.cxx = None
    code, out, _ = _cli_run(capsys, 'status', '--site-dir', str(tmp_path))
    assert code == 0
    rows = _rows(out)
    assert rows['Theano'] == 'not installed'
    assert rows['setuptools'] == 'not installed'
    assert rows['import'] == ('nothing to check: Theano is not installed '
                              '(compat concerns Theano 1.0.5 and Lasagne '
                              'only)')
    assert machine.calls == [] and out.endswith('Nothing to do.\n')


@pytest.mark.nobackend
def test_status_of_lasagne_without_theano(machine, tmp_path, capsys):
    machine.versions = {'numpy': '2.4.6', 'Lasagne': '0.1'}
    code, out, _ = _cli_run(capsys, 'status', '--site-dir', str(tmp_path))
    assert code == 1
    assert _todo(out) == ["Lasagne needs Theano: pip install "
                          "'lasagne_reg[theano]'"]


@pytest.mark.nobackend
def test_status_of_theano_without_lasagne(machine, tmp_path, capsys):
    _site.enable(str(tmp_path))
    del machine.versions['Lasagne']
    machine.probes[False] = {'theano': True, 'ldflags': ''}
    code, out, _ = _cli_run(capsys, 'status', '--site-dir', str(tmp_path))
    assert code == 0
    assert _rows(out)['import'] == ("theano import in a fresh interpreter "
                                    "(Theano blas.ldflags='')")
    assert _todo(out) == ["Lasagne is not installed: pip install "
                          "'lasagne_reg[theano]'"]


@pytest.mark.nobackend
def test_status_blas_row_follows_the_users_flags(machine, tmp_path, capsys,
                                                 monkeypatch):
    _site.enable(str(tmp_path))
    monkeypatch.setenv('THEANO_FLAGS', 'blas.ldflags=-lopenblas')
    code, out, _ = _cli_run(capsys, 'status', '--site-dir', str(tmp_path),
                            '--no-import-check')
    assert code == 0
    assert _rows(out)['BLAS'] == ("your blas.ldflags='-lopenblas' "
                                  "(blas.ldflags=-lopenblas)")
    assert _todo(out) == []            # the user's choice needs nothing
    # another BLAS reads other variables: no thread row for it
    assert 'BLAS threads' not in _rows(out)
    monkeypatch.setenv('THEANO_FLAGS', 'blas.ldflags=' + FAKE_BLAS.ldflags)
    code, out, _ = _cli_run(capsys, 'status', '--site-dir', str(tmp_path),
                            '--no-import-check')
    assert _rows(out)['BLAS threads'].startswith('4, one per CPU')
    monkeypatch.setattr(_blas, 'find', lambda: (None, 'none here (pip '
                                                'install it)'))
    monkeypatch.setenv('THEANO_FLAGS', 'floatX=float32')
    code, out, _ = _cli_run(capsys, 'status', '--site-dir', str(tmp_path),
                            '--no-import-check')
    assert code == 0
    assert _rows(out)['BLAS'] == ("none: Theano would use its NumPy C-API "
                                  "fallback, about 10x slower than numpy's "
                                  "matmul")
    assert _todo(out) == ['none here (pip install it)']
    assert 'BLAS threads' not in _rows(out)


@pytest.mark.nobackend
def test_status_advises_one_blas_thread_on_a_busy_machine(
        machine, tmp_path, capsys, monkeypatch):
    _site.enable(str(tmp_path))
    monkeypatch.setattr(_blas, 'cpus', lambda: 2)
    monkeypatch.setattr(_blas, 'load', lambda: 7.5)
    code, out, _ = _cli_run(capsys, 'status', '--site-dir', str(tmp_path),
                            '--no-import-check')
    assert code == 0                   # advice, not a failure
    assert _todo(out) == [BUSY]
    monkeypatch.setenv('OPENBLAS_NUM_THREADS', '1')
    code, out, _ = _cli_run(capsys, 'status', '--site-dir', str(tmp_path),
                            '--no-import-check')
    assert _rows(out)['BLAS threads'] == ('1 (OPENBLAS_NUM_THREADS=1); '
                                          'load 7.5 on 2 CPUs')
    assert _todo(out) == []
    # without Theano the BLAS is nobody's concern
    machine.versions['Theano'] = machine.versions['Lasagne'] = None
    monkeypatch.delenv('OPENBLAS_NUM_THREADS')
    code, out, _ = _cli_run(capsys, 'status', '--site-dir', str(tmp_path),
                            '--no-import-check')
    assert BUSY not in _todo(out)


@pytest.mark.compat
@pytest.mark.lasagne    # scipy-openblas32 comes with the Theano stack
def test_status_blas_row_names_the_blas_found(machine, tmp_path, capsys,
                                              monkeypatch):
    monkeypatch.setattr(_blas, 'find', REAL_FIND)
    _site.enable(str(tmp_path))
    blas, _ = _blas.find()
    code, out, _ = _cli_run(capsys, 'status', '--site-dir', str(tmp_path),
                            '--no-import-check')
    assert _rows(out)['BLAS'] == '%s (%s)' % (blas.name, blas.lib_dir)
    assert blas.name.startswith('OpenBLAS 0.3.')


@pytest.mark.nobackend
def test_versions_of_installed_and_missing_distributions():
    assert _cli._version('numpy') == np.__version__
    assert _cli._version('no-such-distribution-here') is None


@pytest.mark.nobackend
def test_compiler_follows_the_cxx_flag(monkeypatch):
    monkeypatch.setenv('THEANORC', os.devnull)
    monkeypatch.setenv('THEANO_FLAGS', 'cxx=')
    assert _cli._cxx() is None
    monkeypatch.setenv('THEANO_FLAGS', 'cxx=no-such-compiler-here')
    assert _cli._cxx() is None
    gxx = shutil.which('g++')
    monkeypatch.setenv('THEANO_FLAGS', 'floatX=float32')
    assert _cli._cxx() == (gxx and 'g++ (%s)' % gxx)
    monkeypatch.setenv('THEANO_FLAGS', 'cxx=sh')
    assert _cli._cxx() == 'sh (%s)' % shutil.which('sh')


@pytest.mark.nobackend
@pytest.mark.slow
def test_probe_reads_the_last_line_of_a_fresh_interpreter(monkeypatch,
                                                          capsys):
    monkeypatch.setattr(_cli, '_PROBE', 'import json, os\n'
                        'print("noise")\nprint("{}")\n'
                        'print(json.dumps({"compat": '
                        'os.environ.get("LASAGNE_REG_COMPAT"), '
                        '"installed": "lasagne_reg.compat" in '
                        '__import__("sys").modules}))\n')
    monkeypatch.delenv('LASAGNE_REG_COMPAT', raising=False)
    assert _cli._probe() == {'compat': None, 'installed': False}
    assert _cli._probe(with_install=True) == {'compat': '0',
                                              'installed': True}
    assert capsys.readouterr().err == 2 * (
        'Checking that theano imports in a fresh interpreter (up to a minute '
        'the first time, while Theano compiles)...\n')


@pytest.mark.nobackend
@pytest.mark.slow
def test_probe_of_an_interpreter_that_dies_reports_its_last_words(
        monkeypatch):
    monkeypatch.setattr(_cli, '_PROBE', 'import sys\n'
                        'sys.stderr.write("first\\nlast words " + "x" * 400)\n'
                        'sys.exit(3)\n')
    error = _cli._probe()['error']
    assert error == 'exit status 3: last words ' + 'x' * 289
    monkeypatch.setattr(_cli, '_PROBE', 'import sys; sys.exit(4)\n')
    assert _cli._probe() == {'error': 'exit status 4: no output'}


@pytest.mark.nobackend
def test_help_says_what_each_option_does(capsys):
    with pytest.raises(SystemExit) as info:
        _cli.main(['--help'])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith('usage: python -m lasagne_reg.compat enable    '
                          'compat for every process of this environment\n')
    text = ' '.join(out.split())
    # argparse may break the path at a hyphen: compare it without blanks
    assert ("(default:this environment's,%s)" % _site.site_dir()).replace(
        ' ', '') in ''.join(out.split())
    for said in (
            'Make Theano 1.0.5 and Lasagne import and run fast in this '
            'Python environment.',
            '{enable,disable,status}',
            '--site-dir DIR the site-packages directory to act on (default:',
            '--no-import-check status: do not import theano in a fresh '
            'interpreter (that can take a minute the first time, while '
            'Theano compiles)'):
        assert said in text, said


@pytest.mark.nobackend
def test_status_rows_without_theano_flags_in_the_environment(
        machine, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv('THEANO_FLAGS')
    monkeypatch.setattr(_cli, '_cxx', REAL_CXX)
    _site.enable(str(tmp_path))
    code, out, _ = _cli_run(capsys, 'status', '--site-dir', str(tmp_path),
                            '--no-import-check')
    rows = _rows(out)
    gxx = shutil.which('g++')
    assert rows['C++ compiler'] == ('g++ (%s)' % gxx if gxx else 'none found')
    assert rows['BLAS'] == 'OpenBLAS 0.3.0 from scipy-openblas32 (/opt/b)'


@pytest.mark.nobackend
def test_status_enable_advice_in_full(machine, tmp_path, capsys):
    code, out, _ = _cli_run(capsys, 'status', '--site-dir', str(tmp_path),
                            '--no-import-check')
    assert _todo(out) == [
        'enable compat once for this environment: python -m '
        'lasagne_reg.compat enable (or call lasagne_reg.compat.install() '
        'before importing theano)']


@pytest.mark.slow
@pytest.mark.compat
@pytest.mark.lasagne       # a real probe: theano imports, Lasagne does not
def test_status_of_theano_without_lasagne_through_a_real_probe(
        tmp_path, capsys, monkeypatch):
    # a lasagne that is not there, ahead of the installed one
    hidden = tmp_path / 'hide' / 'lasagne'
    hidden.mkdir(parents=True)
    (hidden / '__init__.py').write_text(
        'raise ModuleNotFoundError("No module named \'lasagne\'", '
        'name="lasagne")\n')
    monkeypatch.setenv('PYTHONPATH', os.pathsep.join(
        [str(hidden.parent)] + [p for p in [os.environ.get('PYTHONPATH')]
                                if p]))
    # install() first, as status's second probe does: Theano imports
    # without compat on Python 3.11 only
    probe = _cli._probe(with_install=True)
    assert probe.get('theano') is True and 'error' not in probe, probe
    assert 'lasagne' not in probe
    # and one whose lasagne is there but broken still fails
    (hidden / '__init__.py').write_text('import no_such_module_here\n')
    probe = _cli._probe(with_install=True)
    assert probe['error'] == ("ModuleNotFoundError: No module named "
                              "'no_such_module_here'")


@pytest.mark.nobackend
def test_status_of_a_lasagne_checkout_without_metadata(machine, tmp_path,
                                                       capsys):
    # Lasagne master from a git checkout on PYTHONPATH: it imports, but no
    # distribution says so; nothing to install then
    _site.enable(str(tmp_path))
    del machine.versions['Lasagne']
    code, out, _ = _cli_run(capsys, 'status', '--site-dir', str(tmp_path))
    assert code == 0
    assert _rows(out)['Lasagne'] == 'not installed'
    assert _rows(out)['import'].startswith('theano and lasagne import')
    assert out.endswith('Nothing to do.\n')
