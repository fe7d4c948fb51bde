"""Property-based tests (hypothesis) against numpy references.

Random shapes (0-d and empty included), dtypes (float16/32/64) and values
(huge and tiny magnitudes included). Symbolic checks compile one function per
(penalty, ndim, dtype) and feed it every example, so hundreds of examples
cost a handful of compilations: real compiled graphs, every example.
"""
import collections

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lasagne_reg import regularization as reg
from tests._support import DuckLayer

DTYPES = ['float16', 'float32', 'float64']
RTOL = {'float16': 5e-3, 'float32': 2e-5, 'float64': 1e-12}
# magnitude bounds that keep sums finite for up to 4**3 elements ...
BOUND = {'float16': 30.0, 'float32': 1e17, 'float64': 1e150}
EXAMPLES = settings(max_examples=200, deadline=None)


def arrays(dtype, bound=None, max_dims=3):
    bound = BOUND[dtype] if bound is None else bound
    bound = float(np.asarray(bound, dtype=dtype))     # representable
    elements = st.floats(-bound, bound, width=np.dtype(dtype).itemsize * 8,
                         allow_nan=False, allow_infinity=False)
    return hnp.arrays(dtype, hnp.array_shapes(min_dims=0, max_dims=max_dims,
                                              min_side=0, max_side=4),
                      elements=elements)


any_array = st.sampled_from(DTYPES).flatmap(arrays)


def reference(name, a):
    """The penalty in float64, then rounded to `a`'s dtype."""
    a64 = np.asarray(a, dtype=np.float64)
    value = np.abs(a64).sum() if name == 'l1' else (a64 ** 2).sum()
    return np.asarray(value).astype(a.dtype)


def close(actual, expected, dtype):
    np.testing.assert_allclose(np.float64(actual), np.float64(expected),
                               rtol=RTOL[dtype],
                               atol=np.finfo(dtype).tiny * 64)


_COMPILED = {}


def compiled(bk, name, ndim, dtype):
    """A compiled function computing penalty `name` of a (ndim, dtype) input."""
    key = (bk.name, name, ndim, dtype)
    if key not in _COMPILED:
        x = bk.T.TensorType(dtype, (False,) * ndim)('x')
        out = getattr(reg, name)(x)
        assert out.dtype == dtype
        _COMPILED[key] = bk.function([x], out)
    return _COMPILED[key]


@EXAMPLES
@given(a=any_array, name=st.sampled_from(['l1', 'l2']))
def test_compiled_penalty_matches_numpy_and_keeps_dtype(bk, a, name):
    result = compiled(bk, name, a.ndim, str(a.dtype))(a)
    assert np.asarray(result).dtype == a.dtype
    close(result, reference(name, a), str(a.dtype))


@EXAMPLES
@given(a=any_array, name=st.sampled_from(['l1', 'l2']))
def test_numpy_penalty_matches_numpy_and_keeps_dtype(a, name):
    result = getattr(reg, name)(a)
    assert result.dtype == a.dtype
    close(result, reference(name, a), str(a.dtype))


@EXAMPLES
@given(a=any_array)
def test_l1_and_l2_are_non_negative(bk, a):
    for name in ('l1', 'l2'):
        assert compiled(bk, name, a.ndim, str(a.dtype))(a) >= 0
        assert getattr(reg, name)(a) >= 0


@EXAMPLES
@given(a=arrays('float64', bound=1e6),
       c=st.floats(-1e3, 1e3, allow_nan=False))
