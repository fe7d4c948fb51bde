"""Penalties beyond Lasagne: l1_l2, group_lasso, orthogonality, activity.

Expected values and gradients are computed with numpy: gradients are derived
analytically here (and, for orthogonality, also by finite differences).
"""
import numpy as np
import pytest

import lasagne_reg
from lasagne_reg import _graph, group_lasso, l1_l2, orthogonality, regularize_activity
from lasagne_reg import regularization as reg

pytestmark = [pytest.mark.backends]

RTOL = {'float32': 1e-5, 'float64': 1e-10}


def value_and_grad(bk, penalty, x, mode=None, **kwargs):
    """Penalty of the shared `x` and its gradient, from one function."""
    cost = penalty(x, **kwargs)
    value, grad = bk.function([], [cost, bk.grad(cost, x)], mode=mode)()
    return cost, value, grad


# -- l1_l2 ------------------------------------------------------------------

@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_l1_l2_value_gradient_and_dtype(bk, dtype):
    a = np.random.RandomState(0).randn(4, 3).astype(dtype)
    cost, value, grad = value_and_grad(bk, l1_l2, bk.shared(a),
                                       l1=0.3, l2=0.05)
    assert cost.ndim == 0 and cost.dtype == dtype
    a64 = a.astype(np.float64)
    np.testing.assert_allclose(
        value, 0.3 * np.abs(a64).sum() + 0.05 * (a64 ** 2).sum(),
        rtol=RTOL[dtype])
    np.testing.assert_allclose(grad, 0.3 * np.sign(a64) + 0.1 * a64,
                               rtol=RTOL[dtype])


def test_l1_l2_defaults_are_one_and_one(bk):
    a = np.array([[1.0, -2.0], [0.5, 0.0]])
    assert bk.evaluate(l1_l2(bk.shared(a))) == 3.5 + 5.25


def test_l1_l2_numpy_in_numpy_scalar_out():
    a = np.array([[1.0, -2.0], [0.0, 3.0]], dtype='float32')
    result = l1_l2(a, l1=0.5, l2=np.float64(0.25))
    assert isinstance(result, np.float32)
    np.testing.assert_allclose(result, 0.5 * 6 + 0.25 * 14, rtol=1e-6)
    assert isinstance(l1_l2(a.astype('float64')), np.float64)


@pytest.mark.parametrize('floatX', ['float32', 'float64'])
def test_l1_l2_keeps_float32_whatever_the_coefficients(bk, floatX):
    a = np.ones((2, 3), dtype='float32')
    x = bk.shared(a)
    schedule = bk.shared(np.float64(0.5))
    with bk.change_flags(floatX=floatX):
        costs = [l1_l2(x, l1=0.01, l2=np.float64(0.1)),
                 l1_l2(x, l1=np.array(2.0), l2=1),
                 l1_l2(x, l1=schedule, l2=schedule)]
    assert [c.dtype for c in costs] == ['float32'] * 3
    f = bk.function([], costs)
    np.testing.assert_allclose(f(), [0.66, 18.0, 6.0], rtol=1e-6)
    schedule.set_value(0.25)              # a schedule keeps working
    np.testing.assert_allclose(f()[2], 3.0, rtol=1e-6)


@pytest.mark.nobackend
@pytest.mark.parametrize('kwargs, error, match', [
    (dict(l1=-0.1), ValueError, 'l1: expected a non-negative'),
    (dict(l2=float('nan')), ValueError, 'l2: expected a finite'),
    (dict(l2=float('inf')), ValueError, 'l2: expected a finite'),
    (dict(l1='0.1'), TypeError, 'l1: expected a real number'),
    (dict(l1=True), TypeError, 'l1: expected a real number'),
])
def test_l1_l2_rejects_bad_coefficients(kwargs, error, match):
    with pytest.raises(error, match=match):
        l1_l2(np.ones(3), **kwargs)


