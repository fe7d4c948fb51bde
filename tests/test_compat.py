"""lasagne_reg.compat: explicit, reversible, and enough for Theano 1.0.5 + Lasagne.

install() and InstallReport (compat/__init__.py). The in-process tests run
after the root conftest called install(); the subprocess tests start fresh
interpreters, so they see exactly what a user's script sees. Each compat
module has its own test file (tests/test_compat_<module>.py).
"""
import importlib.machinery
import importlib.metadata
import importlib.util
import os
import sys
import warnings

import numpy as np
import pytest

from lasagne_reg import _variant, compat
from lasagne_reg.compat import _blas, _flags, _modules, _stack
from tests._compat_support import (
    NO_BLAS,
    NP2,
    cache_flags,
    fresh_finders,
    linalg_served,
    pkg_resources_served,
)
from tests._support import last_json, run_python

pytestmark = []     # mixed: each test says where it runs

SCAN_C_LOOP = 'theano.scan_module.scan_perform_ext'


@pytest.mark.nobackend
@pytest.mark.slow
def test_importing_the_package_imports_no_backend_and_patches_nothing():
    result = last_json(run_python(code='''
        import sys, json, numpy
        before = set(vars(numpy)), list(sys.meta_path)
        import lasagne_reg, lasagne_reg.compat, lasagne_reg.regularization
        after = set(vars(numpy)), list(sys.meta_path)
        print(json.dumps({
            'backends': [m for m in ('theano', 'pytensor', 'aesara', 'lasagne')
                         if m in sys.modules],
            'same_numpy': before[0] == after[0],
            'same_meta_path': before[1] == after[1],
            'flags': __import__('os').environ.get('THEANO_FLAGS')}))
    ''', env={'THEANO_FLAGS': 'floatX=float32'}))
    assert result == {'backends': [], 'same_numpy': True,
                      'same_meta_path': True, 'flags': 'floatX=float32'}


# -- install() in process ---------------------------------------------------

@pytest.mark.compat
@pytest.mark.lasagne   # the root conftest installs only on Theano
def test_install_after_theano_was_imported_says_what_it_could_not_do(
        monkeypatch):
    monkeypatch.setitem(sys.modules, 'theano', type(sys)('theano'))
    monkeypatch.setenv('THEANO_FLAGS', 'floatX=float32')
    monkeypatch.setenv('THEANORC', os.devnull)
    with pytest.warns(RuntimeWarning, match='theano was imported before'):
        report = compat.install()
    assert 'blas.ldflags' in report.not_applied[0]
    assert 'restart the interpreter' in report.not_applied[0]
    assert os.environ['THEANO_FLAGS'] == 'floatX=float32'
    assert not report.changed


@pytest.mark.compat
def test_install_after_a_failed_import_says_restart(monkeypatch):
    monkeypatch.delitem(sys.modules, 'theano', raising=False)
    monkeypatch.setitem(sys.modules, 'theano.configdefaults',
                        type(sys)('theano.configdefaults'))
    monkeypatch.setenv('THEANO_FLAGS', 'floatX=float32')
    monkeypatch.setenv('THEANORC', os.devnull)
    with pytest.warns(RuntimeWarning, match='partially initialized'):
        report = compat.install()
    assert any('restart the interpreter' in s for s in report.not_applied)
    assert os.environ['THEANO_FLAGS'] == 'floatX=float32'


@pytest.mark.compat
@pytest.mark.lasagne   # the root conftest installs only on Theano
def test_install_is_idempotent_in_process():
    report = compat.install()
    assert not report.changed and report.not_applied == []
    assert 'OpenBLAS' in report.blas
    finders = [f for f in sys.meta_path
               if isinstance(f, _modules.CompatFinder)]
    assert len(finders) == 1


@pytest.mark.compat
@pytest.mark.pymc
def test_the_installed_theano_is_reported():
    variant = _variant.installed()
    report = compat.install()     # the conftest ran it: changes nothing
    assert report.theano == '%s %s' % (
        variant.distribution,
        importlib.metadata.version(variant.distribution))
    assert repr(report).endswith(', theano=%r)' % report.theano)


# -- fresh interpreters -----------------------------------------------------

