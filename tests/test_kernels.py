"""The one-pass penalty Op behind l1 and l2 (lasagne_reg._kernels).

Every value is checked against numpy in float64, computed here from the same
arrays; the result must be that float64 value rounded to the input's dtype
(within one unit in the last place), which a float32 or float16 accumulator
would not give. Each check runs in every mode users run on the backend under
test: Theano and Aesara C and pure Python, PyTensor C (CVM), Numba, JAX and
pure Python.
"""
import collections
import importlib
import pickle
import re
import sys
import warnings

import numpy as np
import pytest

from lasagne_reg import _kernels
from lasagne_reg import regularization as reg
from tests._support import BACKEND, run_python

pytestmark = [pytest.mark.core]

# (id, mode): the modes of the backend under test; 'py' is the pure-Python
# linker (perform), the others compile
MODES = {
    'theano': [('c', 'FAST_RUN'), ('fast_compile', 'FAST_COMPILE'),
               ('py', 'py')],
    'aesara': [('c', 'FAST_RUN'), ('fast_compile', 'FAST_COMPILE'),
               ('py', 'py')],
    'pytensor': [('c', 'cvm'), ('numba', 'NUMBA'), ('jax', 'JAX'),
                 ('fast_compile', 'FAST_COMPILE'), ('py', 'py')],
}[BACKEND]
MODE_IDS = [m[0] for m in MODES]
# the modes that run our C code
C_MODES = {'c'}
DTYPES = ['float16', 'float32', 'float64']
PENALTIES = {'l1': lambda a: np.abs(a).sum(), 'l2': lambda a: (a * a).sum()}


def exactly(message):
    """A pattern matching `message` and nothing more."""
    return '^%s$' % re.escape(message)


def mode_of(bk, spec):
    if spec == 'py':
        return bk.py_mode()
    if spec == 'cvm':
        return bk.Mode(linker='cvm')
    return spec


def compile_in(bk, mode_id, inputs, outputs):
    spec = dict(MODES)[mode_id]
    return bk.function(inputs, outputs, mode=mode_of(bk, spec))


def expected(kind, a, dtype):
    """`kind` of the array `a` in float64, rounded to `dtype`.

    float16 and float32 results must be within one unit in the last place
    of it (a float32 accumulator is off by far more at these sizes).
    """
    return np.asarray(PENALTIES[kind](np.asarray(a, dtype=np.float64)),
                      dtype=dtype)


def assert_rounded_float64(result, kind, a, dtype):
    result = np.asarray(result)
    assert result.dtype == dtype and result.shape == ()
    if dtype == 'float64':
        # float64 sums in another order differ in the last few bits
        np.testing.assert_allclose(result, expected(kind, a, dtype),
                                   rtol=1e-13)
    else:
        np.testing.assert_array_max_ulp(result, expected(kind, a, dtype),
                                        maxulp=1)


def tensor(bk, dtype, ndim):
    """A symbolic input of `ndim` dimensions, none of them broadcastable."""
    if bk.name == 'theano':
        return bk.T.TensorType(dtype, (False,) * ndim)()
    return bk.T.tensor(dtype=dtype, shape=(None,) * ndim)


def matrix(bk, dtype):
    return tensor(bk, dtype, 2)


def vector(bk, dtype):
    return tensor(bk, dtype, 1)


def tensor3(bk, dtype):
    return tensor(bk, dtype, 3)


def scalar(bk, dtype):
    return tensor(bk, dtype, 0)


# every (mode, dtype) but float16 in Numba, which PyTensor cannot run at all
# (test_numba_refuses_float16_like_pytensor_itself)
MODE_DTYPES = [(m, d) for m in MODE_IDS for d in DTYPES
               if (m, d) != ('numba', 'float16')]


# the views each check takes: (id, symbolic view, the same view in numpy)
MATRIX_VIEWS = [
    ('whole', lambda x: x, lambda a: a),
    ('transposed', lambda x: x.T, lambda a: a.T),
    ('steps', lambda x: x[::2, ::3], lambda a: a[::2, ::3]),
    ('negative steps', lambda x: x[::-1, ::-2], lambda a: a[::-1, ::-2]),
    ('columns', lambda x: x[1:, 2:5], lambda a: a[1:, 2:5]),
    ('one row', lambda x: x[3], lambda a: a[3]),
    ('empty', lambda x: x[:0], lambda a: a[:0]),
    ('one element', lambda x: x[2, 1], lambda a: a[2, 1]),
]
TENSOR3_VIEWS = [
    ('dimshuffled', lambda y: y.dimshuffle(2, 0, 1),
     lambda b: b.transpose(2, 0, 1)),
    ('mixed', lambda y: y[:, ::-1, 1:], lambda b: b[:, ::-1, 1:]),
]