@pytest.mark.nobackend
def test_new_penalties_reject_non_tensors():
    for penalty in (l1_l2, group_lasso, orthogonality):
        with pytest.raises(TypeError, match='x: expected'):
            penalty('weights')


# -- group_lasso ------------------------------------------------------------

def np_group_lasso(a, axis):
    return np.sqrt((a.astype(np.float64) ** 2).sum(axis=axis)).sum()


def np_group_lasso_grad(a, axis):
    """x / ||group||, and 0 (the minimal-norm subgradient) on zero groups."""
    a = a.astype(np.float64)
    norms = np.sqrt((a ** 2).sum(axis=axis, keepdims=True))
    safe = np.where(norms > 0, norms, 1.0)
    return np.where(norms > 0, a / safe, 0.0)


def with_zero_groups(shape, axis, seed=1):
    """Random values with two groups (slices along `axis`) exactly zero."""
    moved = np.moveaxis(np.random.RandomState(seed).randn(*shape), axis, -1)
    groups = moved.reshape(-1, shape[axis])       # a copy: one group a row
    groups[[0, -1]] = 0.0
    a = np.moveaxis(groups.reshape(moved.shape), -1, axis)
    assert np.sum(np.all(np.moveaxis(a, axis, -1) == 0, axis=-1)) >= 1
    return a


@pytest.mark.parametrize('shape, axis', [((5, 4), 1), ((5, 4), 0),
                                         ((5, 4), -1), ((3, 4, 2), 1),
                                         ((3, 4, 2), 2), ((6,), 0)])
def test_group_lasso_value_and_gradient_with_zero_groups(bk, shape, axis):
    a = with_zero_groups(shape, axis)
    cost, value, grad = value_and_grad(bk, group_lasso, bk.shared(a),
                                       axis=axis)
    assert cost.ndim == 0 and cost.dtype == 'float64'
    np.testing.assert_allclose(value, np_group_lasso(a, axis), rtol=1e-10)
    assert np.all(np.isfinite(grad))
    np.testing.assert_allclose(grad, np_group_lasso_grad(a, axis),
                               rtol=1e-10, atol=1e-12)


def test_group_lasso_zero_groups_are_exact_in_every_mode(bk):
    a = np.zeros((3, 4))
    a[1] = [3.0, 0.0, -4.0, 0.0]          # one nonzero group, norm 5
    for mode in (None, bk.py_mode()):
        cost, value, grad = value_and_grad(bk, group_lasso, bk.shared(a),
                                           mode=mode)
        assert value == 5.0
        expected = np.zeros((3, 4))
        expected[1] = [0.6, 0.0, -0.8, 0.0]
        np.testing.assert_allclose(grad, expected, rtol=1e-12)
        assert not np.any(np.isnan(grad))
    _, value, grad = value_and_grad(bk, group_lasso,
                                    bk.shared(np.zeros((2, 3))))
    assert value == 0.0 and np.array_equal(grad, np.zeros((2, 3)))


def test_group_lasso_propagates_nan_and_inf(bk):
    a = np.ones((3, 2))
    a[1, 0] = np.nan
    b = np.ones((3, 2))
    b[2, 1] = np.inf
    f = bk.function([], [group_lasso(bk.shared(a)), group_lasso(bk.shared(b))])
    with_nan, with_inf = f()
    assert np.isnan(with_nan) and np.isnan(group_lasso(a))
    assert with_inf == np.inf and group_lasso(b) == np.inf


def test_new_penalties_of_empty_tensors_are_zero(bk):
    # (symbolic orthogonality of an empty matrix is left out: Theano's C
    # Gemm rejects 0-size matrices, "some matrix has no unit stride")
    empty = np.zeros((0, 3))
    f = bk.function([], [l1_l2(bk.shared(empty)),
                         group_lasso(bk.shared(empty), axis=0),
                         group_lasso(bk.shared(empty), axis=1)])
    assert list(f()) == [0.0] * 3
    assert [l1_l2(empty), group_lasso(empty), orthogonality(empty),
            orthogonality(np.zeros((2, 0, 3)))] == [0.0] * 4