@pytest.mark.compat
@pytest.mark.lasagne
@pytest.mark.slow
def test_fresh_interpreter_theano_and_lasagne_work_with_user_flags():
    result = last_json(run_python(code='''
        import json, os, warnings
        import lasagne_reg.compat
        first = lasagne_reg.compat.install()
        import numpy as np, theano, theano.tensor as T, lasagne
        from lasagne.layers import InputLayer, MaxPool2DLayer, get_output
        x = T.tensor4('x')
        net = MaxPool2DLayer(InputLayer((None, 1, 4, 4)), pool_size=2)
        f = theano.function([x], get_output(net, x))
        data = np.arange(32, dtype='float32').reshape(2, 1, 4, 4)
        second = lasagne_reg.compat.install()
        print(json.dumps({
            'floatX': theano.config.floatX,
            'flags': os.environ['THEANO_FLAGS'],
            'pooled': f(data).tolist(),
            'lasagne': lasagne.__version__,
            'first_modules': first.modules,
            'first_blas': first.blas,
            'second_changed': second.changed,
            'cxx': bool(theano.config.cxx)}))
    ''', env={'THEANO_FLAGS': 'floatX=float32,' + cache_flags()}))
    assert result['floatX'] == 'float32'
    assert result['flags'].startswith('floatX=float32,')
    assert 'blas.ldflags=-L' in result['flags']
    data = np.arange(32, dtype='float32').reshape(2, 1, 2, 2, 2, 2)
    expected = data.max(axis=(3, 5))
    assert result['pooled'] == expected.reshape(2, 1, 2, 2).tolist()
    assert result['lasagne'] == '0.1'
    assert 'theano.tensor.signal.downsample' in result['first_modules']
    assert result['first_blas'].startswith('OpenBLAS')
    assert result['second_changed'] is False
    assert result['cxx'] is True      # the C backend is on, not a fallback


@pytest.mark.compat
@pytest.mark.lasagne
@pytest.mark.slow
def test_install_after_a_real_failed_import_warns_and_says_restart():
    # without compat, Theano 1.0.5 fails at import on this stack (numpy 1.23:
    # BLAS detection; numpy 2: the C build of its lazylinker)
    result = last_json(run_python(code='''
        import json, warnings
        try:
            import theano
            failed = None
        except Exception as exc:
            failed = type(exc).__name__
        import lasagne_reg.compat
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            report = lasagne_reg.compat.install()
        print(json.dumps({'failed': failed,
                          'not_applied': report.not_applied,
                          'warned': [str(w.message) for w in caught
                                     if w.category is RuntimeWarning]}))
    ''', env={'THEANO_FLAGS': cache_flags(), 'LASAGNE_REG_COMPAT': '0'}))
    assert result['failed'] is not None
    assert any('restart the interpreter' in s for s in result['not_applied'])
    assert any('partially initialized' in s for s in result['warned'])


# -- install() before theano is imported, in process ------------------------

FAKE_BLAS = _blas.Blas('test BLAS 1.0', '/opt/b', '-L/opt/b -lb',
                       ['-Dsgemm_=b_sgemm_', '-Xlinker -rpath=/opt/b'])


_FLAGS_INSTALL = _flags.install


def flags_as_on(monkeypatch, numpy_major):
    """install() decides the flags as on numpy `numpy_major` (the modules
    and patches stay those of this stack: Theano is imported here)."""
    monkeypatch.setattr(_flags, 'install', lambda report, stack: (
        _FLAGS_INSTALL(report, _stack.Stack(stack.python, numpy_major,
                                            stack.variant))))


@pytest.fixture
def before_theano(monkeypatch):
    """install() as a process sees it before its first ``import theano``,
    with its flags decided as on numpy 1."""
    monkeypatch.setattr(_flags, '_theano_state',
                        lambda modules=None: 'absent')
    flags_as_on(monkeypatch, 1)
    monkeypatch.setattr(_blas, 'find', lambda: (FAKE_BLAS, ''))
    monkeypatch.setenv('THEANORC', os.devnull)
    monkeypatch.delenv('THEANO_FLAGS', raising=False)
    return monkeypatch


def _install_quietly():
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        return compat.install()