def _values(dtype, seed):
    rng = np.random.RandomState(seed)
    # small enough that float16 squares and sums stay finite
    a = (rng.randn(9, 11) * 0.7).astype(dtype)
    b = (rng.randn(4, 6, 5) * 0.7).astype(dtype)
    s = np.asarray(-1.25, dtype=dtype)
    return a, b, s


@pytest.mark.parametrize('mode_id, dtype', MODE_DTYPES)
def test_values_layouts_and_dtypes_in_every_mode(bk, mode_id, dtype):
    x, y, s = matrix(bk, dtype), tensor3(bk, dtype), scalar(bk, dtype)
    outputs, refs = [], []
    for kind in ('l1', 'l2'):
        penalty = getattr(reg, kind)
        for view_id, sym, num in MATRIX_VIEWS:
            outputs.append(penalty(sym(x)))
            refs.append((kind, view_id, lambda a, b, s, num=num: num(a)))
        for view_id, sym, num in TENSOR3_VIEWS:
            outputs.append(penalty(sym(y)))
            refs.append((kind, view_id, lambda a, b, s, num=num: num(b)))
        outputs.append(penalty(s))
        refs.append((kind, '0-d', lambda a, b, s: s))
    for out in outputs:
        assert out.dtype == dtype and out.ndim == 0
    f = compile_in(bk, mode_id, [x, y, s], outputs)
    a, b, sv = _values(dtype, seed=1)
    # the same function on contiguous inputs and on strided numpy views
    big_a = _values(dtype, seed=2)[0]
    inputs = [(a, b, sv),
              (np.asfortranarray(a), b.transpose(1, 0, 2).copy()
               .transpose(1, 0, 2), sv),
              (np.concatenate([big_a, big_a], axis=1)[:, ::2][::-1],
               b[:, :, ::-1], sv)]
    for args in inputs:
        for result, (kind, view_id, view) in zip(f(*args), refs):
            try:
                assert_rounded_float64(result, kind, view(*args), dtype)
            except AssertionError as error:
                raise AssertionError('%s of %s: %s' % (kind, view_id, error)) from error


@pytest.mark.parametrize('mode_id', MODE_IDS)
def test_one_node_per_penalty_and_no_graph_rewrite(bk, mode_id):
    x = matrix(bk, 'float32')
    penalties = [reg.l1(x), reg.l2(x), reg.l2(x)]
    for p in penalties:
        assert type(p.owner.op) is _kernels.op_class(bk.name)
        assert p.owner.inputs == [x]
    assert penalties[1].owner.op == penalties[2].owner.op
    assert str(penalties[0].owner.op) == 'OnePassPenalty{l1}'
    if mode_id in ('numba', 'jax'):
        return   # their graphs are not inspected node by node
    f = compile_in(bk, mode_id, [x], penalties)
    ops = [node.op for node in f.maker.fgraph.toposort()]
    kinds = sorted(op.kind for op in ops
                   if isinstance(op, _kernels.op_class(bk.name)))
    # l2(x) twice is merged into one node; nothing else is computed
    assert kinds == ['l1', 'l2']


@pytest.mark.parametrize('mode_id', sorted(C_MODES & set(MODE_IDS)))
@pytest.mark.parametrize('dtype', DTYPES)
def test_c_modes_run_the_c_code(bk, monkeypatch, mode_id, dtype):
    cls = _kernels.op_class(bk.name)

    def no_python(*args, **kwargs):
        raise AssertionError('perform() ran where the C code should')

    monkeypatch.setattr(cls, 'perform', no_python)
    x = matrix(bk, dtype)
    f = compile_in(bk, mode_id, [x], [reg.l1(x[::2]), reg.l2(x.T)])
    a = _values(dtype, seed=3)[0]
    r1, r2 = f(a)
    assert_rounded_float64(r1, 'l1', a[::2], dtype)
    assert_rounded_float64(r2, 'l2', a, dtype)


