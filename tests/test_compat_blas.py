"""lasagne_reg.compat._blas: finding an optimized BLAS and linking Theano to it."""
import ctypes
import importlib.machinery
import importlib.util
import os
import re
import sys

import numpy as np
import pytest

from lasagne_reg.compat import _blas
from tests._compat_support import BUSY, NO_BLAS

pytestmark = []     # mixed: each test says where it runs

# -- the BLAS ---------------------------------------------------------------

@pytest.mark.compat
@pytest.mark.lasagne   # scipy-openblas32 comes with the Theano stack
def test_scipy_openblas32_is_found_with_flags_theano_accepts():
    blas, why_not = _blas.find()
    assert why_not == '' and blas is not None, why_not
    library = os.path.join(blas.lib_dir, 'libscipy_openblas.so')
    assert os.path.isfile(library)
    assert blas.ldflags == '-L%s -lscipy_openblas' % blas.lib_dir
    assert '-Xlinker -rpath=%s' % blas.lib_dir in blas.cxxflags
    assert '-Dsgemm_=scipy_sgemm_' in blas.cxxflags
    assert '-Ddgemm_=scipy_dgemm_' in blas.cxxflags
    # no token has a comma (THEANO_FLAGS splits on them) or splits apart
    for group in blas.cxxflags + [blas.ldflags]:
        assert ',' not in group


@pytest.mark.compat
@pytest.mark.lasagne   # scipy-openblas32 comes with the Theano stack
def test_every_renamed_symbol_is_exported_by_the_library():
    blas, _ = _blas.find()
    lib = ctypes.CDLL(os.path.join(blas.lib_dir, 'libscipy_openblas.so'))
    missing = [n for n in _blas.symbols() if not hasattr(lib, 'scipy_' + n)]
    assert missing == []


@pytest.mark.nobackend
def test_no_blas_installed_is_said(monkeypatch):
    import importlib.util
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, 'find_spec', lambda name, *a:
                        None if name == _blas.PACKAGE else real(name, *a))
    blas, why_not = _blas.find()
    assert blas is None and 'pip install scipy-openblas32' in why_not
    assert 'fallback' in _blas.describe('')


@pytest.mark.nobackend
def test_other_platforms_are_told_to_set_their_own_flags(monkeypatch):
    monkeypatch.setattr(sys, 'platform', 'darwin')
    blas, why_not = _blas.find()
    assert blas is None and why_not == (
        'linking scipy-openblas32 is implemented for Linux only (its rpath '
        'and library name differ elsewhere): set blas.ldflags yourself')
    assert 'set blas.ldflags yourself' in why_not


@pytest.mark.compat
@pytest.mark.lasagne
def test_the_renamed_symbols_are_all_that_theano_declares():
    from theano.tensor import blas_headers
    text = blas_headers.blas_header_text() + \
        blas_headers.openblas_threads_text()
    declared = set(re.findall(r'\b([a-z][a-z0-9_]*?)\s*\(', text))
    # xerbla_ and the Fortran wrappers *_sub_ are declared but never called
    blas_names = {n for n in declared if (n.endswith('_') or 'threads' in n)
                  and not n.endswith('_sub_') and n != 'xerbla_'}
    assert 'sgemm_' in blas_names and 'openblas_set_num_threads' in blas_names
    assert blas_names <= set(_blas.symbols())


@pytest.mark.compat
@pytest.mark.lasagne
@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_theano_products_run_through_the_blas(dtype):
    import theano
    import theano.tensor as T
    from theano.tensor import blas
    assert 'scipy_openblas' in theano.config.blas.ldflags
    a, b, c = (T.TensorType(dtype, (False, False))(n) for n in 'abc')
    dot = theano.function([a, b], T.dot(a, b))
    gemm = theano.function([a, b, c], 0.5 * c + T.dot(a, b))
    for f, wanted in ((dot, blas.Dot22), (gemm, blas.Gemm)):
        ops = [node.op for node in f.maker.fgraph.toposort()]
        assert wanted in {type(op) for op in ops}, ops
        # compiled C (a real BLAS call), not a Python fallback
        thunks = [t for t, n in zip(f.fn.thunks, f.maker.fgraph.toposort())
                  if type(n.op) is wanted]
        assert thunks and all(hasattr(t, 'cthunk') for t in thunks)
    rng = np.random.RandomState(0)
    x, y, z = (rng.randn(64, 64).astype(dtype) for _ in range(3))
    tol = 1e-4 if dtype == 'float32' else 1e-12
    ref = x.astype(np.float64) @ y.astype(np.float64)
    np.testing.assert_allclose(dot(x, y), ref, rtol=tol, atol=tol)
    np.testing.assert_allclose(gemm(x, y, z), 0.5 * z + ref, rtol=tol,
                               atol=tol)
    with open('/proc/self/maps') as maps:
        assert 'libscipy_openblas.so' in maps.read()


