"""lasagne_reg.compat: explicit, reversible, and enough for Theano 1.0.5 + Lasagne.

The in-process tests run after the root conftest called install(). The
subprocess tests start fresh interpreters, so they see exactly what a user's
script sees; the ``enable``/``disable`` tests do so in a virtualenv of their
own (tests/_support.fresh_env), whose site-packages they write to.
"""
import ctypes
import importlib.machinery
import importlib.util
import json
import os
import re
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

from lasagne_reg import compat
from lasagne_reg.compat import _blas, _flags, _shims, _site
from tests._support import fresh_env

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NP2 = list(_flags.NUMPY2_CXXFLAGS)


def run_python(code, env_update=None, python=sys.executable, check=True):
    """Run `code` in a fresh interpreter; return its last stdout line as JSON."""
    out = run(python, ['-c', textwrap.dedent(code)], env_update)
    if check:
        assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(python, args, env_update=None, cwd=ROOT):
    env = dict(os.environ)
    env.pop('LASAGNE_REG_BACKEND', None)
    env['PYTHONPATH'] = ROOT
    env.update(env_update or {})
    return subprocess.run([python] + list(args), env=env, cwd=cwd,
                          capture_output=True, text=True)


def test_importing_the_package_imports_no_backend_and_patches_nothing():
    result = run_python('''
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
    ''', {'THEANO_FLAGS': 'floatX=float32'})
    assert result == {'backends': [], 'same_numpy': True,
                      'same_meta_path': True, 'flags': 'floatX=float32'}


# -- flags ------------------------------------------------------------------

BLAS = _blas.Blas('test BLAS', '/opt/b', '-L/opt/b -lb',
                  ['-Dsgemm_=b_sgemm_', '-Xlinker -rpath=/opt/b'])


@pytest.mark.parametrize('numpy_major, text, rc, blas, ld, cxx', [
    (1, '', {}, None, '', None),
    (2, '', {}, None, '', NP2),
    (1, '', {}, BLAS, '-L/opt/b -lb', BLAS.cxxflags),
    (2, '', {}, BLAS, '-L/opt/b -lb', NP2 + BLAS.cxxflags),
    # the user's own blas.ldflags (even empty) wins: no BLAS macros then
    (2, 'blas.ldflags=-lopenblas', {}, BLAS, None, NP2),
    (1, 'blas.ldflags=', {}, BLAS, None, None),
    (1, '', {'blas.ldflags': '-lmkl_rt'}, BLAS, None, None),
])
def test_wanted_flags(numpy_major, text, rc, blas, ld, cxx):
    flags, used = _flags.wanted(numpy_major, text, rc, blas)
    assert flags.get('blas.ldflags') == ld
    assert flags.get('gcc.cxxflags') == cxx
    assert used is (blas if ld and blas else None)


@pytest.mark.parametrize('text, rc, wanted, expected', [
    ('', {}, {'blas.ldflags': ''}, 'blas.ldflags='),
    ('floatX=float32', {}, {'blas.ldflags': ''},
     'floatX=float32,blas.ldflags='),
    ('blas.ldflags=-lopenblas,floatX=float32', {}, {'blas.ldflags': ''},
     'blas.ldflags=-lopenblas,floatX=float32'),
    ('floatX=float32', {'blas.ldflags': '-lblas'}, {'blas.ldflags': ''},
     'floatX=float32'),
    ('floatX=float32', {}, {'blas.ldflags': '', 'gcc.cxxflags': NP2},
     'floatX=float32,blas.ldflags=,gcc.cxxflags=' + ' '.join(NP2)),
    # the user's cxxflags first, ours after
    ('gcc.cxxflags=-O3 -march=native,floatX=float32', {},
     {'blas.ldflags': '', 'gcc.cxxflags': NP2},
     'gcc.cxxflags=-O3 -march=native ' + ' '.join(NP2) +
     ',floatX=float32,blas.ldflags='),
    # .theanorc's cxxflags are kept too (THEANO_FLAGS overrides .theanorc)
    ('', {'gcc.cxxflags': '-O2'}, {'gcc.cxxflags': ['-DA=1']},
     'gcc.cxxflags=-O2 -DA=1'),
    # a group of tokens stays together even where one token is present
    ('gcc.cxxflags=-Xlinker --as-needed', {},
     {'gcc.cxxflags': ['-Xlinker -rpath=/opt/b']},
     'gcc.cxxflags=-Xlinker --as-needed -Xlinker -rpath=/opt/b'),
])
def test_flags_are_merged_keeping_the_users(text, rc, wanted, expected):
    merged, changes = _flags.merged(text, rc, wanted)
    assert merged == expected
    again, no_changes = _flags.merged(merged, rc, wanted)
    assert again == merged and no_changes == {}