# A fresh compile cache: the backends cache a compiled Op by its
# c_code_cache_version, without reading its C code again, so only a
# process with an empty cache compiles what c_code() and the support code
# say now (what a new install runs). The C linker has no Python fallback.
FRESH_C = r"""
import importlib, sys, types
backend = sys.argv[1]
if backend == 'theano':
    import lasagne_reg.compat
    lasagne_reg.compat.install()
import numpy as np
from lasagne_reg import regularization as reg
from tests import test_kernels as tk
root = importlib.import_module(backend)
bk = types.SimpleNamespace(name=backend, T=importlib.import_module(
    backend + '.tensor'))
xs = [tk.matrix(bk, d) for d in tk.DTYPES]
outs = [penalty(x) for x in xs for penalty in (reg.l1, reg.l2)]
f = root.function(xs, outs, mode=root.compile.Mode(linker='c'))
for view_id, view in tk.FRESH_VIEWS:
    arrays = [view(tk._values(d, seed=8)[0]) for d in tk.DTYPES]
    got = iter(f(*arrays))
    for a, d in zip(arrays, tk.DTYPES):
        for kind in ('l1', 'l2'):
            try:
                tk.assert_rounded_float64(next(got), kind, a, d)
            except AssertionError as error:
                raise AssertionError('%s of %s %s: %s'
                                     % (kind, view_id, d, error))
print('ok')
"""

# 2-d layouts the C code reads differently: one flat block (C or Fortran
# order), NpyIter's strided runs (steps, negative steps, a negative unit
# stride), tails shorter than its 16 and 4 lanes, no element
FRESH_VIEWS = [
    ('C order', lambda a: a),
    ('Fortran order', np.asfortranarray),
    ('steps', lambda a: a[::2, ::3]),
    ('negative steps', lambda a: a[::-1, ::-2]),
    ('reversed rows', lambda a: a[1:, ::-1]),
    ('columns', lambda a: a[:, 2:9]),
    ('one element', lambda a: a[2:3, 4:5]),
    ('empty', lambda a: a[:0]),
]