# -- the BLAS: every way finding it can go --------------------------------

def _fake_package(monkeypatch, tmp_path, name='pkg', library=True):
    package = tmp_path / name
    (package / 'lib').mkdir(parents=True)
    if library:
        (package / 'lib' / 'libscipy_openblas.so').write_bytes(b'')
    spec = importlib.machinery.ModuleSpec(_blas.PACKAGE, None,
                                          is_package=True)
    spec.submodule_search_locations = [str(package)]
    import importlib.util as util
    real = util.find_spec
    monkeypatch.setattr(util, 'find_spec', lambda n, *a: (
        spec if n == _blas.PACKAGE else real(n, *a)))
    monkeypatch.setattr(_blas, '_version', lambda: '9.9')
    return str(package / 'lib')


@pytest.mark.nobackend
def test_blas_found_in_a_package_gives_the_flags_for_it(monkeypatch,
                                                        tmp_path):
    lib = _fake_package(monkeypatch, tmp_path, name='OpenBLAS-X11')
    blas, why_not = _blas.find()
    assert why_not == ''
    assert blas.name == 'OpenBLAS 9.9 from scipy-openblas32'
    assert blas.lib_dir == lib
    assert blas.ldflags == '-L%s -lscipy_openblas' % lib
    assert blas.cxxflags == ['-D%s=scipy_%s' % (n, n)
                             for n in _blas.symbols()] + [
                                 '-Xlinker -rpath=%s' % lib]
    assert repr(blas) == ("Blas('OpenBLAS 9.9 from scipy-openblas32', "
                          "lib_dir=%r)" % lib)
    assert _blas.describe(' %s ' % blas.ldflags) == '%s (%s)' % (blas.name,
                                                                 lib)
    assert _blas.describe('-lopenblas') == 'blas.ldflags=-lopenblas'


@pytest.mark.nobackend
def test_blas_package_without_its_library_says_reinstall(monkeypatch,
                                                         tmp_path):
    lib = _fake_package(monkeypatch, tmp_path, library=False)
    assert _blas.find() == (None, (
        'scipy-openblas32 is installed but %s/libscipy_openblas.so is '
        'missing; reinstall it (pip install --force-reinstall '
        'scipy-openblas32)' % lib))


@pytest.mark.nobackend
@pytest.mark.parametrize('name', ['with space', 'with,comma', 'with=equals'])
def test_blas_in_a_path_theanos_flags_cannot_carry_is_refused(
        monkeypatch, tmp_path, name):
    lib = _fake_package(monkeypatch, tmp_path, name=name)
    assert _blas.find() == (None, (
        "scipy-openblas32 is installed at %r, a path with a space, comma or "
        "'=' that Theano's flags cannot carry; set blas.ldflags yourself, or "
        "install it elsewhere" % lib))


@pytest.mark.nobackend
def test_no_blas_package_at_all(monkeypatch):
    import importlib.util as util
    real = util.find_spec

    def broken(name, *a):
        if name == _blas.PACKAGE:
            raise ValueError('a module with __spec__ None')
        return real(name, *a)
    monkeypatch.setattr(util, 'find_spec', broken)
    assert _blas.find() == (None, NO_BLAS)
    assert _blas.describe('  ') == (
        "none: Theano's NumPy C-API fallback, about 10x slower than numpy's "
        "matmul (pip install scipy-openblas32)")
    assert _blas.describe('-lb') == 'blas.ldflags=-lb'


@pytest.mark.nobackend
def test_blas_version_comes_from_the_distribution(monkeypatch):
    import importlib.metadata as metadata
    monkeypatch.setattr(metadata, 'version', lambda name: (
        '1.2.3' if name == 'scipy-openblas32' else None))
    assert _blas._version() == '1.2.3'

    def missing(name):
        raise metadata.PackageNotFoundError(name)
    monkeypatch.setattr(metadata, 'version', missing)
    assert _blas._version() == '(version unknown)'