def test_theanorc_values_are_read(tmp_path, monkeypatch):
    rc = tmp_path / 'theanorc'
    rc.write_text('[blas]\nldflags = -lopenblas\n[gcc]\ncxxflags = -O2\n')
    monkeypatch.setenv('THEANORC', str(rc))
    assert _flags.theanorc_values() == {'blas.ldflags': '-lopenblas',
                                        'gcc.cxxflags': '-O2'}
    rc.write_text('not an ini file [')
    assert _flags.theanorc_values() == {}


# -- the BLAS ---------------------------------------------------------------

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


@pytest.mark.lasagne   # scipy-openblas32 comes with the Theano stack
def test_every_renamed_symbol_is_exported_by_the_library():
    blas, _ = _blas.find()
    lib = ctypes.CDLL(os.path.join(blas.lib_dir, 'libscipy_openblas.so'))
    missing = [n for n in _blas.symbols() if not hasattr(lib, 'scipy_' + n)]
    assert missing == []


def test_no_blas_installed_is_said(monkeypatch):
    import importlib.util
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, 'find_spec', lambda name, *a:
                        None if name == _blas.PACKAGE else real(name, *a))
    blas, why_not = _blas.find()
    assert blas is None and 'pip install scipy-openblas32' in why_not
    assert 'fallback' in _blas.describe('')


def test_other_platforms_are_told_to_set_their_own_flags(monkeypatch):
    monkeypatch.setattr(sys, 'platform', 'darwin')
    blas, why_not = _blas.find()
    assert blas is None and why_not == (
        'linking scipy-openblas32 is implemented for Linux only (its rpath '
        'and library name differ elsewhere): set blas.ldflags yourself')
    assert 'set blas.ldflags yourself' in why_not


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


# -- install() in process ---------------------------------------------------

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


def test_theano_state_tells_a_failed_import():
    assert compat._theano_state({}) == 'absent'
    assert compat._theano_state({'numpy': 1}) == 'absent'
    assert compat._theano_state({'theano': 1, 'theano.gof': 1}) == 'imported'
    assert compat._theano_state({'theano.configdefaults': 1}) == 'failed'
    assert compat._theano_state({'theanoish': 1}) == 'absent'


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


@pytest.mark.lasagne   # the root conftest installs only on Theano
def test_install_is_idempotent_in_process():
    report = compat.install()
    assert not report.changed and report.not_applied == []
    assert 'OpenBLAS' in report.blas
    finders = [f for f in sys.meta_path if isinstance(f, _shims.CompatFinder)]
    assert len(finders) == 1


@pytest.mark.lasagne   # the root conftest installs only on Theano
def test_numpy_names_theano_uses_are_present():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)  # numpy 1.2x
        for name in ('bool', 'complex', 'product', 'cast', 'sctype2char'):
            assert hasattr(np, name), name
        assert np.cast['float32']([1, 2]).dtype == np.float32
        assert np.sctype2char(np.float32) == 'f'
        assert np.product([2, 3]) == 6


def test_pkg_resources_shim_reports_versions():
    module = _shims.make_pkg_resources()
    assert module.get_distribution('numpy').version == np.__version__
    with pytest.raises(module.DistributionNotFound) as missing:
        module.get_distribution('no-such-distribution-here')
    # as setuptools' own: the distribution's name is the exception's argument
    assert missing.value.args == ('no-such-distribution-here',)


def test_numpy_linalg_shim_is_numpy_linalg():
    module = _shims.make_numpy_linalg()
    assert module.__name__ == 'numpy.linalg.linalg'
    assert module.__doc__ == ('Provided by lasagne_reg.compat: numpy.linalg '
                              'under its numpy 1 name.')
    public = [n for n in dir(np.linalg) if not n.startswith('__')]
    assert public and all(getattr(module, n) is getattr(np.linalg, n)
                          for n in public)
    assert module.LinAlgError is np.linalg.LinAlgError
    assert module.inv is np.linalg.inv


def test_has_module_finds_a_submodule_without_importing_it():
    # three levels: the parent is a subpackage, not the top package
    assert _shims._has_module('email.mime.text') is True
    assert _shims._has_module('email.mime.no_such_module') is False
    assert _shims._has_module('email.no_such_package.text') is False
    # a missing grandparent: find_spec raises, and the answer is no
    assert _shims._has_module('no_such_package_here.sub.module') is False
    # a module, not a package, as the parent: nothing below it
    assert _shims._has_module('json.decoder.anything') is False


def test_numpy_linalg_is_served_where_numpy_lacks_it(monkeypatch):
    finders = _fresh_finders(monkeypatch)
    monkeypatch.setattr(sys, 'meta_path', list(sys.meta_path))
    real = _shims._has_module
    monkeypatch.setattr(_shims, '_has_module', lambda name: (
        False if name == _shims.NUMPY_LINALG else real(name)))
    assert _shims.NUMPY_LINALG in _shims.install_modules()
    served = finders[_shims.CompatFinder]
    assert served.makers[_shims.NUMPY_LINALG] is _shims.make_numpy_linalg
    spec = served.find_spec(_shims.NUMPY_LINALG)
    import importlib.util
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.norm is np.linalg.norm