def test_group_lasso_keeps_float32(bk):
    a = with_zero_groups((4, 3), 1).astype('float32')
    cost, value, grad = value_and_grad(bk, group_lasso, bk.shared(a))
    assert cost.dtype == 'float32' and grad.dtype == np.float32
    np.testing.assert_allclose(value, np_group_lasso(a, 1), rtol=1e-6)
    np.testing.assert_allclose(grad, np_group_lasso_grad(a, 1),
                               rtol=1e-5, atol=1e-7)


def test_group_lasso_numpy_in_numpy_scalar_out():
    a = with_zero_groups((4, 3), 0).astype('float32')
    result = group_lasso(a, axis=0)
    assert isinstance(result, np.float32)
    np.testing.assert_allclose(result, np_group_lasso(a, 0), rtol=1e-6)
    assert group_lasso(np.array([[3, 4]])) == 5.0   # integers become floats


@pytest.mark.parametrize('x, axis, error, match', [
    (np.ones((2, 3)), 2, ValueError, 'axis: 2 is out of range'),
    (np.ones((2, 3)), -3, ValueError, 'axis: -3 is out of range'),
    (np.ones(3), 1, ValueError, 'axis: 1 is out of range'),
    (np.float64(2.0), 0, ValueError, 'axis: 0 is out of range'),
    (np.ones((2, 3)), 1.0, TypeError, 'axis: expected an int'),
    (np.ones((2, 3)), '1', TypeError, 'axis: expected an int'),
    (np.ones((2, 3)), True, TypeError, 'axis: expected an int'),
    (np.ones((2, 3)), None, TypeError, 'axis: expected an int'),
])
def test_group_lasso_validates_axis(bk, x, axis, error, match):
    with pytest.raises(error, match=match):
        group_lasso(x, axis=axis)
    if np.ndim(x):
        with pytest.raises(error, match=match):
            group_lasso(bk.shared(x), axis=axis)


@pytest.mark.parametrize('shape, axis', [
    ((4, 2, 3, 3), (1, 2, 3)), ((4, 2, 3, 3), (2, 3)), ((3, 4, 2), (0, 2)),
    ((3, 4, 2), (-1, 0)), ((5, 4), (1,)), ((5, 4), (0, 1)), ((5, 4), [1])])
def test_group_lasso_takes_a_tuple_of_axes(bk, shape, axis):
    a = np.random.RandomState(2).randn(*shape)
    axes = tuple(axis)
    keep = [i for i in range(len(shape)) if i % len(shape) not in
            {x % len(shape) for x in axes}]
    if keep:                  # the first and last groups exactly zero
        index = tuple(0 if i in keep else slice(None)
                      for i in range(len(shape)))
        a[index] = 0.0
    cost, value, grad = value_and_grad(bk, group_lasso, bk.shared(a),
                                       axis=axis)
    expected = np_group_lasso(a, axes)
    np.testing.assert_allclose(value, expected, rtol=1e-10)
    np.testing.assert_allclose(group_lasso(a, axis=axis), expected,
                               rtol=1e-12)
    np.testing.assert_allclose(grad, np_group_lasso_grad(a, axes),
                               rtol=1e-10, atol=1e-12)
    assert np.all(np.isfinite(grad))


def test_group_lasso_of_a_filter_bank_with_one_group_per_filter(bk):
    filters = np.zeros((3, 2, 2, 2))
    filters[0] = 0.5                          # norm sqrt(8 * 0.25)
    filters[2, 1, 0, 0] = -3.0                # norm 3
    for x in (filters, bk.shared(filters)):
        value = group_lasso(x, axis=(1, 2, 3))
        value = value if isinstance(value, np.floating) else \
            bk.evaluate(value)
        np.testing.assert_allclose(value, np.sqrt(2.0) + 3.0, rtol=1e-12)


