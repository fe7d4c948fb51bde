"""compat on Theano-PyMC 1.1.2 (PyMC3's Theano, installed as ``theano``).

These run only on the Theano-PyMC stacks (the ``pymc`` marker; Python 3.11
with numpy 1.23.5 and with 2.4.6, Lasagne 0.1, scipy-openblas32), where the
root conftest has called ``lasagne_reg.compat.install()``. There, a missing
or different Theano fails every test; elsewhere the marker deselects them,
and nothing here imports theano until a test runs. Every value is compared
with numpy.
"""
import importlib
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from lasagne_reg import _variant, regularization
from lasagne_reg.compat import _blas, _flags, _patched
from tests._support import last_json, run_python

pytestmark = [pytest.mark.pymc]

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope='module')
def theano():
    """Theano-PyMC's theano (imported after install(): conftest)."""
    assert _variant.installed() is _variant.THEANO_PYMC, (
        'the pymc tests need Theano-PyMC, but the installed Theano is %r'
        % (_variant.installed(),))
    return importlib.import_module('theano')


@pytest.fixture(scope='module')
def T(theano):
    return theano.tensor


def _users_flags():
    """THEANO_FLAGS as the run started, without what compat added."""
    added = _flags.names(_variant.THEANO_PYMC)
    return ','.join('%s=%s' % kv for kv in _flags.parse(
        os.environ.get('THEANO_FLAGS', '')) if kv[0] not in added)


def test_theano_pymc_is_the_theano_imported(theano):
    assert theano.__version__ == _variant.THEANO_PYMC.version == '1.1.2'
    assert not hasattr(theano, 'scan_module')        # not Theano 1.0.5
    from lasagne_reg import compat
    assert compat.install().theano == 'Theano-PyMC 1.1.2'


@pytest.mark.slow
def test_import_theano_dies_without_compat_and_works_with_it(theano):
    code = '''
        import json
        %s
        try:
            import theano
            result = {'ok': theano.__version__,
                      'ldflags': theano.config.blas__ldflags}
        except Exception as error:
            result = {'error': type(error).__name__, 'message': str(error)}
        print(json.dumps(result))
    '''
    plain = last_json(run_python(code=code % '',
                                 env={'THEANO_FLAGS': _users_flags()}))
    if np.__version__.startswith('1.'):
        assert plain == {'error': 'AttributeError', 'message':
                         "module 'numpy.distutils.__config__' has no "
                         "attribute 'blas_opt_info'"}
    else:
        # numpy 2 on Python 3.11: numpy.distutils' own BLAS probe fails
        # on the distutils of today's setuptools
        assert plain['error'] == 'TypeError', plain
        assert 'Compiler.__init__()' in plain['message'], plain
    fixed = last_json(run_python(
        code=code % 'import lasagne_reg.compat; lasagne_reg.compat.install()',
        env={'THEANO_FLAGS': _users_flags()}))
    blas, _ = _blas.find()
    assert fixed == {'ok': '1.1.2',
                     'ldflags': blas.ldflags if blas else ''}


def test_its_flags_reach_it_in_its_spelling(theano):
    blas, why_not = _blas.find()
    assert blas is not None, why_not      # requirements/theano-pymc.txt
    assert theano.config.blas__ldflags == blas.ldflags
    cxxflags = theano.config.gcc__cxxflags.split()
    for group in blas.cxxflags:
        assert ' '.join(group.split()) in ' '.join(cxxflags)
    assert '-Dsgemm_=scipy_sgemm_' in cxxflags
    # no dotted flag of Theano 1.0.5's spelling, which it would not read
    keys = [k for k, _ in _flags.parse(os.environ['THEANO_FLAGS'])]
    assert 'blas.ldflags' not in keys and 'gcc.cxxflags' not in keys


def _loaded_libraries():
    with open('/proc/self/maps') as maps:
        return {os.path.basename(line.split()[-1]) for line in maps
                if '/' in line}


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_a_compiled_gemm_runs_through_the_linked_openblas(theano, T, dtype):
    rng = np.random.RandomState(1)
    a = rng.randn(64, 48).astype(dtype)
    b = rng.randn(48, 32).astype(dtype)
    c = rng.randn(64, 32).astype(dtype)
    A, B, C = (T.matrix(dtype=dtype) for _ in range(3))
    f = theano.function([A, B, C], T.dot(A, B) * 2 + C)
    ops = [type(node.op).__name__ for node in f.maker.fgraph.toposort()]
    assert any(name in ('Gemm', 'Dot22', 'Dot22Scalar') for name in ops), ops
    got = f(a, b, c)
    expected = a.astype(np.float64) @ b.astype(np.float64) * 2 + c
    assert got.dtype == dtype
    np.testing.assert_allclose(got, expected,
                               rtol=1e-4 if dtype == 'float32' else 1e-12,
                               atol=1e-4 if dtype == 'float32' else 1e-12)
    # the C code of that Op was linked against scipy-openblas32's library
    assert 'libscipy_openblas.so' in _loaded_libraries()