@pytest.mark.lasagne   # the root conftest installs only on Theano
def test_numpy_linalg_linalg_imports_after_install():
    # served only where numpy has no such module (numpy 2.4 and later)
    import importlib
    try:
        importlib.import_module('numpy.linalg.linalg')
    except ImportError:
        pytest.fail('numpy.linalg.linalg is not importable after install()')


@pytest.mark.skipif(sys.version_info < (3, 11), reason='refused on 3.11+')
@pytest.mark.lasagne   # the root conftest installs only on Theano
def test_theanos_c_scan_loop_is_refused_with_an_import_error():
    import importlib
    with pytest.raises(ImportError, match='does not compile on Python 3.11'):
        importlib.import_module(_shims.SCAN_C_LOOP)
    # ahead of the finders that would find the real module (compat's own
    # finders, such as _patch's post-import one on numpy 2, may come first)
    import importlib.machinery
    refusing = [i for i, f in enumerate(sys.meta_path)
                if isinstance(f, _shims.RefusingFinder)]
    assert refusing and refusing[0] < sys.meta_path.index(
        importlib.machinery.PathFinder)
    assert _shims.finder(_shims.RefusingFinder) is _shims.finder(
        _shims.RefusingFinder)


@pytest.mark.lasagne
@pytest.mark.parametrize('mode', ['FAST_RUN', 'FAST_COMPILE'])
def test_scan_works_hessian(mode):
    # theano.gradient.hessian is a scan: it needs both the refused C loop
    # (Python 3.11) and numpy.linalg.linalg (numpy 2.4)
    import theano
    import theano.tensor as T
    x = T.dvector('x')
    f = theano.function([x], theano.gradient.hessian(T.sum(x ** 3), x),
                        mode=mode)
    v = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(f(v), np.diag(6 * v), rtol=1e-12)


@pytest.mark.lasagne
def test_lasagne_recurrent_layer_matches_numpy():
    import theano
    import theano.tensor as T
    import lasagne
    from lasagne.layers import InputLayer, RecurrentLayer, get_output
    lasagne.random.set_rng(np.random.RandomState(1))
    net = RecurrentLayer(InputLayer((None, 5, 3)), 4,
                         nonlinearity=lasagne.nonlinearities.tanh)
    x = T.tensor3('x', dtype='float64')
    out = get_output(net, x)
    grad = theano.grad(out.sum(), net.W_hid_to_hid)
    f = theano.function([x], [out, grad])
    data = np.random.RandomState(0).rand(2, 5, 3)
    w_in, b = net.W_in_to_hid.get_value(), net.b.get_value()

    def forward(w_hid):
        h, steps = np.zeros((2, 4)), []
        for t in range(5):
            h = np.tanh(data[:, t] @ w_in + h @ w_hid + b)
            steps.append(h)
        return np.stack(steps, 1)

    w_hid = net.W_hid_to_hid.get_value()
    out_value, grad_value = f(data)
    np.testing.assert_allclose(out_value, forward(w_hid), rtol=1e-10)
    eps, numeric = 1e-6, np.zeros_like(w_hid)
    for i in np.ndindex(*w_hid.shape):
        step = np.zeros_like(w_hid)
        step[i] = eps
        numeric[i] = (forward(w_hid + step).sum() -
                      forward(w_hid - step).sum()) / (2 * eps)
    np.testing.assert_allclose(grad_value, numeric, rtol=1e-6, atol=1e-8)


def test_unknown_module_names_are_not_served():
    finder = _shims.finder()
    assert finder.find_spec('theano.tensor.signal.nothing_here') is None
    assert finder.find_spec('not_a_module_at_all') is None


@pytest.mark.lasagne
def test_downsample_shim_matches_numpy():
    import theano
    import theano.tensor as T
    from theano.tensor.signal import downsample
    x = T.tensor4()
    data = np.random.RandomState(0).randn(2, 3, 6, 4)
    f = theano.function([x], downsample.max_pool_2d(x, ds=(2, 2),
                                                    ignore_border=True))
    expected = data.reshape(2, 3, 3, 2, 2, 2).max(axis=(3, 5))
    np.testing.assert_allclose(f(data.astype(theano.config.floatX)),
                               expected, rtol=1e-6)


# -- fresh interpreters -----------------------------------------------------

@pytest.mark.lasagne
def test_fresh_interpreter_theano_and_lasagne_work_with_user_flags():
    result = run_python('''
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
    ''', {'THEANO_FLAGS': 'floatX=float32,' + _test_flags()})
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