@pytest.mark.compat
def test_install_writes_the_flags_it_adds_to_theano_flags(before_theano):
    before_theano.setenv('THEANO_FLAGS', 'floatX=float32')
    report = _install_quietly()
    assert os.environ['THEANO_FLAGS'] == (
        'floatX=float32,blas.ldflags=-L/opt/b -lb,'
        'gcc.cxxflags=-Dsgemm_=b_sgemm_ -Xlinker -rpath=/opt/b')
    assert report.flags == {
        'blas.ldflags': '-L/opt/b -lb',
        'gcc.cxxflags': '-Dsgemm_=b_sgemm_ -Xlinker -rpath=/opt/b'}
    assert report.changed and report.not_applied == []
    assert report.blas == 'test BLAS 1.0 (/opt/b)'
    # a second call finds them there
    again = _install_quietly()
    assert again.flags == {} and not again.changed
    assert again.blas == 'test BLAS 1.0 (/opt/b)'


@pytest.mark.compat
def test_install_on_numpy_2_adds_the_numpy_1_macros_first(before_theano):
    flags_as_on(before_theano, 2)
    _install_quietly()
    assert os.environ['THEANO_FLAGS'] == (
        'blas.ldflags=-L/opt/b -lb,gcc.cxxflags=' + ' '.join(NP2) +
        ' -Dsgemm_=b_sgemm_ -Xlinker -rpath=/opt/b')


@pytest.mark.compat
def test_install_without_a_blas_warns_once_and_says_how(before_theano):
    before_theano.setattr(_blas, 'find', lambda: (None, NO_BLAS))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        report = compat.install()
    assert [str(w.message) for w in caught] == [
        "lasagne_reg.compat.install(): no optimized BLAS for Theano: "
        "no optimized BLAS is installed (pip install scipy-openblas32); "
        "Theano falls back to a NumPy C-API gemm about 10x slower than "
        "numpy's matmul (an empty blas.ldflags of your own silences this)"]
    assert caught[0].category is RuntimeWarning
    assert os.environ['THEANO_FLAGS'] == 'blas.ldflags='
    assert report.flags == {'blas.ldflags': ''}
    assert report.blas == _blas.describe('')
    assert report.not_applied == [str(caught[0].message).split(': ', 1)[1]]


@pytest.mark.compat
def test_an_empty_blas_ldflags_of_the_users_silences_the_warning(
        before_theano, tmp_path):
    before_theano.setattr(_blas, 'find', lambda: (None, NO_BLAS))
    before_theano.setenv('THEANO_FLAGS', 'blas.ldflags=')
    report = _install_quietly()
    assert os.environ['THEANO_FLAGS'] == 'blas.ldflags='
    assert report.flags == {} and report.not_applied == []
    assert report.blas.startswith("none: Theano's NumPy C-API fallback")
    # the same choice made in a .theanorc
    rc = tmp_path / 'theanorc'
    rc.write_text('[blas]\nldflags = -lmyblas\n')
    before_theano.setenv('THEANORC', str(rc))
    before_theano.setenv('THEANO_FLAGS', '')
    report = _install_quietly()
    assert report.not_applied == [] and report.flags == {}
    assert report.blas == 'blas.ldflags=-lmyblas'


@pytest.mark.compat
def test_install_after_import_names_the_flags_it_could_not_set(
        before_theano):
    theano_stub = type(sys)('theano')
    theano_stub.config = type(sys)('config')
    theano_stub.config.blas = type(sys)('blas')
    theano_stub.config.blas.ldflags = '-lfromtheano'
    before_theano.setitem(sys.modules, 'theano', theano_stub)
    before_theano.setattr(_flags, '_theano_state',
                          lambda modules=None: 'imported')
    flags_as_on(before_theano, 2)
    before_theano.setenv('THEANO_FLAGS', 'floatX=float32')
    with pytest.warns(RuntimeWarning) as caught:
        report = compat.install()
    cxx = ' '.join(NP2 + FAKE_BLAS.cxxflags)
    assert len(cxx) > 80
    assert report.not_applied == [
        'theano was imported before install(), so these THEANO_FLAGS cannot '
        'take effect: blas.ldflags=-L/opt/b -lb, gcc.cxxflags=%s... '
        '(restart the interpreter (or the notebook kernel) and call '
        'lasagne_reg.compat.install() before importing theano or lasagne, '
        'or run "python -m lasagne_reg.compat enable" once so that every '
        'process gets it)' % cxx[:77]]
    assert str(caught[0].message) == ('lasagne_reg.compat.install(): ' +
                                      report.not_applied[0])
    assert os.environ['THEANO_FLAGS'] == 'floatX=float32'
    assert report.flags == {} and not report.changed
    # the BLAS is what the imported theano uses
    assert report.blas == 'blas.ldflags=-lfromtheano'