@pytest.mark.parametrize('dtype', ['float16', 'float32', 'float64'])
def test_penalties_are_one_pass_c_ops_and_match_numpy(theano, T, dtype):
    rng = np.random.RandomState(2)
    value = rng.randn(37, 53).astype(dtype)
    x = T.matrix(dtype=dtype)
    f = theano.function([x], [regularization.l1(x), regularization.l2(x)],
                        mode=theano.Mode(linker='c', optimizer='fast_run'))
    nodes = f.maker.fgraph.toposort()
    assert [str(n.op) for n in nodes] == ['OnePassPenalty{l1}',
                                          'OnePassPenalty{l2}']
    from theano.graph.op import COp
    assert all(isinstance(n.op, COp) for n in nodes)
    l1, l2 = f(value)
    wide = value.astype(np.float64)
    assert l1.dtype == dtype and l2.dtype == dtype
    rtol = {'float16': 1e-3, 'float32': 1e-6, 'float64': 1e-13}[dtype]
    np.testing.assert_allclose(float(l1), np.abs(wide).sum(), rtol=rtol)
    np.testing.assert_allclose(float(l2), (wide ** 2).sum(), rtol=rtol)


def test_penalty_gradients_on_a_strided_view_match_numpy(theano, T):
    rng = np.random.RandomState(3)
    value = rng.randn(20, 30)
    x = T.dmatrix()
    view = x[::2, ::-3]
    cost = regularization.l2(view) + 3 * regularization.l1(view)
    f = theano.function([x], [cost, theano.grad(cost, x)])
    got_cost, got_grad = f(value)
    part = value[::2, ::-3]
    np.testing.assert_allclose(got_cost, (part ** 2).sum()
                               + 3 * np.abs(part).sum(), rtol=1e-13)
    expected = np.zeros_like(value)
    expected[::2, ::-3] = 2 * part + 3 * np.sign(part)
    np.testing.assert_allclose(got_grad, expected, rtol=1e-13)


def test_theano_gof_serves_the_old_names(theano, T):
    import theano.graph.basic
    import theano.graph.fg
    import theano.graph.op
    import theano.graph.type
    import theano.link.c.basic
    assert theano.gof.Variable is theano.graph.basic.Variable
    assert theano.gof.Apply is theano.graph.basic.Apply
    assert theano.gof.Op is theano.graph.op.COp
    assert theano.gof.PureOp is theano.graph.op.Op
    assert theano.gof.Type is theano.graph.type.CType
    assert theano.gof.Constant is theano.graph.basic.Constant
    assert theano.gof.FunctionGraph is theano.graph.fg.FunctionGraph
    assert theano.gof.CLinker is theano.link.c.basic.CLinker
    from theano.gof import Variable
    assert Variable is theano.graph.basic.Variable
    assert isinstance(T.dvector(), theano.gof.Variable)
    with pytest.raises(AttributeError, match=re.escape(
            "module 'theano.gof' has no attribute 'NoSuchName' "
            "(lasagne_reg.compat looked in Theano-PyMC's theano.graph.basic")):
        theano.gof.NoSuchName  # noqa: B018 (the attribute access is the test)


def test_mrg_randomstreams_is_mrg_randomstream_and_samples(theano):
    from theano.sandbox.rng_mrg import MRG_RandomStream, MRG_RandomStreams
    assert MRG_RandomStreams is MRG_RandomStream
    draws = theano.function([], MRG_RandomStreams(seed=7).uniform(
        (4000,), dtype='float64'))()
    assert draws.shape == (4000,) and draws.dtype == np.float64
    assert draws.min() >= 0 and draws.max() < 1
    assert abs(draws.mean() - 0.5) < 0.03       # 0.5 +- 6.5 sigma


def test_scan_runs_in_python_loop_and_matches_numpy(theano, T):
    with pytest.raises(ImportError, match="Theano-PyMC's C scan loop"):
        importlib.import_module('theano.scan.scan_perform_ext')
    x = T.dvector()
    out, _ = theano.scan(lambda a, acc: acc * 0.5 + a, sequences=x,
                         outputs_info=T.zeros((), dtype='float64'))
    value = np.arange(1.0, 7.0)
    expected, acc = [], 0.0
    for a in value:
        acc = acc * 0.5 + a
        expected.append(acc)
    np.testing.assert_allclose(theano.function([x], out)(value), expected,
                               rtol=1e-15)