@pytest.mark.lasagne
def test_install_after_a_real_failed_import_warns_and_says_restart():
    # without compat, Theano 1.0.5 fails at import on this stack (numpy 1.23:
    # BLAS detection; numpy 2: the C build of its lazylinker)
    result = run_python('''
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
    ''', {'THEANO_FLAGS': _test_flags(), 'LASAGNE_REG_COMPAT': '0'})
    assert result['failed'] is not None
    assert any('restart the interpreter' in s for s in result['not_applied'])
    assert any('partially initialized' in s for s in result['warned'])


def _test_flags():
    """The compile-cache flag make test sets, for fresh interpreters."""
    return ','.join(item for item in os.environ.get('THEANO_FLAGS', '')
                    .split(',') if item.startswith('base_compiledir='))


# -- enable / disable / status, in a virtualenv of their own ---------------

SEED_SCRIPT = '''
# the shape of Lasagne's own examples/mnist.py (build_cnn, dropout,
# Nesterov momentum), on random data; only the regularization import differs
import numpy as np
import theano
import theano.tensor as T
import lasagne
from lasagne.layers import (InputLayer, Conv2DLayer, MaxPool2DLayer,
                            DenseLayer, DropoutLayer, get_output,
                            get_all_params)
from lasagne_reg.regularization import regularize_network_params, l2

net = InputLayer((None, 1, 12, 12))
net = MaxPool2DLayer(Conv2DLayer(net, 4, 3), 2)
net = DenseLayer(DropoutLayer(net, p=.5), 30)
net = DenseLayer(DropoutLayer(net, p=.5), 10,
                 nonlinearity=lasagne.nonlinearities.softmax)
x, y = T.tensor4('x'), T.ivector('y')
loss = lasagne.objectives.categorical_crossentropy(get_output(net, x), y)
loss = loss.mean() + 1e-4 * regularize_network_params(net, l2)
params = get_all_params(net, trainable=True)
updates = lasagne.updates.nesterov_momentum(loss, params, 0.05, 0.9)
train = theano.function([x, y], loss, updates=updates)
test_out = get_output(net, x, deterministic=True)
accuracy = theano.function(
    [x, y], T.mean(T.eq(T.argmax(test_out, axis=1), y)))
rng = np.random.RandomState(0)
data = rng.rand(32, 1, 12, 12).astype(theano.config.floatX)
target = rng.randint(0, 10, 32).astype('int32')
losses = [float(train(data, target)) for _ in range(30)]
assert losses[-1] < losses[0], losses
print('losses', losses[0], losses[-1], 'accuracy', accuracy(data, target))
print('blas', theano.config.blas.ldflags)
'''


@pytest.fixture(scope='module')
def env(tmp_path_factory):
    """A virtualenv of its own that sees this one's packages."""
    return fresh_env(str(tmp_path_factory.mktemp('env')))


def compat_cli(env, *args):
    return run(env.python, ['-m', 'lasagne_reg.compat'] + list(args),
               {'THEANO_FLAGS': _test_flags()})


@pytest.mark.lasagne
def test_enable_then_an_unchanged_script_runs_and_disable_undoes_it(
        env, tmp_path):
    script = tmp_path / 'train.py'
    script.write_text(SEED_SCRIPT)
    first = compat_cli(env, 'enable')
    assert first.returncode == 0 and 'enabled in' in first.stdout
    assert _site.state(env.site) == 'enabled'
    files = {n: (env.site / n).read_bytes() for n in
             ('lasagne_reg_compat.pth', '_lasagne_reg_compat.py')}
    mtimes = {n: (env.site / n).stat().st_mtime_ns for n in files}
    again = compat_cli(env, 'enable')    # idempotent
    assert again.returncode == 0 and 'already enabled' in again.stdout
    assert {n: (env.site / n).read_bytes() for n in files} == files
    assert {n: (env.site / n).stat().st_mtime_ns for n in files} == mtimes
    # its bytecode is written too: start-up reads it, even where Python
    # itself writes none (PYTHONDONTWRITEBYTECODE)
    assert list(env.site.glob('__pycache__/_lasagne_reg_compat.*.pyc'))

    out = run(env.python, [str(script)], {'THEANO_FLAGS': _test_flags()},
              cwd=str(tmp_path))
    assert out.returncode == 0, out.stderr[-3000:]
    assert 'scipy_openblas' in out.stdout
    assert 'NumPy C-API based implementation' not in out.stderr

    off = compat_cli(env, 'disable')
    assert off.returncode == 0 and 'disabled' in off.stdout
    assert not any((env.site / n).exists() for n in files)
    assert not list(env.site.glob('__pycache__/_lasagne_reg_compat.*'))
    assert compat_cli(env, 'disable').stdout.strip().startswith(
        'lasagne_reg compat was not enabled')
    # the compat measures are gone: no hook, and Theano fails as shipped
    gone = run(env.python, ['-c', textwrap.dedent('''
        import sys
        assert not any(type(f).__name__ == 'LasagneRegCompatHook'
                       for f in sys.meta_path)
        import theano
    ''')], {'THEANO_FLAGS': _test_flags()}, cwd=str(tmp_path))
    assert gone.returncode != 0
    assert 'Error' in gone.stderr.strip().splitlines()[-1]