@pytest.mark.compat
def test_install_after_a_failed_import_changes_no_flags(before_theano):
    before_theano.setattr(_flags, '_theano_state',
                          lambda modules=None: 'failed')
    before_theano.setattr(_blas, 'find', lambda: (None, NO_BLAS))
    before_theano.setenv('THEANO_FLAGS', 'floatX=float32')
    with pytest.warns(RuntimeWarning):
        report = compat.install()
    assert report.not_applied == [
        'an earlier "import theano" failed in this process and left parts of '
        'theano loaded, so importing it again fails ("partially initialized '
        'module \'theano\'") whatever install() does: restart the '
        'interpreter (or the notebook kernel) and call '
        'lasagne_reg.compat.install() before importing theano or lasagne, '
        'or run "python -m lasagne_reg.compat enable" once so that every '
        'process gets it']
    assert os.environ['THEANO_FLAGS'] == 'floatX=float32'
    assert report.flags == {}
    # what Theano would use: its flags as they stand, not ours
    assert report.blas == _blas.describe('')


@pytest.mark.compat
def test_install_from_the_hook_warns_as_the_hook(before_theano):
    before_theano.setattr(_blas, 'find', lambda: (None, NO_BLAS))
    with pytest.warns(RuntimeWarning) as caught:
        report = compat._install_from_hook()
    assert str(caught[0].message) == (
        'lasagne_reg compat (enabled in this environment): ' +
        '; '.join(report.not_applied))
    before_theano.setenv('THEANO_FLAGS', 'blas.ldflags=')
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert compat._install_from_hook().not_applied == []


def _lacking(name):
    """True where this interpreter has no module `name`, imported or not."""
    if name in sys.modules:
        return False
    parent, _, _ = name.rpartition('.')
    if parent:
        return importlib.machinery.PathFinder.find_spec(
            name, sys.modules[parent].__path__) is None
    return importlib.util.find_spec(name) is None


def _stand_ins_here():
    """The Python 3.12+ stand-ins this interpreter needs, in the order
    install() reports them (none on 3.11)."""
    groups = (('distutils', ['distutils', 'distutils.sysconfig',
                             'distutils.spawn']),
              ('numpy.distutils', ['numpy.distutils',
                                   'numpy.distutils.misc_util',
                                   'numpy.distutils.__config__']),
              ('imp', ['imp']))
    return [name for top, names in groups if _lacking(top) for name in names]


@pytest.mark.compat
def test_install_restores_what_numpy_lacks_and_serves_the_modules(
        before_theano):
    before_theano.setenv('THEANO_FLAGS', 'blas.ldflags=')
    before_theano.delattr(np, 'product')
    before_theano.delattr(np, 'sctype2char')
    fresh = fresh_finders(before_theano)
    # Python 3.12+: distutils, numpy.distutils and imp where nothing else
    # provides them yet (none on 3.11)
    stand_ins = _stand_ins_here()
    report = _install_quietly()
    assert report.numpy_aliases == ['product', 'sctype2char']
    assert np.product is np.prod
    assert np.sctype2char(np.float64) == 'd'
    assert np.sctype2char('float32') == 'f'
    assert report.modules == ['theano.tensor.signal.downsample'] + \
        pkg_resources_served() + linalg_served() + stand_ins + \
        [SCAN_C_LOOP + ' (refused)']
    assert set(fresh[_modules.CompatFinder].makers) == \
        {'theano.tensor.signal.downsample'} | set(pkg_resources_served()) | \
        set(linalg_served()) | set(stand_ins)
    assert report.changed
    assert _install_quietly().numpy_aliases == []


@pytest.mark.nobackend
def test_a_new_report_is_empty_and_says_so():
    report = compat.InstallReport()
    assert (report.flags, report.numpy_aliases, report.modules,
            report.patched, report.blas, report.not_applied) == (
                {}, [], [], [], '', [])
    assert not report.changed
    report.modules.append('x')
    assert report.changed
    assert repr(report) == ("InstallReport(flags={}, numpy_aliases=[], "
                            "modules=['x'], patched=[], blas='', "
                            "not_applied=[], theano='')")
    patched = compat.InstallReport()
    patched.patched.append('m.f (why)')
    assert patched.changed