def test_l2_is_homogeneous_of_degree_two(a, c):
    np.testing.assert_allclose(reg.l2(c * a), c ** 2 * reg.l2(a),
                               rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(reg.l1(c * a), abs(c) * reg.l1(a),
                               rtol=1e-9, atol=1e-300)


@EXAMPLES
@given(a=arrays('float32', bound=1e6),
       c=st.floats(-1e3, 1e3, allow_nan=False, width=32))
def test_compiled_l2_is_homogeneous_of_degree_two(bk, a, c):
    f = compiled(bk, 'l2', a.ndim, 'float32')
    scaled = (np.float32(c) * a).astype('float32')
    np.testing.assert_allclose(f(scaled), np.float64(c) ** 2 * f(a),
                               rtol=1e-4, atol=1e-30)


def _summed(bk, n, name):
    key = (bk.name, 'sum', n, name)
    if key not in _COMPILED:
        xs = [bk.T.matrix('x%d' % i, dtype='float64') for i in range(n)]
        _COMPILED[key] = bk.function(
            xs, reg.apply_penalty(xs, getattr(reg, name)))
    return _COMPILED[key]


@EXAMPLES
@given(data=st.data(), n=st.integers(1, 6), name=st.sampled_from(['l1', 'l2']))
def test_apply_penalty_is_the_sum_of_its_parts_in_any_order(bk, data, n, name):
    parts = [data.draw(hnp.arrays('float64', hnp.array_shapes(
        min_dims=2, max_dims=2, min_side=0, max_side=3),
        elements=st.floats(-1e6, 1e6))) for _ in range(n)]
    order = data.draw(st.permutations(range(n)))
    expected = sum(np.float64(reference(name, p)) for p in parts)
    f = _summed(bk, n, name)
    close(f(*parts), expected, 'float64')
    close(f(*[parts[i] for i in order]), expected, 'float64')
    close(reg.apply_penalty([parts[i] for i in order], getattr(reg, name)),
          expected, 'float64')


@st.composite
def duck_networks(draw):
    """A random DAG of duck layers over numpy parameters, with tied weights."""
    pool = []
    layers = [DuckLayer(None, name='in')]
    for i in range(draw(st.integers(1, 8))):
        params = []
        for _ in range(draw(st.integers(0, 3))):
            if pool and draw(st.booleans()):
                p = draw(st.sampled_from(pool))               # tied
            else:
                p = draw(hnp.arrays('float64', draw(st.integers(0, 4)),
                                    elements=st.floats(-100, 100)))
                pool.append(p)
            tags = draw(st.sampled_from([{'regularizable', 'trainable'},
                                         {'trainable'}]))
            params.append((p, tags))
        # distinct numpy arrays can compare equal; keep first identity
        seen, unique_params = set(), []
        for p, tags in params:
            if id(p) not in seen:
                seen.add(id(p))
                unique_params.append((_Key(p), tags))
        inputs = draw(st.lists(st.sampled_from(layers), min_size=1,
                               max_size=2))
        layers.append(DuckLayer(inputs if len(inputs) > 1 else inputs[0],
                                unique_params, name='l%d' % i))
    return layers


class _Key(np.ndarray):
    """An ndarray hashable by identity, to be a key of DuckLayer.params."""

    def __new__(cls, a):
        return a.view(cls) if not isinstance(a, _Key) else a

    __hash__ = object.__hash__

    def __eq__(self, other):
        return self is other


NO_SELECTION = pytest.mark.filterwarnings(
    'ignore:tags=.*select none:UserWarning')   # random graphs may have none


@NO_SELECTION
@EXAMPLES
@given(layers=duck_networks(), name=st.sampled_from(['l1', 'l2']))
def test_network_penalty_is_the_sum_over_unique_parameters(layers, name):
    out = layers[-1]
    # independent reference: every reachable layer, every regularizable
    # parameter counted once by identity
    reachable, todo = {}, [out]
    while todo:
        lay = todo.pop()
        if lay is None or id(lay) in reachable:
            continue
        reachable[id(lay)] = lay
        todo.extend(getattr(lay, 'input_layers', [getattr(lay, 'input_layer',
                                                          None)]))
    unique = {id(p): p for lay in reachable.values()
              for p, tags in lay.params.items() if 'regularizable' in tags}
    expected = sum(np.float64(reference(name, np.asarray(p)))
                   for p in unique.values())
    result = reg.regularize_network_params(out, getattr(reg, name))
    close(result, expected, 'float64')


@NO_SELECTION
@EXAMPLES
@given(layers=duck_networks(),
       c1=st.lists(st.floats(0, 100), min_size=9, max_size=9),
       c2=st.lists(st.floats(0, 100), min_size=9, max_size=9),
       a=st.floats(0, 10), b=st.floats(0, 10))
def test_weighted_helper_is_linear_in_its_coefficients(layers, c1, c2, a, b):
    layers = layers[1:]
    def weighted(cs):
        return np.float64(reg.regularize_layer_params_weighted(
            collections.OrderedDict(zip(layers, cs)), reg.l2))
    mixed = [a * x + b * y for x, y in zip(c1, c2)]
    expected = a * weighted(c1) + b * weighted(c2)
    np.testing.assert_allclose(weighted(mixed), expected, rtol=1e-9,
                               atol=1e-6)
    per_layer = sum(c * np.float64(reg.regularize_layer_params(lay, reg.l2))
                    for lay, c in zip(layers, c1))
    np.testing.assert_allclose(weighted(c1), per_layer, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('bad, l1_result, l2_result', [
    (np.nan, np.nan, np.nan),
    (np.inf, np.inf, np.inf),
    (-np.inf, np.inf, np.inf),
])
def test_nan_and_inf_in_weights_propagate(bk, dtype, bad, l1_result,
                                          l2_result):
    a = np.array([[1.0, bad], [2.0, 3.0]], dtype=dtype)
    for name, want in (('l1', l1_result), ('l2', l2_result)):
        symbolic = compiled(bk, name, 2, dtype)(a)
        numeric = getattr(reg, name)(a)
        for got in (symbolic, numeric):
            np.testing.assert_equal(np.float64(got), want)
    # +inf and -inf in one tensor: l1 and l2 are still +inf (no cancellation)
    both = np.array([np.inf, -np.inf], dtype=dtype)
    assert reg.l1(both) == np.inf and reg.l2(both) == np.inf


def test_huge_float32_overflows_to_inf_like_numpy(bk):
    a = np.full((3,), 3e38, dtype='float32')
    assert np.isinf(compiled(bk, 'l2', 1, 'float32')(a))
    with np.errstate(over='ignore'):    # numpy's own overflow warning
        assert np.isinf(reg.l2(a))
    tiny = np.full((5,), 1e-45, dtype='float32')        # subnormal
    np.testing.assert_allclose(compiled(bk, 'l1', 1, 'float32')(tiny),
                               np.float32(5e-45), rtol=0.5)