@pytest.mark.lasagne
def test_enabled_hook_costs_a_process_without_theano_nothing(env):
    compat_cli(env, 'enable')
    try:
        probe = '''
            import json, sys
            print(json.dumps({
                'hook': [type(f).__name__ for f in sys.meta_path
                         if 'LasagneReg' in type(f).__name__],
                'numpy': 'numpy' in sys.modules,
                'lasagne_reg': 'lasagne_reg' in sys.modules,
                'flags': __import__('os').environ.get('THEANO_FLAGS')}))
        '''
        on = run_python(probe, {'THEANO_FLAGS': 'floatX=float32'},
                        python=env.python)
        assert on == {'hook': ['LasagneRegCompatHook'], 'numpy': False,
                      'lasagne_reg': False, 'flags': 'floatX=float32'}
        off = run_python(probe, {'LASAGNE_REG_COMPAT': '0'},
                         python=env.python)
        assert off['hook'] == []
    finally:
        compat_cli(env, 'disable')


@pytest.mark.lasagne
def test_status_says_what_is_there_and_exits_by_the_import(env, monkeypatch):
    # one BLAS thread: no advice for a busy machine, whatever the load here
    monkeypatch.setenv('OPENBLAS_NUM_THREADS', '1')
    compat_cli(env, 'disable')
    off = compat_cli(env, 'status')
    assert off.returncode == 1, off.stdout + off.stderr
    assert 'not enabled' in off.stdout
    assert 'FAILS' in off.stdout and 'with compat: imports' in off.stdout
    assert 'python -m lasagne_reg.compat enable' in off.stdout
    compat_cli(env, 'enable')
    try:
        on = compat_cli(env, 'status')
        assert on.returncode == 0, on.stdout + on.stderr
        for word in ('numpy', 'Theano', '1.0.5', 'Lasagne', 'enabled',
                     'C++ compiler', 'OpenBLAS', 'scipy-openblas32',
                     'theano and lasagne import', 'Nothing to do',
                     'BLAS threads  1 (OPENBLAS_NUM_THREADS=1); load '):
            assert word in on.stdout, (word, on.stdout)
        # files from another version are told apart, and enable refreshes
        hook = env.site / '_lasagne_reg_compat.py'
        hook.write_text(hook.read_text() + '\n# edited\n')
        stale = compat_cli(env, 'status', '--no-import-check')
        assert 'another lasagne_reg version' in stale.stdout
        assert 'refresh' in stale.stdout
        assert compat_cli(env, 'enable').returncode == 0
        assert _site.state(env.site) == 'enabled'
    finally:
        compat_cli(env, 'disable')


def test_status_without_a_compiler_or_blas_says_what_to_do(tmp_path):
    out = run(sys.executable, ['-m', 'lasagne_reg.compat', 'status',
                               '--no-import-check', '--site-dir',
                               str(tmp_path)],
              {'THEANO_FLAGS': 'cxx=,blas.ldflags=', 'THEANORC': os.devnull})
    assert out.returncode == 0, out.stderr
    if 'Theano' in out.stdout and 'not installed' not in \
            out.stdout.split('Theano', 1)[1].splitlines()[0]:
        assert 'none found' in out.stdout
        assert 'apt-get install g++' in out.stdout
        assert "your blas.ldflags=''" in out.stdout
    else:   # PyTensor / Aesara environments: nothing to do for Theano
        assert 'Theano is not installed' in out.stdout


def test_hook_left_behind_without_lasagne_reg_warns_and_steps_aside(
        tmp_path):
    bare = fresh_env(str(tmp_path / 'bare'), inherit=False)
    enabled = run(sys.executable, ['-m', 'lasagne_reg.compat', 'enable',
                                   '--site-dir', str(bare.site)])
    assert enabled.returncode == 0, enabled.stderr
    out = run(bare.python, ['-c', 'import theano'], {'PYTHONPATH': ''},
              cwd=str(tmp_path))
    assert 'lasagne_reg.compat cannot be imported' in out.stderr
    assert 'ModuleNotFoundError' in out.stderr    # then the import goes on
    plain = run(bare.python, ['-c', 'import json'], {'PYTHONPATH': ''},
                cwd=str(tmp_path))
    assert plain.returncode == 0 and plain.stderr == ''