@pytest.mark.parametrize('axis, error, message', [
    ((), ValueError, 'axis: expected an int or a tuple of at least one int, '
                     'got ()'),
    ((1, 1), ValueError, 'axis: (1, 1) names axis 1 more than once'),
    ((0, -2), ValueError, 'axis: (0, -2) names axis 0 more than once'),
    ((0, 2), ValueError, 'axis: 2 is out of range for a tensor with 2 '
                         'dimension(s) (expected -2 <= axis < 2)'),
    ((0, 1.0), TypeError, 'axis: expected an int, got float 1.0'),
    ((0, None), TypeError, 'axis: expected an int, got NoneType None'),
    (np.array([0, 1]), TypeError, 'axis: expected an int or a tuple of '
                                  'ints, got ndarray array([0, 1])'),
])
def test_group_lasso_validates_a_tuple_of_axes(bk, axis, error, message):
    for x in (np.ones((2, 3)), bk.shared(np.ones((2, 3)))):
        with pytest.raises(error) as info:
            group_lasso(x, axis=axis)
        assert str(info.value) == message


@pytest.mark.parametrize('shape, axes', [
    ((5, 4), (1,)), ((5, 4), (0,)), ((4, 2, 3), (1, 2)), ((4, 2, 3), (0, 2))])
def test_group_norms_broadcast_against_the_tensor_with_keepdims(bk, shape,
                                                                axes):
    # the norms the update transforms scale by: one per group, of length 1
    # along the group's axes (penalties._group_norms; group_lasso sums them)
    from lasagne_reg.penalties import _group_norms
    a = np.random.RandomState(3).randn(*shape)
    np.moveaxis(a, axes, range(-len(axes), 0))[(0,) * (a.ndim - len(axes))] \
        = 0.0                                    # one group all zero
    x = bk.shared(a)
    expected = np.sqrt((a ** 2).sum(axis=axes, keepdims=True))
    kept, flat = bk.function([], [_group_norms(x, axes, keepdims=True),
                                  _group_norms(x, axes)])()
    assert kept.shape == expected.shape
    np.testing.assert_allclose(kept, expected, rtol=1e-12)
    np.testing.assert_allclose(flat, expected.reshape(flat.shape),
                               rtol=1e-12)
    assert flat.ndim == len(shape) - len(axes)


def test_group_lasso_accepts_numpy_integer_axis(bk):
    a = with_zero_groups((3, 4), 1)
    np.testing.assert_allclose(
        bk.evaluate(group_lasso(bk.shared(a), axis=np.int64(1))),
        np_group_lasso(a, 1), rtol=1e-10)


# -- orthogonality ----------------------------------------------------------

def np_orthogonality(a):
    W = a.astype(np.float64).reshape(a.shape[0], -1)
    n, m = W.shape
    gram = W @ W.T if n <= m else W.T @ W
    return ((gram - np.eye(min(n, m))) ** 2).sum()


def np_orthogonality_grad(a):
    """d/dW ||W W^T - I||^2 = 4 (W W^T - I) W (the same for W^T W - I)."""
    W = a.astype(np.float64).reshape(a.shape[0], -1)
    return (4 * (W @ W.T - np.eye(len(W))) @ W).reshape(a.shape)


def finite_differences(f, a, eps=1e-6):
    grad = np.zeros_like(a)
    for i in np.ndindex(a.shape):
        step = np.zeros_like(a)
        step[i] = eps
        grad[i] = (f(a + step) - f(a - step)) / (2 * eps)
    return grad


@pytest.mark.parametrize('shape', [(3, 5), (6, 2), (4, 4), (4, 2, 3, 3),
                                   (2, 1, 2), (5,)])