@pytest.mark.slow
def test_c_code_compiled_fresh_matches_numpy(bk, tmp_path):
    import os
    name = bk.name.upper() + '_FLAGS'
    flags = [f for f in os.environ.get(name, '').split(',')
             if f and f.split('=')[0].strip() not in ('base_compiledir',
                                                      'compiledir')]
    env = {name: ','.join(flags + ['base_compiledir=%s' % tmp_path])}
    out = run_python(bk.name, code=FRESH_C, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split() == ['ok']


@pytest.mark.parametrize('mode_id', MODE_IDS)
def test_nan_and_inf_propagate(bk, mode_id):
    x = vector(bk, 'float32')
    f = compile_in(bk, mode_id, [x], [reg.l1(x), reg.l2(x)])
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', RuntimeWarning)
        for values, want in [([1, np.nan, 2], np.nan),
                             ([1, np.inf, 2], np.inf),
                             ([-np.inf, 3], np.inf)]:
            out = f(np.array(values, dtype='float32'))
            for v in out:
                np.testing.assert_equal(np.asarray(v), np.float32(want))


@pytest.mark.parametrize('mode_id', MODE_IDS)
def test_sixteen_million_float32_are_accurate_to_1e_6(bk, mode_id):
    # a mean far from zero: a float32 running sum would lose digits fast
    rng = np.random.default_rng(4)
    a = (rng.standard_normal((4096, 4096), dtype=np.float32)
         + np.float32(3))
    x = bk.shared(a)
    f = compile_in(bk, mode_id, [], [reg.l1(x), reg.l2(x)])
    a64 = a.astype(np.float64)
    want1, want2 = np.abs(a64).sum(), np.dot(a64.ravel(), a64.ravel())
    del a64
    got1, got2 = f()
    assert np.asarray(got1).dtype == np.float32
    assert abs(float(got1) - want1) <= 1e-6 * want1
    assert abs(float(got2) - want2) <= 1e-6 * want2


@pytest.mark.parametrize('mode_id', MODE_IDS)
def test_a_total_beyond_the_dtype_is_inf_silently(bk, mode_id):
    x = vector(bk, 'float32')
    f = compile_in(bk, mode_id, [x], [reg.l2(x), reg.l1(x)])
    big = np.full(4, 3e38, dtype='float32')      # each fits, the sum not
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        out = f(big)
    for v in out:
        assert np.asarray(v).dtype == np.float32 and np.isposinf(v)


if 'numba' in MODE_IDS:      # collected on PyTensor only: nothing skipped
    def test_numba_refuses_float16_like_pytensor_itself(bk):
        x = bk.shared(np.ones(3, dtype='float16'))
        for expr in (reg.l2(x), bk.T.sum(x ** 2)):
            with pytest.raises(NotImplementedError, match='float16'):
                bk.function([], expr, mode='NUMBA')()


    @pytest.mark.slow
    def test_numba_cache_key_follows_the_kernels_code(bk, monkeypatch):
        # PyTensor finds our compiled function on disk by the Op's props and
        # the number we give it: a fixed number served an old one-thread
        # kernel after the code changed. Every input of the kernel must
        # change the number.
        from lasagne_reg._kernels import _onepass, _pytensor
        basic = importlib.import_module('pytensor.link.numba.dispatch.basic')
        x = bk.shared(np.ones(3, dtype='float32'))
        node = reg.l2(x).owner
        key = _pytensor.numba_cache_salt()
        # (the function itself has no Python wrapper: PyTensor calls it)
        _, salt = basic.numba_funcify_default_op_cache_key(node.op, node=node)
        assert salt == key
        seen = {key}
        for name, value in [('BLOCK', _onepass.BLOCK // 2),
                            ('PARALLEL_MIN', _onepass.PARALLEL_MIN * 2),
                            ('MAX_THREADS', _onepass.MAX_THREADS + 1)]:
            with monkeypatch.context() as m:
                m.setattr(_onepass, name, value)
                seen.add(_pytensor.numba_cache_salt())
        for name in ('_numba_helpers', '_numba_kernel',
                     '_numba_thread_counter', '_numba_threads',
                     '_numba_env_count'):
            with monkeypatch.context() as m:
                m.setattr(_pytensor, name, lambda: None)
                seen.add(_pytensor.numba_cache_salt())
        pay = _pytensor.numba_threads_pay()
        with monkeypatch.context() as m:
            m.setattr(_pytensor, 'numba_threads_pay', lambda: not pay)
            seen.add(_pytensor.numba_cache_salt())
        assert len(seen) == 10
        assert _pytensor.numba_cache_salt() == key
        # and it is the same in every process, or the cache never hits
        code = ('from lasagne_reg._kernels import _pytensor\n'
                'print(_pytensor.numba_cache_salt())')
        for seed in ('1', '2'):
            out = run_python(code=code, env={'PYTHONHASHSEED': seed})
            assert out.returncode == 0, out.stderr[-2000:]
            assert int(out.stdout) == key


# -- integers keep Lasagne's expressions -------------------------------------

@pytest.mark.parametrize('dtype', ['int8', 'int32', 'int64', 'uint8', 'bool'])
def test_integer_tensors_keep_lasagnes_expression(bk, dtype):
    x = matrix(bk, dtype)
    # l1 and l2, and the pair of one read, which falls back to them too
    ours = [reg.l1(x), reg.l2(x)] + list(_kernels.l1_and_l2(x))
    theirs = [bk.T.sum(abs(x)), bk.T.sum(x ** 2)] * 2
    for o, t in zip(ours, theirs):
        assert not isinstance(o.owner.op, _kernels.op_class(bk.name))
        assert o.dtype == t.dtype
    value = np.array([[1, 2], [0, 5]]).astype(dtype)
    got = bk.function([x], ours)(value)
    want = bk.function([x], theirs)(value)
    for g, w in zip(got, want):
        assert np.asarray(g).dtype == np.asarray(w).dtype
        assert g == w
    exact = value.astype(np.int64)
    assert list(got) == [np.abs(exact).sum(), (exact ** 2).sum()] * 2


# -- gradients ------------------------------------------------------------------

# PyTensor has no C code for the float16 gradient of a slice, and says so
@pytest.mark.filterwarnings('ignore:Disabling C code for IncSubtensor')
@pytest.mark.parametrize('mode_id, dtype', MODE_DTYPES)
def test_gradients_are_2x_and_sign_x(bk, mode_id, dtype):
    x = matrix(bk, dtype)
    view = x[::-1, 1:]
    g1 = bk.grad(reg.l1(view), x)
    g2 = bk.grad(reg.l2(view), x)
    assert g1.dtype == g2.dtype == dtype
    f = compile_in(bk, mode_id, [x], [g1, g2])
    a = _values(dtype, seed=5)[0]
    a[0, 1:4] = 0           # sign(0) = 0, as Lasagne's abs gives
    r1, r2 = f(a)
    want1, want2 = np.zeros_like(a), np.zeros_like(a)
    want1[:, 1:] = np.sign(a[:, 1:])
    want2[:, 1:] = 2 * a[:, 1:]
    for got, want in [(r1, want1), (r2, want2)]:
        assert np.asarray(got).dtype == dtype
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize('dtype', DTYPES)
def test_gradient_of_the_whole_tensor_keeps_its_dtype(bk, dtype):
    # no op after ours to cast it: the Op's own gradient must be in x's dtype
    x = vector(bk, dtype)
    g1, g2 = bk.grad(reg.l1(x), x), bk.grad(reg.l2(x), x)
    assert g1.dtype == g2.dtype == dtype
    a = np.array([0.5, -1.5, 0.0, 2.0], dtype=dtype)
    r1, r2 = bk.function([x], [g1, g2])(a)
    assert np.asarray(r1).dtype == np.asarray(r2).dtype == dtype
    np.testing.assert_array_equal(r1, np.sign(a))
    np.testing.assert_array_equal(r2, 2 * a)


def test_gradient_scales_with_the_output_gradient(bk):
    x = vector(bk, 'float64')
    c = bk.T.scalar(dtype='float64')
    cost = c * reg.l2(x) + 3 * reg.l1(x) ** 2
    f = bk.function([x, c], bk.grad(cost, x))
    a = np.array([1.5, -2.0, 0.0, 4.0])
    np.testing.assert_allclose(
        f(a, 0.25), 0.25 * 2 * a + 3 * 2 * np.abs(a).sum() * np.sign(a),
        rtol=1e-12)


def test_grad_of_grad(bk):
    x = vector(bk, 'float64')
    v = vector(bk, 'float64')
    a = np.array([0.5, -1.5, 2.0])
    w = np.array([1.0, 2.0, -3.0])
    outs = []
    for penalty in (reg.l1, reg.l2):
        g = bk.grad(penalty(x), x)
        outs.append(bk.grad(bk.T.sum(g * v), x))      # H v
        outs.append(bk.grad(bk.T.sum(g ** 2), x))     # d |grad|^2 / dx
    f = bk.function([x, v], outs)
    hv1, gg1, hv2, gg2 = f(a, w)
    np.testing.assert_array_equal(hv1, np.zeros(3))   # l1: zero curvature
    np.testing.assert_array_equal(gg1, np.zeros(3))
    np.testing.assert_allclose(hv2, 2 * w, rtol=1e-12)
    np.testing.assert_allclose(gg2, 8 * a, rtol=1e-12)  # |2x|^2 = 4 x^2


def _rops(bk):
    """The backend's Jacobian-vector products: Theano's and Aesara's Rop;
    PyTensor 3's pushforward (Rop is deprecated there), through our Op's
    own pushforward and through its default double pullback."""
    gradient = bk.root.gradient
    if not hasattr(gradient, 'pushforward'):
        return {'Rop': gradient.Rop}
    return {
        'op pushforward': lambda f, x, v: gradient.pushforward(
            f, x, v, use_op_pushforward=True),
        'pushforward': gradient.pushforward}


def test_rop_and_hessian_vector_products(bk):
    x = vector(bk, 'float64')
    v = vector(bk, 'float64')
    a = np.array([0.5, -1.5, 0.0, 2.0])
    w = np.array([1.0, 2.0, 5.0, -3.0])
    for rop in _rops(bk).values():
        outs = [rop(reg.l2(x), x, v), rop(reg.l1(x), x, v),
                rop(bk.grad(reg.l2(x), x), x, v)]
        f = bk.function([x, v], outs)
        r2, r1, hv = f(a, w)
        np.testing.assert_allclose(r2, 2 * np.dot(a, w), rtol=1e-12)
        np.testing.assert_allclose(r1, np.dot(np.sign(a), w), rtol=1e-12)
        np.testing.assert_allclose(hv, 2 * w, rtol=1e-12)


def test_rop_keeps_float32(bk):
    x = vector(bk, 'float32')
    v = vector(bk, 'float32')
    a = np.array([0.5, -1.5, 0.0, 2.0], dtype='float32')
    w = np.array([1.0, 2.0, 5.0, -3.0], dtype='float32')
    for rop in _rops(bk).values():
        outs = [rop(reg.l2(x), x, v), rop(reg.l1(x), x, v)]
        assert [o.dtype for o in outs] == ['float32', 'float32']
        r2, r1 = bk.function([x, v], outs)(a, w)
        assert np.asarray(r2).dtype == np.asarray(r1).dtype == np.float32
        assert r2 == np.float32(2 * np.dot(a, w))
        assert r1 == np.float32(np.dot(np.sign(a), w))


def test_r_op_without_an_eval_point_is_none(bk):
    # an input with no direction (a random state, say) gives no product
    x = vector(bk, 'float64')
    for kind in ('l1', 'l2'):
        assert _kernels.op_class(bk.name)(kind).R_op([x], [None]) == [None]


# Theano 1.0.5's hessian is a scan, which runs on Python 3.11 and numpy 2
# only under lasagne_reg.compat (the root conftest installs it; see
# docs/backends.rst and tests/test_compat_shims.py for what it takes).
# Aesara 2.9.4 on Python 3.12+: its Cython scan loop does not compile there,
# and Aesara does not fall back to its Python loop, so a scan in C mode fails
# (docs/backends.rst); strict, so that the day it works this says so
AESARA_SCAN_C = BACKEND == 'aesara' and sys.version_info >= (3, 12)


@pytest.mark.parametrize('mode_id', [
    pytest.param(m, marks=pytest.mark.xfail(
        AESARA_SCAN_C and m == 'c', strict=True,
        reason="Aesara's C scan loop does not compile on Python 3.12+"))
    for m in MODE_IDS])
@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_hessian(bk, mode_id, dtype):
    x = vector(bk, dtype)
    h2 = bk.root.gradient.hessian(reg.l2(x), x)
    h1 = bk.root.gradient.hessian(reg.l1(x) + reg.l2(x[::2]), x)
    f = compile_in(bk, mode_id, [x], [h2, h1])
    a = np.array([0.5, -1.5, 2.0, 0.25, -4.0], dtype=dtype)
    r2, r1 = f(a)
    np.testing.assert_array_equal(r2, 2 * np.eye(5))
    np.testing.assert_array_equal(r1, np.diag([2, 0, 2, 0, 2]))


def test_no_deprecated_api_is_used(bk):
    # PyTensor 3 warns (FutureWarning) when an Op implements grad/R_op
    # instead of pullback/pushforward, and when sgn is used for sign
    x = vector(bk, 'float64')
    with warnings.catch_warnings():
        warnings.simplefilter('error', FutureWarning)
        warnings.simplefilter('error', DeprecationWarning)
        cost = reg.l2(x) + reg.l1(x)
        bk.grad(cost, x)
        for rop in _rops(bk).values():
            rop(cost, x, x)


# -- the Op itself -------------------------------------------------------------

# the class each backend's Op is, by the name it is pickled under
CLASS_NAMES = {'theano': 'TheanoOnePassPenalty',
               'aesara': 'AesaraOnePassPenalty',
               'pytensor': 'PyTensorOnePassPenalty'}


def test_the_op_pickles_and_compares_by_kind(bk):
    cls = _kernels.op_class(bk.name)
    op = cls('l2')
    again = pickle.loads(pickle.dumps(op))
    assert type(again) is cls and again == op and hash(again) == hash(op)
    assert cls('l1') != op
    with pytest.raises(ValueError, match=exactly(
            "kind: expected one of l1, l2, l1_l2, got 'l3'")):
        cls('l3')


def test_the_op_class_is_importable_by_name_and_documented(bk):
    from lasagne_reg._kernels._onepass import PenaltyLogic
    cls = _kernels.op_class(bk.name)
    assert cls is _kernels.op_class(bk.name)         # built once
    assert cls.__name__ == cls.__qualname__ == CLASS_NAMES[bk.name]
    assert cls.__module__ == 'lasagne_reg._kernels'
    assert getattr(_kernels, CLASS_NAMES[bk.name]) is cls
    assert cls.__doc__ == PenaltyLogic.__doc__
    with pytest.raises(AttributeError, match=exactly(
            "module 'lasagne_reg._kernels' has no attribute "
            "'OnePassPenalty'")):
        _kernels.OnePassPenalty  # noqa: B018


def test_the_op_class_built_afresh_is_complete(bk, monkeypatch):
    # op_class builds each backend's class once: build it again here
    from lasagne_reg._kernels._onepass import PenaltyLogic
    old = _kernels.op_class(bk.name)
    monkeypatch.setattr(_kernels, '_CLASSES', {})
    cls = _kernels.op_class(bk.name)
    assert cls is not old and cls is _kernels.op_class(bk.name)
    assert getattr(_kernels, CLASS_NAMES[bk.name]) is cls
    assert cls.__name__ == cls.__qualname__ == CLASS_NAMES[bk.name]
    assert cls.__module__ == 'lasagne_reg._kernels'
    assert cls.__doc__ == PenaltyLogic.__doc__
    assert cls.__mro__[1] is PenaltyLogic
    op = cls('l2')
    again = pickle.loads(pickle.dumps(op))
    assert type(again) is cls and again == op and hash(again) == hash(op)
    assert cls('l1') != op and str(op) == 'OnePassPenalty{l2}'

    # a float16 node; Theano runs C code on float16 only for an Op that
    # says so (compiling it here would leave this second class in the
    # backend's module cache: test_c_modes_run_the_c_code runs it)
    x = matrix(bk, 'float16')
    node = op(x[::2])
    assert type(node.owner.op) is cls and node.dtype == 'float16'
    assert cls._f16_ok is True


def test_the_op_refuses_non_float_input(bk):
    with pytest.raises(TypeError, match=exactly(
            'OnePassPenalty{l2}: expected a float16, float32 or float64 '
            'tensor, got int32')):
        _kernels.op_class(bk.name)('l2')(matrix(bk, 'int32'))


def test_shape_is_inferred_without_computing(bk):
    x = matrix(bk, 'float32')
    f = bk.function([x], reg.l2(x).shape)
    assert tuple(f(np.ones((2, 3), 'float32'))) == ()
    assert not [node for node in f.maker.fgraph.toposort()
                if isinstance(node.op, _kernels.op_class(bk.name))]
    op = reg.l2(x).owner.op
    # (node, shapes) in Theano and Aesara, (fgraph, node, shapes) in PyTensor
    assert op.infer_shape(None, [(2, 3)]) == [()]


def test_numpy_reference_chunks_match_a_float64_sum():
    from lasagne_reg._kernels._onepass import numpy_penalty
    rng = np.random.RandomState(6)
    a = rng.randn(300, 700).astype('float32')[:, ::-3]    # > one chunk
    a64 = a.astype(np.float64)
    np.testing.assert_allclose(numpy_penalty('l2', a), (a64 ** 2).sum(),
                               rtol=1e-13)
    np.testing.assert_allclose(numpy_penalty('l1', a), np.abs(a64).sum(),
                               rtol=1e-13)
    assert numpy_penalty('l2', np.zeros((0, 4), 'float16')) == 0.0


def test_numpy_reference_copies_no_more_than_a_chunk():
    # perform() on a transposed (Fortran-ordered) weight reads it in place:
    # its temporaries are a float64 chunk, never a copy of the weight
    import tracemalloc

    from lasagne_reg._kernels._onepass import numpy_penalty
    a = np.ones((1024, 1024), dtype='float32').T
    for kind in ('l1', 'l2'):
        tracemalloc.start()
        try:
            total = numpy_penalty(kind, a)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert total == a.size
        assert peak < a.nbytes / 2


# -- l1 and l2 of one tensor in one read (l1_l2) ---------------------------------

def _onepass_nodes(bk, f):
    return [node for node in f.maker.fgraph.toposort()
            if isinstance(node.op, _kernels.op_class(bk.name))]


@pytest.mark.parametrize('mode_id, dtype', MODE_DTYPES)
def test_l1_and_l2_of_one_read_match_numpy_and_l1_l2_bit_for_bit(
        bk, mode_id, dtype):
    x, y = matrix(bk, dtype), tensor3(bk, dtype)
    views = [(v, s, n, 'x') for v, s, n in MATRIX_VIEWS] + \
        [(v, s, n, 'y') for v, s, n in TENSOR3_VIEWS]
    outputs = []
    for _view_id, sym, _num, which in views:
        t = sym(x if which == 'x' else y)
        both = _kernels.l1_and_l2(t)
        node = both[0].owner
        assert both[1].owner is node and str(node.op) == \
            'OnePassPenalty{l1_l2}' and node.inputs == [t]
        outputs += list(both) + [reg.l1(t), reg.l2(t)]
    f = compile_in(bk, mode_id, [x, y], outputs)
    a, b, _ = _values(dtype, seed=11)
    for args in [(a, b), (np.asfortranarray(a), b[:, ::-1, :])]:
        got = iter(f(*args))
        for view_id, _sym, num, which in views:
            arr = num(args[0] if which == 'x' else args[1])
            l1, l2, alone1, alone2 = (next(got) for _ in range(4))
            for kind, value, alone in (('l1', l1, alone1),
                                       ('l2', l2, alone2)):
                try:
                    assert_rounded_float64(value, kind, arr, dtype)
                except AssertionError as error:
                    raise AssertionError('%s of %s: %s'
                                         % (kind, view_id, error)) from None
                # the same sums as l1 and l2 alone, bit for bit
                assert np.asarray(value).tobytes() == \
                    np.asarray(alone).tobytes(), (kind, view_id)


@pytest.mark.parametrize('mode_id', MODE_IDS)
def test_l1_l2_penalty_is_one_node_reading_its_tensor_once(bk, mode_id):
    from lasagne_reg import penalties
    x = matrix(bk, 'float32')
    p = penalties.l1_l2(x, l1=0.5, l2=0.25)
    a = _values('float32', seed=12)[0]
    f = compile_in(bk, mode_id, [x], p)
    a64 = a.astype(np.float64)
    want = np.float32(0.5) * np.float32(np.abs(a64).sum()) + \
        np.float32(0.25) * np.float32((a64 * a64).sum())
    np.testing.assert_allclose(f(a), want, rtol=1e-6)
    if mode_id not in ('numba', 'jax'):
        nodes = _onepass_nodes(bk, f)
        assert [str(n.op) for n in nodes] == ['OnePassPenalty{l1_l2}']


@pytest.mark.parametrize('mode_id', MODE_IDS)
def test_l1_l2_gradients_any_output_or_both(bk, mode_id):
    x = matrix(bk, 'float64')
    view = x[::-1, 1:]
    l1, l2 = _kernels.l1_and_l2(view)
    grads = [bk.grad(0.5 * l1 + 3.0 * l2, x), bk.grad(l1, x),
             bk.grad(l2, x), bk.grad(l1 * l2, x)]
    f = compile_in(bk, mode_id, [x], grads)
    a = _values('float64', seed=13)[0]
    a[0, 1:4] = 0
    inner = a[:, 1:]
    sign, twice = np.zeros_like(a), np.zeros_like(a)
    sign[:, 1:], twice[:, 1:] = np.sign(inner), 2 * inner
    s1, s2 = np.abs(inner).sum(), (inner * inner).sum()
    want = [0.5 * sign + 3.0 * twice, sign, twice, s2 * sign + s1 * twice]
    for got, w in zip(f(a), want):
        np.testing.assert_allclose(got, w, rtol=1e-12)


def test_an_undefined_output_gradient_gives_the_backends_error(bk):
    # known_grads gives l1 an undefined (NullType) gradient and l2 a real
    # one: the Op's gradient must pass over the undefined one, and the
    # backend's grad then says why the result is undefined
    gradient = importlib.import_module(bk.name + '.gradient')
    x = vector(bk, 'float64')
    l1, l2 = _kernels.l1_and_l2(x)
    known = collections.OrderedDict([
        (l1, gradient.NullType('no gradient on purpose')()),
        (l2, bk.T.constant(1.0))])
    with pytest.raises(gradient.NullTypeGradError,
                       match='no gradient on purpose'):
        bk.grad(None, x, known_grads=known)


def test_l1_l2_rop(bk):
    x = vector(bk, 'float64')
    v = vector(bk, 'float64')
    a = np.array([0.5, -1.5, 0.0, 2.0])
    w = np.array([1.0, 2.0, 5.0, -3.0])
    for rop in _rops(bk).values():
        l1, l2 = _kernels.l1_and_l2(x)
        outs = [rop(l1, x, v), rop(l2, x, v), rop(l1 + 2 * l2, x, v)]
        r1, r2, r12 = bk.function([x, v], outs)(a, w)
        np.testing.assert_allclose(r1, np.dot(np.sign(a), w), rtol=1e-12)
        np.testing.assert_allclose(r2, 2 * np.dot(a, w), rtol=1e-12)
        np.testing.assert_allclose(
            r12, np.dot(np.sign(a), w) + 4 * np.dot(a, w), rtol=1e-12)
    op = _kernels.op_class(bk.name)('l1_l2')
    assert op.R_op([x], [None]) == [None, None]


def test_l1_l2_of_a_large_tensor_matches_numpy_in_c(bk):
    # more than one block of the C code (blocks of 2 ** 15 elements), and a
    # tail: the blocks' sums added in order
    rng = np.random.default_rng(14)
    a = rng.standard_normal(3 * 2 ** 15 + 7) + 0.5
    x = vector(bk, 'float64')
    f = compile_in(bk, 'c', [x], list(_kernels.l1_and_l2(x)) +
                   [reg.l1(x), reg.l2(x)])
    l1, l2, alone1, alone2 = f(a)
    np.testing.assert_allclose(l1, np.abs(a).sum(), rtol=1e-13)
    np.testing.assert_allclose(l2, np.dot(a, a), rtol=1e-13)
    assert (l1, l2) == (alone1, alone2)


@pytest.mark.parametrize('installed, expected', [
    (None, ('TheanoOnePassPenalty', 'gof', 'Op', 'gof')),
    ('THEANO', ('TheanoOnePassPenalty', 'gof', 'Op', 'gof')),
    # Theano-PyMC has no theano.gof: its C Ops derive from theano.graph.op
    ('THEANO_PYMC', ('TheanoOnePassPenalty', 'graph.op', 'COp',
                     'graph.basic'))])
def test_the_op_base_is_the_installed_theanos(monkeypatch, installed,
                                              expected):
    from lasagne_reg import _variant
    variant = None if installed is None else getattr(_variant, installed)
    monkeypatch.setattr(_variant, 'installed', lambda: variant)
    assert _kernels._bases('theano') == expected
    # the other backends' homes do not depend on the Theano installed
    assert _kernels._bases('pytensor') == ('PyTensorOnePassPenalty',
                                           'link.c.op', 'COp', 'graph.basic')