def test_enable_into_a_missing_directory_fails_clearly(tmp_path):
    out = run(sys.executable, ['-m', 'lasagne_reg.compat', 'enable',
                               '--site-dir', str(tmp_path / 'nope')])
    assert out.returncode == 1
    assert 'no such directory' in out.stderr and 'site-packages' in out.stderr


# -- flags: parsing and .theanorc, in detail ---------------------------------

def test_flags_parse_skips_empty_items_anywhere():
    # "$THEANO_FLAGS,x" with THEANO_FLAGS empty, or a doubled comma
    assert _flags.parse(',floatX=float32,, device = cpu ,') == [
        ('floatX', 'float32'), ('device', ' cpu')]
    assert _flags.parse('cxx=,blas.ldflags') == [('cxx', ''),
                                                 ('blas.ldflags', '')]
    assert _flags.user_value('blas.ldflags', 'a=1,,blas.ldflags=-lb', {}) \
        == '-lb'
    assert _flags.user_value('gcc.cxxflags', 'floatX=float32',
                             {'gcc.cxxflags': '-O2'}) == '-O2'
    assert _flags.user_value('gcc.cxxflags', 'gcc.cxxflags=',
                             {'gcc.cxxflags': '-O2'}) == ''


def test_theanorc_in_the_home_directory_is_read(tmp_path, monkeypatch):
    monkeypatch.delenv('THEANORC', raising=False)
    monkeypatch.setenv('HOME', str(tmp_path))
    assert _flags.theanorc_values() == {}
    (tmp_path / '.theanorc').write_text('[gcc]\ncxxflags = -O2\n')
    assert _flags.theanorc_values() == {'gcc.cxxflags': '-O2'}
    (tmp_path / '.theanorc.txt').write_text('[blas]\nldflags =\n'
                                            '[gcc]\ncxxflags = -O3\n')
    # both files, the second one winning where they overlap (as in Theano)
    assert _flags.theanorc_values() == {'gcc.cxxflags': '-O3',
                                        'blas.ldflags': ''}


def test_theanorc_takes_a_path_list(tmp_path, monkeypatch):
    first, second = tmp_path / 'a', tmp_path / 'b'
    first.write_text('[gcc]\ncxxflags = -O2 %(not)s interpolated\n')
    second.write_text('[blas]\nldflags = -lblas\n')
    monkeypatch.setenv('THEANORC', os.pathsep.join(
        ['', str(first), str(tmp_path / 'missing'), str(second)]))
    assert _flags.theanorc_values() == {
        'gcc.cxxflags': '-O2 %(not)s interpolated', 'blas.ldflags': '-lblas'}


def test_a_group_of_flags_is_found_only_as_a_contiguous_run():
    assert _flags._contains(['-a', '-b', '-c'], ['-b', '-c'])
    assert _flags._contains(['-a', '-b', '-c'], ['-a'])
    assert not _flags._contains(['-a', '-b', '-c'], ['-a', '-c'])
    assert not _flags._contains(['-a', '-b'], ['-b', '-c'])
    assert not _flags._contains([], ['-a'])


# -- install() before theano is imported, in process ------------------------

FAKE_BLAS = _blas.Blas('test BLAS 1.0', '/opt/b', '-L/opt/b -lb',
                       ['-Dsgemm_=b_sgemm_', '-Xlinker -rpath=/opt/b'])
NO_BLAS = 'no optimized BLAS is installed (pip install scipy-openblas32)'


@pytest.fixture
def before_theano(monkeypatch):
    """install() as a process sees it before its first ``import theano``."""
    monkeypatch.setattr(compat, '_theano_state', lambda modules=None: 'absent')
    monkeypatch.setattr(compat, '_numpy_major', lambda: 1)
    monkeypatch.setattr(_blas, 'find', lambda: (FAKE_BLAS, ''))
    monkeypatch.setenv('THEANORC', os.devnull)
    monkeypatch.delenv('THEANO_FLAGS', raising=False)
    return monkeypatch


def _install_quietly():
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        return compat.install()


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


def test_install_on_numpy_2_adds_the_numpy_1_macros_first(before_theano):
    before_theano.setattr(compat, '_numpy_major', lambda: 2)
    _install_quietly()
    assert os.environ['THEANO_FLAGS'] == (
        'blas.ldflags=-L/opt/b -lb,gcc.cxxflags=' + ' '.join(NP2) +
        ' -Dsgemm_=b_sgemm_ -Xlinker -rpath=/opt/b')


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


def test_install_after_import_names_the_flags_it_could_not_set(
        before_theano):
    theano_stub = type(sys)('theano')
    theano_stub.config = type(sys)('config')
    theano_stub.config.blas = type(sys)('blas')
    theano_stub.config.blas.ldflags = '-lfromtheano'
    before_theano.setitem(sys.modules, 'theano', theano_stub)
    before_theano.setattr(compat, '_theano_state',
                          lambda modules=None: 'imported')
    before_theano.setattr(compat, '_numpy_major', lambda: 2)
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