@pytest.mark.lasagne
def test_a_lasagne_network_trains_a_step(theano, T):
    import lasagne
    rng = np.random.RandomState(4)
    X = rng.randn(32, 10).astype(theano.config.floatX)
    y = rng.randint(0, 3, 32).astype('int32')
    lasagne.random.set_rng(np.random.RandomState(5))
    net = lasagne.layers.InputLayer((None, 10))
    hidden = net = lasagne.layers.DenseLayer(net, 16)
    net = lasagne.layers.DropoutLayer(net, p=0.5)
    net = lasagne.layers.DenseLayer(net, 3,
                                    nonlinearity=lasagne.nonlinearities.softmax)
    xs, ys = T.matrix(), T.ivector()
    penalty = lasagne.regularization.regularize_network_params(
        net, regularization.l2)
    train_loss = lasagne.objectives.categorical_crossentropy(
        lasagne.layers.get_output(net, xs), ys).mean() + 1e-3 * penalty
    test_loss = lasagne.objectives.categorical_crossentropy(
        lasagne.layers.get_output(net, xs, deterministic=True), ys).mean()
    params = lasagne.layers.get_all_params(net, trainable=True)
    step = theano.function([xs, ys], train_loss,
                           updates=lasagne.updates.sgd(train_loss, params, 0.5))
    evaluate = theano.function([xs, ys], [test_loss, penalty])

    def numpy_loss(values):
        W1, b1, W2, b2 = (v.astype(np.float64) for v in values)
        h = np.maximum(X @ W1 + b1, 0)
        z = h @ W2 + b2
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        return -np.log(p[np.arange(len(y)), y]).mean(), (W1 ** 2).sum() + (
            W2 ** 2).sum()

    before = [p.get_value() for p in params]
    loss0, penalty0 = evaluate(X, y)
    np.testing.assert_allclose([loss0, penalty0], numpy_loss(before),
                               rtol=1e-5)
    for _ in range(20):
        step(X, y)
    after = [p.get_value() for p in params]
    loss1, penalty1 = evaluate(X, y)
    np.testing.assert_allclose([loss1, penalty1], numpy_loss(after),
                               rtol=1e-5)
    assert loss1 < loss0
    assert not np.allclose(after[0], before[0])
    assert hidden.W.get_value() is not None


@pytest.mark.slow
def test_patches_are_reported_and_reversible(theano):
    code = '''
        import json, sys
        import lasagne_reg.compat as compat
        from lasagne_reg.compat import _patch
        report = compat.install()
        import theano, theano.sandbox.rng_mrg as mrg
        had = [hasattr(theano, 'gof'), hasattr(mrg, 'MRG_RandomStreams')]
        restored = _patch.restore()
        print(json.dumps({'patched': report.patched, 'modules': report.modules,
                          'had': had, 'restored': sorted(restored),
                          'after': [hasattr(theano, 'gof'),
                                    hasattr(mrg, 'MRG_RandomStreams')]}))
    '''
    result = last_json(run_python(code=code,
                                  env={'THEANO_FLAGS': _users_flags()}))
    assert result['had'] == [True, True]
    assert result['after'] == [False, False]
    assert set(result['restored']) >= {
        'theano.gof', 'theano.sandbox.rng_mrg.MRG_RandomStreams'}
    reasons = {p.name: p.reason for p in _patched.wanted()}
    for name, reason in reasons.items():
        assert '%s (%s)' % (name, reason) in result['patched']
    assert 'theano.gof' in result['modules']
    assert 'theano.scan.scan_perform_ext (refused)' in result['modules']
    assert 'theano.scan_module.scan_perform_ext (refused)' not in \
        result['modules']


@pytest.mark.slow
def test_status_names_theano_pymc_and_its_fix(theano):
    env = dict(os.environ, THEANO_FLAGS=_users_flags(), PYTHONPATH=ROOT,
               LASAGNE_REG_COMPAT='0')
    out = subprocess.run([sys.executable, '-m', 'lasagne_reg.compat',
                          'status'], env=env, cwd=ROOT, capture_output=True,
                         text=True)
    # rows are '  <name padded to the longest, C++ compiler>  <value>'
    rows = dict((m.group(1).strip(), m.group(2)) for m in (
        re.match(r'  (\S.{11})  (.*)$', line)
        for line in out.stdout.splitlines()) if m)
    assert rows['Theano'] == 'Theano-PyMC 1.1.2', out.stdout
    assert rows['import'].endswith(' (with compat: imports)'), out.stdout
    if np.__version__.startswith('1.'):
        assert rows['import'] == (
            "FAILS: AttributeError: module 'numpy.distutils.__config__' has "
            "no attribute 'blas_opt_info' (with compat: imports)")
    assert out.returncode == 1