def test_orthogonality_value_and_gradient(bk, shape):
    a = np.random.RandomState(2).randn(*shape) * 0.5
    cost, value, grad = value_and_grad(bk, orthogonality, bk.shared(a))
    assert cost.ndim == 0 and cost.dtype == 'float64'
    np.testing.assert_allclose(value, np_orthogonality(a), rtol=1e-10)
    np.testing.assert_allclose(grad, np_orthogonality_grad(a), rtol=1e-9,
                               atol=1e-12)
    np.testing.assert_allclose(grad, finite_differences(np_orthogonality, a),
                               rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize('shape', [(3, 5), (6, 2)])
def test_orthogonality_of_a_matrix_whose_shape_is_unknown(bk, shape):
    # the graph is built before the shape is known: the value must still be
    # that of the smaller Gram matrix
    a = np.random.RandomState(3).randn(*shape)
    x = bk.T.matrix('x', dtype='float64')
    cost = orthogonality(x)
    value, grad = bk.function([x], [cost, bk.grad(cost, x)])(a)
    np.testing.assert_allclose(value, np_orthogonality(a), rtol=1e-10)
    np.testing.assert_allclose(grad, np_orthogonality_grad(a), rtol=1e-9,
                               atol=1e-12)


def test_orthogonality_is_zero_on_orthonormal_rows_or_columns(bk):
    q, _ = np.linalg.qr(np.random.RandomState(4).randn(6, 3))   # 6x3
    f = bk.function([], [orthogonality(bk.shared(q)),
                         orthogonality(bk.shared(q.T.copy())),
                         orthogonality(bk.shared(2 * q))])
    tall, wide, scaled = f()
    assert abs(tall) < 1e-12 and abs(wide) < 1e-12
    np.testing.assert_allclose(scaled, 3 * (4 - 1) ** 2, rtol=1e-10)


def test_orthogonality_keeps_float32_and_takes_numpy(bk):
    a = np.random.RandomState(5).randn(3, 2, 2).astype('float32')
    cost, value, grad = value_and_grad(bk, orthogonality, bk.shared(a))
    assert cost.dtype == 'float32' and grad.dtype == np.float32
    np.testing.assert_allclose(value, np_orthogonality(a), rtol=1e-5)
    np.testing.assert_allclose(grad, np_orthogonality_grad(a), rtol=1e-4,
                               atol=1e-5)
    result = orthogonality(a)
    assert isinstance(result, np.float32)
    np.testing.assert_allclose(result, np_orthogonality(a), rtol=1e-5)
    np.testing.assert_allclose(orthogonality(a.reshape(3, 4).T),
                               np_orthogonality(a.reshape(3, 4).T), rtol=1e-5)


def test_orthogonality_rejects_scalars(bk):
    with pytest.raises(ValueError, match='x: expected a tensor with at least'):
        orthogonality(np.float64(1.0))
    with pytest.raises(ValueError, match='x: expected a tensor with at least'):
        orthogonality(bk.T.scalar('s'))


# -- with the layer helpers -------------------------------------------------

def test_new_penalties_work_with_every_helper(bk, duck_mlp):
    weights = [p.get_value() for p in
               _graph.network_params([duck_mlp], {'regularizable': True})]
    f = bk.function([], [
        reg.regularize_network_params(duck_mlp, group_lasso, axis=0),
        reg.regularize_layer_params(duck_mlp, l1_l2, l1=0.5, l2=2.0),
        reg.regularize_layer_params_weighted({duck_mlp: 0.5}, orthogonality),
        reg.apply_penalty([bk.shared(w) for w in weights], orthogonality)])
    network, layer, weighted, applied = f()
    last = weights[-1]
    np.testing.assert_allclose(
        network, sum(np_group_lasso(w, 0) for w in weights), rtol=1e-10)
    np.testing.assert_allclose(
        layer, 0.5 * np.abs(last).sum() + 2.0 * (last ** 2).sum(), rtol=1e-10)
    np.testing.assert_allclose(weighted, 0.5 * np_orthogonality(last),
                               rtol=1e-10)
    np.testing.assert_allclose(
        applied, sum(np_orthogonality(w) for w in weights), rtol=1e-10)


@pytest.mark.lasagne
def test_orthogonality_and_group_lasso_on_a_lasagne_convnet(bk, L, convnet):
    params = L.get_all_params(convnet, regularizable=True)
    assert [p.ndim for p in params] == [4, 4, 2]
    f = bk.function([], [
        reg.regularize_network_params(convnet, orthogonality),
        reg.regularize_network_params(convnet, group_lasso, axis=0)])
    ortho, groups = f()
    values = [p.get_value() for p in params]
    rtol = RTOL[str(values[0].dtype)] * 10          # floatX=float32 too
    np.testing.assert_allclose(ortho, sum(np_orthogonality(v) for v in values),
                               rtol=rtol)
    np.testing.assert_allclose(groups, sum(np_group_lasso(v, 0)
                                           for v in values), rtol=rtol)


# -- regularize_activity ----------------------------------------------------

@pytest.mark.lasagne
def test_activity_of_a_dense_layer_does_not_depend_on_batch_size(bk, L):
    import lasagne
    lasagne.random.set_rng(np.random.RandomState(6))
    layer = L.DenseLayer(L.InputLayer((None, 5)), num_units=4)
    x = bk.T.matrix('x')
    output = L.get_output(layer, x)
    f = bk.function([x], [regularize_activity(output, reg.l1),
                          regularize_activity(output, reg.l2),
                          regularize_activity(output, l1_l2, l1=0.5, l2=0.0)])
    row = np.random.RandomState(7).randn(1, 5).astype(bk.config.floatX)
    hidden = np.maximum(row @ layer.W.get_value() + layer.b.get_value(), 0)
    hidden = hidden.astype(np.float64)
    expected = [np.abs(hidden).sum(), (hidden ** 2).sum(),
                0.5 * np.abs(hidden).sum()]
    assert expected[0] > 0
    for batch_size in (1, 4, 17):
        np.testing.assert_allclose(f(np.repeat(row, batch_size, axis=0)),
                                   expected, rtol=RTOL[bk.config.floatX])


@pytest.mark.lasagne
def test_activity_is_the_mean_of_each_samples_penalty(bk, L, mlp):
    x = bk.T.matrix('x')
    output = L.get_output(mlp, x)
    f = bk.function([x], [output, regularize_activity(output, reg.l2)])
    batch = np.random.RandomState(8).randn(6, 6).astype(bk.config.floatX)
    out, activity = f(batch)
    out = out.astype(np.float64)
    np.testing.assert_allclose(activity, (out ** 2).sum(axis=1).mean(),
                               rtol=RTOL[bk.config.floatX])


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_activity_keeps_dtype_and_averages(bk, dtype):
    x = bk.T.matrix('x', dtype=dtype)
    with bk.change_flags(floatX='float64'):
        cost = regularize_activity(2 * x, reg.l2)
    assert cost.dtype == dtype
    f = bk.function([x], cost)
    row = np.array([[1.0, -2.0, 0.5]], dtype=dtype)
    for batch_size in (1, 3, 8):
        np.testing.assert_allclose(f(np.repeat(row, batch_size, axis=0)),
                                   4 * 5.25, rtol=RTOL[dtype])
    batch = np.arange(6, dtype=dtype).reshape(3, 2)
    np.testing.assert_allclose(f(batch), 4 * (batch.astype(np.float64) ** 2)
                               .sum() / 3, rtol=RTOL[dtype])


def test_activity_numpy_in_numpy_scalar_out():
    batch = np.array([[1.0, -1.0], [3.0, 0.0]], dtype='float32')
    result = regularize_activity(batch, reg.l1)
    assert isinstance(result, np.float32)
    assert result == 2.5
    assert regularize_activity(batch, l1_l2, l1=1.0, l2=0.5) == 2.5 + 0.5 * 5.5


def test_activity_validates_its_arguments(bk):
    with pytest.raises(TypeError, match='penalty: expected a callable'):
        regularize_activity(np.ones((2, 2)), 'l2')
    with pytest.raises(ValueError, match='output: expected a tensor whose '
                                         'first axis is the batch'):
        regularize_activity(np.float32(1.0), reg.l2)
    with pytest.raises(ValueError, match='output: expected a tensor whose'):
        regularize_activity(bk.T.scalar('s'), reg.l2)
    with pytest.raises(TypeError, match='output: expected'):
        regularize_activity([[1.0, 2.0]], reg.l2)


@pytest.mark.nobackend
def test_package_exports_the_new_penalties():
    for name in ('l1_l2', 'group_lasso', 'orthogonality',
                 'regularize_activity'):
        assert name in lasagne_reg.__all__
        assert getattr(lasagne_reg, name).__doc__


# -- exact messages, numpy paths, and which Gram matrix is built -----------

def test_group_lasso_numpy_sums_the_norms_along_the_axis():
    a = np.random.RandomState(7).randn(4, 3)
    for axis, norms in ((1, np.sqrt((a ** 2).sum(axis=1))),
                        (0, np.sqrt((a ** 2).sum(axis=0))),
                        (-1, np.sqrt((a ** 2).sum(axis=1)))):
        np.testing.assert_allclose(group_lasso(a, axis=axis), norms.sum(),
                                   rtol=1e-12)
    cube = np.random.RandomState(8).randn(2, 3, 4)
    np.testing.assert_allclose(group_lasso(cube, axis=2),
                               np.linalg.norm(cube, axis=2).sum(),
                               rtol=1e-12)


def test_activity_of_numpy_divides_by_the_first_axis():
    batch = np.arange(12, dtype='float64').reshape(3, 4)
    np.testing.assert_allclose(regularize_activity(batch, reg.l2),
                               (batch ** 2).sum() / 3, rtol=1e-12)
    # a penalty of the user's that counts (an int) is divided as a number
    nonzero = regularize_activity(batch, lambda x: int(np.count_nonzero(x)))
    assert nonzero == 11 / 3


def test_scalar_errors_in_full(bk):
    for call in (lambda: orthogonality(np.float64(1.0)),
                 lambda: orthogonality(bk.T.scalar('s'))):
        with pytest.raises(ValueError) as info:
            call()
        assert str(info.value) == ('x: expected a tensor with at least one '
                                   'dimension, got a scalar')
    with pytest.raises(ValueError) as info:
        regularize_activity(np.float32(1.0), reg.l2)
    assert str(info.value) == ('output: expected a tensor whose first axis '
                               'is the batch, got a scalar')


def _gram_shapes(bk, cost):
    """Shapes of the matrix products in `cost`'s graph, evaluated."""
    seen, stack, products = set(), [cost], []
    while stack:
        var = stack.pop()
        node = var.owner
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if type(node.op).__name__ == 'Dot':
            products.append(node.outputs[0])
        stack.extend(node.inputs)
    return [v.shape for v in bk.function([], products)()]


@pytest.mark.parametrize('shape, gram', [
    ((50, 3), (3, 3)),          # tall: W^T W
    ((3, 50), (3, 3)),          # wide: W W^T
    ((5, 3, 2), (5, 5)),        # 5 filters of 3 x 2: W W^T
    ((20, 3, 2, 1), (6, 6)),    # 20 filters of 6 weights: W^T W
])
def test_orthogonality_builds_the_smaller_gram_matrix(bk, shape, gram):
    a = np.random.RandomState(9).randn(*shape)
    cost = orthogonality(bk.shared(a))
    assert _gram_shapes(bk, cost) == [gram]
    np.testing.assert_allclose(bk.evaluate(cost), np_orthogonality(a),
                               rtol=1e-10)