def test_install_after_a_failed_import_changes_no_flags(before_theano):
    before_theano.setattr(compat, '_theano_state',
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


def test_install_restores_what_numpy_lacks_and_serves_the_modules(
        before_theano):
    before_theano.setenv('THEANO_FLAGS', 'blas.ldflags=')
    before_theano.delattr(np, 'product')
    before_theano.delattr(np, 'sctype2char')
    fresh = _fresh_finders(before_theano)
    report = _install_quietly()
    assert report.numpy_aliases == ['product', 'sctype2char']
    assert np.product is np.prod
    assert np.sctype2char(np.float64) == 'd'
    assert np.sctype2char('float32') == 'f'
    assert report.modules == ['theano.tensor.signal.downsample'] + \
        _linalg_served() + [_shims.SCAN_C_LOOP + ' (refused)']
    assert set(fresh[_shims.CompatFinder].makers) == \
        {'theano.tensor.signal.downsample'} | set(_linalg_served())
    assert report.changed
    assert _install_quietly().numpy_aliases == []


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
                            "not_applied=[])")
    patched = compat.InstallReport()
    patched.patched.append('m.f (why)')
    assert patched.changed


def test_long_flag_values_are_shortened_in_messages():
    assert compat._short('x' * 80) == 'x' * 80
    assert compat._short('x' * 81) == 'x' * 77 + '...'
    assert compat._numpy_major() == int(np.__version__.split('.')[0])


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


def test_blas_package_without_its_library_says_reinstall(monkeypatch,
                                                         tmp_path):
    lib = _fake_package(monkeypatch, tmp_path, library=False)
    assert _blas.find() == (None, (
        'scipy-openblas32 is installed but %s/libscipy_openblas.so is '
        'missing; reinstall it (pip install --force-reinstall '
        'scipy-openblas32)' % lib))


@pytest.mark.parametrize('name', ['with space', 'with,comma', 'with=equals'])
def test_blas_in_a_path_theanos_flags_cannot_carry_is_refused(
        monkeypatch, tmp_path, name):
    lib = _fake_package(monkeypatch, tmp_path, name=name)
    assert _blas.find() == (None, (
        "scipy-openblas32 is installed at %r, a path with a space, comma or "
        "'=' that Theano's flags cannot carry; set blas.ldflags yourself, or "
        "install it elsewhere" % lib))


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


def test_blas_version_comes_from_the_distribution(monkeypatch):
    import importlib.metadata as metadata
    monkeypatch.setattr(metadata, 'version', lambda name: (
        '1.2.3' if name == 'scipy-openblas32' else None))
    assert _blas._version() == '1.2.3'

    def missing(name):
        raise metadata.PackageNotFoundError(name)
    monkeypatch.setattr(metadata, 'version', missing)
    assert _blas._version() == '(version unknown)'


# -- the shims, one by one -------------------------------------------------

def test_numpy_aliases_behave_as_numpy_1_did():
    aliases = _shims.numpy_aliases()
    assert sorted(aliases) == ['bool', 'cast', 'complex', 'product',
                               'sctype2char']
    assert aliases['bool'] is bool and aliases['complex'] is complex
    assert aliases['product'] is np.prod
    cast = aliases['cast']['float32']([1, 2.5])
    assert cast.dtype == np.float32 and cast.tolist() == [1.0, 2.5]
    assert aliases['cast'][np.int16](3.7).dtype == np.int16
    assert aliases['sctype2char'](np.complex128) == 'D'
    assert aliases['sctype2char']('int8') == 'b'


def test_restoring_aliases_sets_only_the_missing_ones(monkeypatch):
    monkeypatch.delattr(np, 'cast')
    before = np.prod
    assert _shims.restore_numpy_aliases() == ['cast']
    assert np.cast['float64']([1]).dtype == np.float64
    assert np.prod is before
    assert _shims.restore_numpy_aliases() == []


def test_shim_modules_say_who_provides_them():
    downsample = _shims.make_downsample()
    assert downsample.__name__ == 'theano.tensor.signal.downsample'
    assert downsample.__doc__ == ('Provided by lasagne_reg.compat: Theano < '
                                  '0.9 pooling names over pool_2d.')
    assert downsample.max_pool_2d is _shims._max_pool_2d
    pkg = _shims.make_pkg_resources()
    assert pkg.__name__ == 'pkg_resources'
    assert pkg.__doc__ == ('Provided by lasagne_reg.compat: the '
                           'get_distribution of old setuptools.')
    dist = pkg.get_distribution('numpy')
    assert (dist.project_name, dist.version) == ('numpy', np.__version__)