# -- its threads (status's "BLAS threads" row) -----------------------------

@pytest.mark.nobackend
@pytest.mark.parametrize('environ, cpus, load, row, advice', [
    ({}, 2, 1.5,
     '2, one per CPU (OPENBLAS_NUM_THREADS unset); load 1.5 on 2 CPUs', ''),
    ({}, 2, 7.5,
     '2, one per CPU (OPENBLAS_NUM_THREADS unset); load 7.5 on 2 CPUs', BUSY),
    ({}, 2, 2.0,            # exactly as busy as its CPUs: not busier
     '2, one per CPU (OPENBLAS_NUM_THREADS unset); load 2.0 on 2 CPUs', ''),
    ({}, 1, 9.0,            # one thread waits for nobody
     '1, one per CPU (OPENBLAS_NUM_THREADS unset); load 9.0 on 1 CPUs', ''),
    ({'OPENBLAS_NUM_THREADS': ' 1 '}, 2, 7.5,
     '1 (OPENBLAS_NUM_THREADS=1); load 7.5 on 2 CPUs', ''),
    # OpenBLAS's order: its own variable first, then GotoBLAS's, then OpenMP's
    ({'OMP_NUM_THREADS': '1', 'GOTO_NUM_THREADS': '2'}, 2, 0.1,
     '2 (GOTO_NUM_THREADS=2); load 0.1 on 2 CPUs', ''),
    ({'OMP_NUM_THREADS': '1', 'OPENBLAS_NUM_THREADS': '2'}, 2, 0.1,
     '2 (OPENBLAS_NUM_THREADS=2); load 0.1 on 2 CPUs', ''),
    ({'OMP_NUM_THREADS': '1'}, 2, 7.5,
     '1 (OMP_NUM_THREADS=1); load 7.5 on 2 CPUs', ''),
    ({'OPENBLAS_NUM_THREADS': 'two'}, 2, 0.1,
     "2, one per CPU (OPENBLAS_NUM_THREADS='two' is not a count); load 0.1 "
     'on 2 CPUs', ''),
    ({'OPENBLAS_NUM_THREADS': '0'}, 3, 0.1,
     "3, one per CPU (OPENBLAS_NUM_THREADS='0' is not a count); load 0.1 "
     'on 3 CPUs', ''),
    ({'OPENBLAS_NUM_THREADS': '8'}, 2, None, '8 (OPENBLAS_NUM_THREADS=8); '
     '2 CPUs', 'more BLAS threads than CPUs (8 on 2): set '
     'OPENBLAS_NUM_THREADS=2 or less'),
    ({}, 2, None, '2, one per CPU (OPENBLAS_NUM_THREADS unset); 2 CPUs', ''),
])
def test_blas_threads_row_and_advice(environ, cpus, load, row, advice):
    assert _blas.threads(environ, cpus, load) == (row, advice)


@pytest.mark.nobackend
def test_cpus_and_load_are_this_machines(monkeypatch):
    assert _blas.cpus() == len(os.sched_getaffinity(0))
    # the CPUs this process may use, not those the machine has
    monkeypatch.setattr(os, 'sched_getaffinity', lambda pid: {pid + 5})
    monkeypatch.setattr(os, 'cpu_count', lambda: 64)
    assert _blas.cpus() == 1
    monkeypatch.undo()
    before = os.getloadavg()[0]
    load = _blas.load()
    after = os.getloadavg()[0]       # updated every 5 s: one of the two
    assert min(before, after) <= load <= max(before, after)

    def no_load():
        raise OSError('no load average here')
    monkeypatch.setattr(os, 'getloadavg', no_load)
    assert _blas.load() is None
    monkeypatch.delattr(os, 'getloadavg')
    assert _blas.load() is None
    monkeypatch.delattr(os, 'sched_getaffinity')
    monkeypatch.setattr(os, 'cpu_count', lambda: 3)
    assert _blas.cpus() == 3
    monkeypatch.setattr(os, 'cpu_count', lambda: None)   # "undeterminable"
    assert _blas.cpus() == 1