def test_the_finder_serves_its_modules_through_import(monkeypatch):
    finders = _fresh_finders(monkeypatch)
    fresh = finders[_shims.CompatFinder]
    monkeypatch.setattr(sys, 'meta_path', list(sys.meta_path))
    import importlib.util as util
    real = util.find_spec
    monkeypatch.setattr(util, 'find_spec', lambda n, *a: (
        None if n == 'pkg_resources' else real(n, *a)))
    assert _shims.install_modules() == [
        'theano.tensor.signal.downsample', 'pkg_resources'] + \
        _linalg_served() + [_shims.SCAN_C_LOOP + ' (refused)']
    assert _shims.install_modules() == []
    refused = finders[_shims.RefusingFinder]
    assert list(refused.reasons) == [_shims.SCAN_C_LOOP]
    with pytest.raises(ImportError) as refusal:
        refused.create_module(refused.find_spec(_shims.SCAN_C_LOOP))
    assert str(refusal.value) == (
        "lasagne_reg.compat: Theano 1.0.5's C scan loop (Cython 0.28 output) "
        "does not compile on Python 3.11+; Theano runs the scan loop in "
        "Python instead")
    assert refusal.value.name == _shims.SCAN_C_LOOP    # as import names it
    assert refused.find_spec('theano.scan_module.scan_op') is None
    spec = fresh.find_spec('pkg_resources')
    assert spec.name == 'pkg_resources' and spec.loader is fresh
    module = util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.get_distribution('numpy').version == np.__version__
    assert fresh.find_spec('pkg_resources.extern') is None


def _fresh_finders(monkeypatch):
    """New finders of both kinds in place of the ones on sys.meta_path."""
    fresh = {_shims.CompatFinder: _shims.CompatFinder(),
             _shims.RefusingFinder: _shims.RefusingFinder()}
    monkeypatch.setattr(_shims, 'finder',
                        lambda kind=_shims.CompatFinder: fresh[kind])
    return fresh


def _linalg_served():
    """['numpy.linalg.linalg'] where this numpy lacks it (2.4 and later)."""
    import importlib.machinery
    found = importlib.machinery.PathFinder.find_spec(
        'numpy.linalg.linalg', list(np.linalg.__path__))
    return [] if found is not None else ['numpy.linalg.linalg']


def test_the_refusing_finder_is_inserted_once_and_first(monkeypatch):
    monkeypatch.setattr(sys, 'meta_path', [
        f for f in sys.meta_path if not isinstance(f, _shims.RefusingFinder)])
    first = _shims.finder(_shims.RefusingFinder)
    assert sys.meta_path[0] is first
    assert _shims.finder(_shims.RefusingFinder) is first
    assert sum(isinstance(f, _shims.RefusingFinder)
               for f in sys.meta_path) == 1


def test_the_finder_is_appended_once_and_last(monkeypatch):
    monkeypatch.setattr(sys, 'meta_path', [
        f for f in sys.meta_path if not isinstance(f, _shims.CompatFinder)])
    first = _shims.finder()
    assert isinstance(first, _shims.CompatFinder)
    assert sys.meta_path[-1] is first
    assert _shims.finder() is first
    assert sum(isinstance(f, _shims.CompatFinder) for f in sys.meta_path) == 1


@pytest.mark.lasagne
def _max_pool_keeping_borders(a):
    """2x2 max pooling that keeps the partial windows at the borders."""
    padded = np.pad(a, ((0, 0), (0, 0), (0, 1), (0, 1)),
                    constant_values=-np.inf)
    return padded.reshape(2, 3, 4, 2, 3, 2).max(axis=(3, 5))


@pytest.mark.lasagne
@pytest.mark.parametrize('kwargs, reference', [
    # Theano < 0.9's defaults: borders kept (ignore_border=False), max
    ({}, _max_pool_keeping_borders),
    # overlapping windows (stride 1), borders ignored
    ({'st': (1, 1), 'ignore_border': True},
     lambda a: np.max([a[..., i:i + 6, j:j + 4] for i in (0, 1)
                       for j in (0, 1)], axis=0)),
    # padding and the average mode (on a 6 x 4 image)
    ({'ignore_border': True, 'padding': (1, 1),
      'mode': 'average_inc_pad'},
     lambda a: np.pad(a, ((0, 0), (0, 0), (1, 1), (1, 1))).reshape(
         2, 3, 4, 2, 3, 2).mean(axis=(3, 5))),
])
def test_downsample_shim_passes_every_argument_on(kwargs, reference):
    import theano
    import theano.tensor as T
    x = T.tensor4()
    data = np.random.RandomState(1).randn(2, 3, 7, 5).astype(
        theano.config.floatX)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', UserWarning)  # pool_2d's default
        f = theano.function([x], _shims._max_pool_2d(x, (2, 2), **kwargs))
    if 'padding' in kwargs:
        data = np.ascontiguousarray(data[..., :6, :4])
    np.testing.assert_allclose(f(data), reference(data), rtol=1e-5)
