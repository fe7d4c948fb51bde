"""Update transforms: decoupled_weight_decay, l1_proximal, max_norm,
group_lasso_proximal; decay_params; the precision warning.

Training steps run through the backend's ``function(updates=...)`` and are
compared with the same steps computed in numpy.
"""
import collections
import collections.abc
import re
import warnings
from fractions import Fraction

import numpy as np
import pytest

import lasagne_reg
from lasagne_reg import (
    decay_params,
    decoupled_weight_decay,
    group_lasso_proximal,
    l1_proximal,
    max_norm,
)
from lasagne_reg import regularization as reg
from tests._support import DuckLayer, Recorder

RTOL = {'float32': 1e-5, 'float64': 1e-12}
# several steps in float32 (floatX=float32) against numpy in float64
TRAIN_RTOL = {'float32': 1e-4, 'float64': 1e-9}
TRANSFORMS = [(decoupled_weight_decay, 'decay'), (l1_proximal, 'strength')]
# those with a factor (coefficient times learning rate), and every one
FACTORED = TRANSFORMS + [(group_lasso_proximal, 'strength')]
EVERY = FACTORED + [(max_norm, 'max_norm')]


def soft_threshold(u, t):
    return np.sign(u) * np.maximum(np.abs(u) - t, 0.0)


class Problem:
    """Two parameters, fixed 'gradients', SGD updates in an OrderedDict."""

    def __init__(self, bk, dtype='float64', lr=0.5, seed=0):
        rng = np.random.RandomState(seed)
        self.w0 = rng.randn(3, 4).astype(dtype)
        self.b0 = rng.randn(4).astype(dtype)
        self.gw = rng.randn(3, 4).astype(dtype)
        self.gb = rng.randn(4).astype(dtype)
        self.lr = lr
        self.W = bk.shared(self.w0, name='W')
        self.b = bk.shared(self.b0, name='b')
        self.updates = collections.OrderedDict([
            (self.W, self.W - (lr * self.gw).astype(dtype)),
            (self.b, self.b - (lr * self.gb).astype(dtype))])

    def sgd(self, w, g):
        return w - self.lr * g


def run_steps(bk, updates, n):
    step = bk.root.function([], [], updates=updates)
    for _ in range(n):
        step()


# -- values after real steps ------------------------------------------------

@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_decoupled_decay_steps_match_numpy(bk, dtype):
    p = Problem(bk, dtype)
    new = decoupled_weight_decay(p.updates, [p.W], decay=0.1,
                                 learning_rate=0.5)
    assert new[p.W].dtype == dtype
    run_steps(bk, new, 3)
    w, b = p.w0.astype(np.float64), p.b0.astype(np.float64)
    for _ in range(3):
        w = p.sgd(w, p.gw) - 0.1 * 0.5 * w      # decay of the OLD value
        b = p.sgd(b, p.gb)                      # not in params: plain SGD
    np.testing.assert_allclose(p.W.get_value(), w, rtol=RTOL[dtype])
    np.testing.assert_allclose(p.b.get_value(), b, rtol=RTOL[dtype])


def test_decoupled_decay_without_learning_rate_is_decay_alone(bk):
    p = Problem(bk)
    new = decoupled_weight_decay(p.updates, [p.W, p.b], decay=0.2)
    run_steps(bk, new, 1)
    np.testing.assert_allclose(p.W.get_value(),
                               p.sgd(p.w0, p.gw) - 0.2 * p.w0, rtol=1e-12)
    np.testing.assert_allclose(p.b.get_value(),
                               p.sgd(p.b0, p.gb) - 0.2 * p.b0, rtol=1e-12)


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_l1_proximal_steps_match_numpy_and_reach_exact_zeros(bk, dtype):
    p = Problem(bk, dtype)
    new = l1_proximal(p.updates, [p.W], strength=0.3)
    assert new[p.W].dtype == dtype
    run_steps(bk, new, 2)
    w, b = p.w0.astype(np.float64), p.b0.astype(np.float64)
    for _ in range(2):
        w = soft_threshold(p.sgd(w, p.gw), 0.3)
        b = p.sgd(b, p.gb)                      # not in params: plain SGD
    got = p.W.get_value()
    assert np.count_nonzero(w == 0) >= 3          # the case is not vacuous
    np.testing.assert_array_equal(got == 0, w == 0)
    np.testing.assert_allclose(got, w, rtol=RTOL[dtype], atol=1e-6)
    assert not np.any(np.signbit(got[got == 0]))   # +0.0, not -0.0
    np.testing.assert_allclose(p.b.get_value(), b, rtol=RTOL[dtype])


def test_l1_proximal_threshold_is_strength_times_learning_rate(bk):
    p = Problem(bk)
    new = l1_proximal(p.updates, p.W, strength=0.6, learning_rate=0.5)
    run_steps(bk, new, 1)
    np.testing.assert_allclose(p.W.get_value(),
                               soft_threshold(p.sgd(p.w0, p.gw), 0.3),
                               rtol=1e-12)


def test_thresholds_exactly_at_the_boundary(bk):
    w = bk.shared(np.array([0.25, -0.25, 0.5, -1.0, 0.0]), name='w')
    new = l1_proximal(collections.OrderedDict([(w, w * 1)]), [w],
                      strength=0.25)
    np.testing.assert_array_equal(bk.evaluate(new[w]),
                                  [0.0, 0.0, 0.25, -0.75, 0.0])


def test_schedules_as_shared_scalars(bk):
    p = Problem(bk, 'float32')
    decay = bk.shared(np.float64(0.1))            # float64 schedule
    lr = bk.shared(np.float32(0.5))
    strength = bk.shared(np.float64(0.0))
    new = decoupled_weight_decay(p.updates, [p.W], decay, learning_rate=lr)
    new = l1_proximal(new, [p.W], strength)
    assert new[p.W].dtype == 'float32'
    step = bk.root.function([], [], updates=new)
    w = p.w0.astype(np.float64)
    for d, s in [(0.1, 0.0), (0.0, 0.0), (0.2, 0.4)]:
        decay.set_value(d)
        strength.set_value(s)
        step()
        w = soft_threshold(p.sgd(w, p.gw) - d * 0.5 * w, s)
    np.testing.assert_allclose(p.W.get_value(), w, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('transform', [decoupled_weight_decay, l1_proximal,
                                       group_lasso_proximal])
def test_a_schedule_times_a_numeric_learning_rate(bk, transform):
    p = Problem(bk)
    coeff = bk.shared(np.float64(0.2))
    new = transform(p.updates, [p.W], coeff, learning_rate=0.5)
    u = p.sgd(p.w0, p.gw)
    expected = {decoupled_weight_decay: lambda t: u - t * p.w0,
                l1_proximal: lambda t: soft_threshold(u, t),
                group_lasso_proximal: lambda t: np_block_soft_threshold(
                    u, (1,), t)}[transform]
    step = bk.function([], new[p.W])
    for value in (0.2, 1.0):
        coeff.set_value(value)
        np.testing.assert_allclose(step(), expected(0.5 * value), rtol=1e-12,
                                   atol=1e-15)


@pytest.mark.parametrize('decay', [0.01, np.float64(0.01), np.array(0.01), 1])
def test_float32_params_stay_float32_with_floatX_float64(bk, decay):
    p = Problem(bk, 'float32')
    with bk.change_flags(floatX='float64'):
        new = decoupled_weight_decay(p.updates, [p.W, p.b], decay,
                                     learning_rate=np.float64(0.5))
        new = l1_proximal(new, [p.W], 1e-3, learning_rate=0.5)
        assert [v.dtype for v in new.values()] == ['float32', 'float32']
        run_steps(bk, new, 1)                    # the update types must match
    assert p.W.get_value().dtype == np.float32
    d = float(decay)
    w = soft_threshold(p.sgd(p.w0.astype(np.float64), p.gw) - d * 0.5 * p.w0,
                       5e-4)
    np.testing.assert_allclose(p.W.get_value(), w, rtol=1e-5, atol=1e-6)


# -- the mapping: new, ordered, inputs untouched ----------------------------

@pytest.mark.parametrize('transform, argname', EVERY)
def test_returns_a_new_ordered_dict_and_leaves_the_input_alone(
        bk, transform, argname):
    p = Problem(bk)
    extra = bk.shared(np.zeros(2), name='moment')
    updates = collections.OrderedDict(
        [(extra, extra + 1)] + list(p.updates.items()))
    before = list(updates.items())
    params = [p.W]
    new = transform(updates, params, **{argname: 0.1})
    assert type(new) is collections.OrderedDict and new is not updates
    assert list(new) == [extra, p.W, p.b]
    assert new[extra] is updates[extra] and new[p.b] is updates[p.b]
    assert new[p.W] is not updates[p.W]
    assert list(updates.items()) == before     # same keys, same objects
    assert params == [p.W]


@pytest.mark.parametrize('transform, argname', EVERY)
def test_takes_any_mapping(bk, transform, argname):
    p = Problem(bk)

    class Updates(collections.abc.Mapping):
        def __init__(self, items):
            self._items = collections.OrderedDict(items)

        def __getitem__(self, key):
            return self._items[key]

        def __iter__(self):
            return iter(self._items)

        def __len__(self):
            return len(self._items)

    new = transform(Updates(p.updates.items()), [p.W], **{argname: 0.1})
    assert type(new) is collections.OrderedDict
    assert list(new) == [p.W, p.b]
    plain = transform(dict(p.updates), [p.W], **{argname: 0.1})
    assert type(plain) is collections.OrderedDict


@pytest.mark.parametrize('transform, argname', TRANSFORMS)
@pytest.mark.parametrize('zero', [0, 0.0, np.float32(0), np.array(0.0)])
def test_zero_is_an_unchanged_copy(bk, transform, argname, zero):
    p = Problem(bk)
    new = transform(p.updates, [p.W, p.b], **{argname: zero})
    assert new is not p.updates
    assert list(new.items()) == list(p.updates.items())
    new = transform(p.updates, [p.W], learning_rate=zero, **{argname: 0.5})
    assert list(new.items()) == list(p.updates.items())


# -- which parameters -------------------------------------------------------

def duck_net(bk):
    rng = np.random.RandomState(1)
    W1, b1 = bk.shared(rng.randn(3, 2), 'W1'), bk.shared(rng.randn(2), 'b1')
    W2 = bk.shared(rng.randn(2, 2), 'W2')
    l_in = DuckLayer(None, name='in')
    hidden = DuckLayer(l_in, [(W1, {'trainable', 'regularizable'}),
                              (b1, {'trainable'})])
    # the output layer ties W2 twice (as an autoencoder might)
    out = DuckLayer(hidden, [(W2, {'trainable', 'regularizable'})])
    tied = DuckLayer(out, [(W2, {'trainable', 'regularizable'})])
    return tied, [W1, b1, W2]


def test_layers_select_regularizable_params_once(bk):
    net, (W1, b1, W2) = duck_net(bk)
    updates = collections.OrderedDict((p, p * 1) for p in (W1, b1, W2))
    for params in (net, [net], (net,)):
        new = decoupled_weight_decay(updates, params, decay=0.5)
        assert new[b1] is updates[b1]
        values = bk.function([], [new[W1], new[W2]])()
        np.testing.assert_allclose(values[0], 0.5 * W1.get_value())
        # a tied weight is decayed once, not once per layer
        np.testing.assert_allclose(values[1], 0.5 * W2.get_value())
    for params in (net, [net]):
        new = l1_proximal(updates, params, strength=0.1,
                          tags={'trainable': True})
        assert all(new[p] is not updates[p] for p in (W1, b1, W2))
    new = l1_proximal(updates, net, 0.1, tags={'regularizable': False})
    assert [p for p in new if new[p] is not updates[p]] == [b1]


def test_params_as_one_variable_or_with_repeats(bk):
    p = Problem(bk)
    for params in (p.W, [p.W, p.W], (q for q in [p.W])):
        new = decoupled_weight_decay(p.updates, params, decay=0.5)
        np.testing.assert_allclose(bk.evaluate(new[p.W]),
                                   p.sgd(p.w0, p.gw) - 0.5 * p.w0,
                                   rtol=1e-12)
        assert new[p.b] is p.updates[p.b]


def test_empty_params_change_nothing(bk):
    p = Problem(bk)
    new = l1_proximal(p.updates, [], strength=0.5)
    assert list(new.items()) == list(p.updates.items())


# -- errors -----------------------------------------------------------------

@pytest.mark.parametrize('transform, argname', FACTORED)
def test_a_param_missing_from_updates_is_a_clear_error(bk, transform, argname):
    p = Problem(bk)
    lonely = bk.shared(np.ones(2), name='lonely')
    for error in (KeyError, ValueError):
        with pytest.raises(error, match="params: 1 parameter.* not in "
                                        "updates: 'lonely'"):
            transform(p.updates, [p.W, lonely], **{argname: 0.1})
    with pytest.raises(KeyError, match="not in updates: 'lonely'"):
        transform(p.updates, [lonely], **{argname: 0})     # even for zero


def test_a_layer_param_missing_from_updates_is_a_clear_error(bk):
    net, (W1, b1, W2) = duck_net(bk)
    updates = collections.OrderedDict([(W1, W1 * 1)])
    with pytest.raises(KeyError, match="'W2'"):
        decoupled_weight_decay(updates, net, decay=0.1)


@pytest.mark.parametrize('transform, argname', FACTORED)
@pytest.mark.parametrize('value, error, match', [
    (-0.1, ValueError, 'expected a non-negative number'),
    (float('nan'), ValueError, 'expected a finite number'),
    (float('inf'), ValueError, 'expected a finite number'),
    ('0.1', TypeError, 'expected a real number'),
    (None, TypeError, 'expected a real number'),
    (True, TypeError, 'expected a real number'),
])
def test_bad_coefficients_are_named(bk, transform, argname, value, error,
                                    match):
    p = Problem(bk)
    with pytest.raises(error, match='%s: %s' % (argname, match)):
        transform(p.updates, [p.W], **{argname: value})
    if value is not None:                       # None is learning_rate=1
        with pytest.raises(error, match='learning_rate: %s' % match):
            transform(p.updates, [p.W], learning_rate=value,
                      **{argname: 0.1})


def test_a_non_scalar_schedule_is_an_error(bk):
    p = Problem(bk)
    with pytest.raises(ValueError, match='decay: expected a scalar'):
        decoupled_weight_decay(p.updates, [p.W], bk.shared(np.ones(2)))


@pytest.mark.parametrize('transform, argname', EVERY)
def test_bad_updates_params_and_tags_are_named(bk, transform, argname):
    p = Problem(bk)
    kw = {argname: 0.1}
    with pytest.raises(TypeError, match='updates: expected a mapping'):
        transform(list(p.updates.items()), [p.W], **kw)
    with pytest.raises(TypeError, match='params: expected a list of param'):
        transform(p.updates, 3, **kw)
    with pytest.raises(TypeError, match='params: expected a list of param'):
        transform(p.updates, None, **kw)
    with pytest.raises(TypeError, match=r'params\[1\]: expected a parameter'):
        transform(p.updates, [p.W, 'b'], **kw)
    with pytest.raises(TypeError, match='params: .*a mix of both'):
        transform(p.updates, [p.W, DuckLayer(None)], **kw)
    with pytest.raises(TypeError, match='tags: expected a mapping'):
        transform(p.updates, [p.W], tags=['regularizable'], **kw)


@pytest.mark.nobackend
def test_package_exports_the_transforms():
    for name in ('decoupled_weight_decay', 'l1_proximal'):
        assert name in lasagne_reg.__all__
        assert getattr(lasagne_reg, name).__doc__


# -- with Lasagne's optimizers ----------------------------------------------

def linear_regression(L, n_in=6, n_out=2, seed=0):
    """A Lasagne linear layer, data (in floatX), and its squared loss."""
    import lasagne
    import theano
    import theano.tensor as T
    lasagne.random.set_rng(np.random.RandomState(seed))
    net = L.DenseLayer(L.InputLayer((None, n_in)), num_units=n_out,
                       nonlinearity=None)
    rng = np.random.RandomState(seed + 1)
    X = rng.randn(20, n_in)
    true_w = np.zeros((n_in, n_out))
    true_w[:2] = rng.randn(2, n_out) * 2
    y = X @ true_w + 0.1 * rng.randn(20, n_out)
    X, y = X.astype(theano.config.floatX), y.astype(theano.config.floatX)
    x_var, y_var = T.matrix('x'), T.matrix('y')
    loss = T.mean((L.get_output(net, x_var) - y_var) ** 2)
    return net, X, y, x_var, y_var, loss


def np_loss_grads(X, y, W, b):
    X, y, W, b = (np.asarray(a, dtype=np.float64) for a in (X, y, W, b))
    residual = X @ W + b - y
    scale = 2.0 / residual.size
    return scale * X.T @ residual, scale * residual.sum(axis=0)


@pytest.mark.lasagne
def test_adamw_with_lasagne_adam_matches_numpy(bk, L):
    import lasagne
    net, X, y, x_var, y_var, loss = linear_regression(L)
    params = L.get_all_params(net, trainable=True)
    lr, decay, b1, b2, eps = 0.05, 0.1, 0.9, 0.999, 1e-8
    updates = lasagne.updates.adam(loss, params, learning_rate=lr)
    before = list(updates.items())
    new = decoupled_weight_decay(updates, net, decay, learning_rate=lr)
    assert list(updates.items()) == before
    assert list(new) == list(updates)             # Adam's moments included
    train = bk.root.function([x_var, y_var], loss, updates=new)

    W, b = net.W.get_value(), net.b.get_value()
    m = [np.zeros_like(W), np.zeros_like(b)]
    v = [np.zeros_like(W), np.zeros_like(b)]
    for t in range(1, 6):
        train(X, y)
        grads = np_loss_grads(X, y, W, b)
        a_t = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        steps = []
        for i, g in enumerate(grads):
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g ** 2
            steps.append(a_t * m[i] / (np.sqrt(v[i]) + eps))
        W = W - steps[0] - decay * lr * W          # AdamW: W decays, b not
        b = b - steps[1]
    rtol = TRAIN_RTOL[bk.config.floatX]
    np.testing.assert_allclose(net.W.get_value(), W, rtol=rtol)
    np.testing.assert_allclose(net.b.get_value(), b, rtol=rtol)


@pytest.mark.lasagne
def test_proximal_sgd_on_lasagne_reaches_exact_zeros_subgradient_never(bk, L):
    import lasagne

    from lasagne_reg import l1, regularize_network_params
    lr, lam, steps = 0.1, 0.2, 60
    net, X, y, x_var, y_var, loss = linear_regression(L)
    W0, b0 = net.W.get_value(), net.b.get_value()
    params = L.get_all_params(net, trainable=True)

    updates = lasagne.updates.sgd(loss, params, learning_rate=lr)
    prox = l1_proximal(updates, net, strength=lam, learning_rate=lr)
    train = bk.root.function([x_var, y_var], loss, updates=prox)
    for _ in range(steps):
        train(X, y)
    W_prox = net.W.get_value()

    W, b = W0.copy(), b0.copy()                   # ISTA in numpy
    for _ in range(steps):
        gW, gb = np_loss_grads(X, y, W, b)
        W, b = soft_threshold(W - lr * gW, lr * lam), b - lr * gb
    assert np.count_nonzero(W == 0) >= 4            # irrelevant inputs gone
    np.testing.assert_array_equal(W_prox == 0, W == 0)
    rtol = TRAIN_RTOL[bk.config.floatX]
    np.testing.assert_allclose(W_prox, W, rtol=rtol, atol=rtol * 1e-2)
    np.testing.assert_allclose(net.b.get_value(), b, rtol=rtol)

    net.W.set_value(W0)                            # the same, subgradient L1
    net.b.set_value(b0)
    penalized = loss + lam * regularize_network_params(net, l1)
    train = bk.root.function(
        [x_var, y_var], loss,
        updates=lasagne.updates.sgd(penalized, params, learning_rate=lr))
    for _ in range(steps):
        train(X, y)
    assert np.count_nonzero(net.W.get_value() == 0) == 0


# -- what exactly the messages say, and the trivial cases -------------------

def _message(error, call, *args, **kwargs):
    with pytest.raises(error) as info:
        call(*args, **kwargs)
    return str(info.value)


@pytest.mark.parametrize('transform, argname', EVERY)
def test_error_messages_in_full(bk, transform, argname):
    p = Problem(bk)
    kw = {argname: 0.1}
    unnamed = bk.shared(np.ones(2))
    assert _message(KeyError, transform, p.updates,
                    [bk.shared(np.ones(2), name='lonely'), unnamed],
                    **kw) == (
        "params: 2 parameter(s) not in updates: 'lonely', %s. Pass only "
        "parameters that the updates train (for a layer, check its tags), "
        "or add them to the optimizer's params"
        % lasagne_reg._validate.describe(unnamed))
    assert _message(TypeError, transform, [1], [p.W], **kw) == (
        'updates: expected a mapping from parameters to their new values, '
        'such as the OrderedDict that lasagne.updates.sgd returns, got list '
        '[1]')
    assert _message(TypeError, transform, p.updates, 3, **kw) == (
        'params: expected a list of parameters, or a layer or a list of '
        'layers, got int 3')
    assert _message(TypeError, transform, p.updates, [p.W, 'b'], **kw) == (
        "params[1]: expected a parameter (a shared variable) or a layer, "
        "got str 'b'")
    assert _message(TypeError, transform, p.updates, [p.W, DuckLayer(None)],
                    **kw) == ('params: expected a list of parameters or a '
                              'list of layers, got a mix of both')


@pytest.mark.parametrize('transform, argname', FACTORED)
def test_a_zero_factor_with_a_schedule_changes_nothing(bk, transform,
                                                       argname):
    # 0 times anything is 0, even a shared schedule: no new expression
    p = Problem(bk)
    schedule = bk.shared(np.float64(0.1))
    # (the bias is a vector: group_lasso_proximal's axis 1 is not in it)
    params = [p.W] if transform is group_lasso_proximal else [p.W, p.b]
    for kw in ({argname: schedule, 'learning_rate': 0},
               {argname: 0, 'learning_rate': schedule}):
        new = transform(p.updates, params, **kw)
        assert all(new[q] is p.updates[q] for q in p.updates)
    new = transform(p.updates, [p.W], learning_rate=schedule,
                    **{argname: schedule})
    assert new[p.W] is not p.updates[p.W]


@pytest.mark.parametrize('transform, argname', TRANSFORMS)
def test_the_new_value_keeps_the_dtype_of_the_update_it_replaces(
        bk, transform, argname):
    # a float64 parameter whose update an optimizer computed in float32
    w0 = np.array([0.5, -0.05, 2.0])
    W = bk.shared(w0, name='W')
    step = bk.T.cast(W - 0.25, 'float32')
    updates = collections.OrderedDict([(W, step)])
    new = transform(updates, [W], **{argname: 0.1})
    assert new[W].dtype == 'float32'
    got = bk.evaluate(new[W])
    u = (w0 - 0.25).astype(np.float32).astype(np.float64)
    expected = (u - 0.1 * w0 if transform is decoupled_weight_decay
                else soft_threshold(u, 0.1))
    np.testing.assert_allclose(got, expected, rtol=1e-6)


@pytest.mark.parametrize('transform, argname', TRANSFORMS)
def test_an_update_given_as_a_number(bk, transform, argname):
    # an update rule may reset a parameter to a constant
    w0 = np.array([0.5, -2.0])
    W = bk.shared(w0, name='W')
    new = transform(collections.OrderedDict([(W, 0.25)]), [W],
                    **{argname: 0.1})
    expected = (0.25 - 0.1 * w0 if transform is decoupled_weight_decay
                else soft_threshold(np.full(2, 0.25), 0.1))
    np.testing.assert_allclose(bk.evaluate(new[W]), expected, rtol=1e-12)


# == decay_params ===========================================================

def gamma_net(bk):
    """Duck layers: a dense W, a batch-norm-like scale (regularizable) and
    shift, a bias, and a 4-d filter bank: everything a network may hold."""
    rng = np.random.RandomState(4)
    W = bk.shared(rng.randn(3, 4), name='W')
    b = bk.shared(rng.randn(4), name='b')
    gamma = bk.shared(np.ones(4), name='gamma')
    beta = bk.shared(np.zeros(4), name='beta')
    F = bk.shared(rng.randn(2, 4, 1, 1), name='F')
    dense = DuckLayer(DuckLayer(None), [(W, {'trainable', 'regularizable'}),
                                       (b, {'trainable'})], name='dense')
    norm = DuckLayer(dense, [(beta, {'trainable'}),
                             (gamma, {'trainable', 'regularizable'})])
    conv = DuckLayer(norm, [(F, {'trainable', 'regularizable'})])
    return conv, dict(W=W, b=b, gamma=gamma, beta=beta, F=F)


def test_decay_params_leaves_out_every_vector(bk):
    net, p = gamma_net(bk)
    assert decay_params(net) == [p['W'], p['F']]      # not gamma
    assert decay_params([net]) == [p['W'], p['F']]
    assert decay_params(net, tags={'trainable': True}) == [p['W'], p['F']]
    assert decay_params(net, {'regularizable': False}) == []
    # what Lasagne's tags alone select: the scale too
    assert reg.regularize_network_params(net, Recorder()) == 0
    recorder = Recorder()
    reg.regularize_network_params(net, recorder)
    assert recorder.calls == [p['W'], p['gamma'], p['F']]


def test_decay_params_feed_a_penalty_and_the_transforms(bk):
    net, p = gamma_net(bk)
    expected = sum((p[k].get_value() ** 2).sum() for k in ('W', 'F'))
    np.testing.assert_allclose(
        bk.evaluate(reg.apply_penalty(decay_params(net), reg.l2)), expected,
        rtol=1e-12)
    updates = collections.OrderedDict(
        (q, q * 1) for q in (p['W'], p['b'], p['gamma'], p['beta'], p['F']))
    new = decoupled_weight_decay(updates, decay_params(net), decay=0.5)
    assert [q for q in new if new[q] is not updates[q]] == [p['W'], p['F']]
    W, F = bk.function([], [new[p['W']], new[p['F']]])()
    np.testing.assert_allclose(W, 0.5 * p['W'].get_value(), rtol=1e-12)
    np.testing.assert_allclose(F, 0.5 * p['F'].get_value(), rtol=1e-12)


@pytest.mark.parametrize('layer, error, match', [
    (None, TypeError, '^layer: expected a layer or an iterable of layers'),
    (3, TypeError, '^layer: expected a layer or an iterable of layers'),
    ([DuckLayer(None), 'x'], TypeError, r"^layer\[1\]: expected a layer"),
])
def test_decay_params_bad_layers_are_named(layer, error, match):
    with pytest.raises(error, match=match):
        decay_params(layer)


def test_decay_params_of_variables_or_bad_tags_are_errors(bk):
    net, p = gamma_net(bk)
    with pytest.raises(TypeError, match=r'^layer: expected a layer .*got '
                                        r"'W' \(2-d\)"):
        decay_params(p['W'])
    with pytest.raises(TypeError, match=r'^layer\[0\]: expected a layer'):
        decay_params([p['W']])
    with pytest.raises(TypeError, match='^tags: expected a mapping'):
        decay_params(net, tags='regularizable')
    tags = {'trainable': True}
    decay_params(net, tags)
    assert tags == {'trainable': True}


def lasagne_batch_norm(L):
    """The batch-norm layer Lasagne 0.1's users wrote (0.1 has none): beta
    not regularizable, gamma with add_param's default tags, as in Lasagne
    master's BatchNormLayer."""
    import theano.tensor as T

    class BatchNormLayer(L.Layer):
        def __init__(self, incoming, **kwargs):
            super().__init__(incoming, **kwargs)
            shape = (self.input_shape[1],)
            self.beta = self.add_param(np.zeros(shape), shape, 'beta',
                                       regularizable=False)
            self.gamma = self.add_param(np.ones(shape), shape, 'gamma')

        def get_output_for(self, input, **kwargs):
            mean = input.mean(axis=0)
            std = T.sqrt(input.var(axis=0) + 1e-4)
            return (input - mean) / std * self.gamma + self.beta

    return BatchNormLayer


@pytest.mark.lasagne
def test_decay_params_on_lasagne_batch_norm_and_lstm(bk, L):
    import lasagne
    lasagne.random.set_rng(np.random.RandomState(5))
    BatchNormLayer = lasagne_batch_norm(L)
    l_in = L.InputLayer((None, 5))
    hidden = L.DenseLayer(l_in, 4, name='hidden')
    normed = BatchNormLayer(hidden, name='bn')
    out = L.DenseLayer(normed, 3, name='out')
    regularizable = L.get_all_params(out, regularizable=True)
    assert normed.gamma in regularizable            # what Lasagne decays
    assert decay_params(out) == [hidden.W, out.W]
    # the same rule, checked on the values' shapes (numpy), on an LSTM
    seq = L.InputLayer((None, 6, 3))
    lstm = L.LSTMLayer(seq, num_units=4, name='lstm')
    expected = [p for p in L.get_all_params(lstm, regularizable=True)
                if np.ndim(p.get_value()) >= 2]
    names = [p.name for p in decay_params(lstm)]
    assert names == [p.name for p in expected]
    assert len(names) == 8                          # W_in_to_*, W_hid_to_*
    lost = {p.name for p in L.get_all_params(lstm, regularizable=True)} \
        - set(names)
    assert lost == {'lstm.W_cell_to_ingate', 'lstm.W_cell_to_forgetgate',
                    'lstm.W_cell_to_outgate'}       # the peepholes


@pytest.mark.lasagne
def test_adamw_on_decay_params_leaves_batch_norm_scales_alone(bk, L):
    import lasagne
    import theano.tensor as T
    lasagne.random.set_rng(np.random.RandomState(6))
    BatchNormLayer = lasagne_batch_norm(L)
    normed = BatchNormLayer(L.DenseLayer(L.InputLayer((None, 5)), 4))
    net = L.DenseLayer(normed, 2, nonlinearity=None)
    x = T.matrix('x')
    loss = T.mean(L.get_output(net, x) ** 2)
    params = L.get_all_params(net, trainable=True)
    start = [p.get_value() for p in params]
    X = np.random.RandomState(7).randn(16, 5).astype(bk.config.floatX)

    def step(transform):
        for param, value in zip(params, start):
            param.set_value(value)
        updates = transform(lasagne.updates.adam(loss, params, 0.01))
        bk.root.function([x], loss, updates=updates)(X)
        return [p.get_value() for p in params]

    plain = step(lambda u: u)
    decayed = step(lambda u: decoupled_weight_decay(
        u, decay_params(net), decay=0.5, learning_rate=0.01))
    for param, before, a, b in zip(params, start, plain, decayed):
        if np.ndim(before) >= 2:      # W: Adam's step minus 0.005 * W
            np.testing.assert_allclose(b, a - 0.005 * before, rtol=1e-6,
                                       atol=1e-9)
        else:                         # biases, beta, gamma: bit for bit
            assert np.array_equal(a, b), param.name


# == max_norm ===============================================================

def units_with_norms(shape, axes, norms, dtype, seed=0):
    """Random values whose units (the slices over `axes`) have `norms`."""
    a = np.random.RandomState(seed).randn(*shape)
    a /= np.sqrt((a ** 2).sum(axis=axes, keepdims=True))
    keep = [1 if i in axes else n for i, n in enumerate(shape)]
    return (a * np.reshape(norms, keep)).astype(dtype)


def np_norms(a, axes):
    a = np.asarray(a, dtype=np.float64)
    return np.sqrt((a ** 2).sum(axis=axes, keepdims=True))


# (shape, the axes of a unit under Lasagne's convention)
CONVENTION = [((6, 5), (0,)), ((5, 3, 4), (1, 2)), ((4, 2, 3, 3), (1, 2, 3)),
              ((3, 2, 2, 2, 2), (1, 2, 3, 4))]
LIMIT = 2.0


def mixed_norms(n):
    """Unit norms under, at and over LIMIT, and a zero unit."""
    return np.resize([0.5, 3.0, LIMIT, 7.5, 0.0, 1.999], n)


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('shape, axes', CONVENTION)
def test_max_norm_scales_units_over_the_limit_and_keeps_the_others(
        bk, dtype, shape, axes):
    n_units = int(np.prod([n for i, n in enumerate(shape) if i not in axes]))
    w0 = units_with_norms(shape, axes, mixed_norms(n_units), dtype)
    W = bk.shared(w0, name='W')
    step = (np.ones(shape) * 1e-3).astype(dtype)
    updates = collections.OrderedDict([(W, W - step)])
    new = max_norm(updates, [W], LIMIT)
    assert new[W].dtype == dtype
    u, got = bk.function([], [updates[W], new[W]])()
    norms = np_norms(u, axes)
    over = norms > LIMIT * (1 + 1e-6)
    under = norms < LIMIT * (1 - 1e-6)
    assert over.sum() >= 2 and under.sum() >= 1
    over, under = (np.broadcast_to(m, shape) for m in (over, under))
    # under the limit: bit for bit the update
    assert np.array_equal(got[under].view('u1'), u[under].view('u1'))
    # over it: the update's direction, with norm LIMIT
    rtol = RTOL[dtype] * 2
    np.testing.assert_allclose(np_norms(got, axes)[np_norms(u, axes) > LIMIT
                                                   * (1 + 1e-6)],
                               LIMIT, rtol=rtol)
    expected = u.astype(np.float64) * (LIMIT / norms)
    np.testing.assert_allclose(got[over], expected[over], rtol=rtol)


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_max_norm_at_the_limit_exactly_is_unchanged(bk, dtype):
    # a unit of norm exactly 2 (3-4-5 scaled), another just over
    w0 = np.array([[1.2, 1.2], [1.6, 1.6000001]], dtype=dtype)
    W = bk.shared(w0, name='W')
    got = bk.evaluate(max_norm(collections.OrderedDict([(W, W * 1)]), W,
                               LIMIT)[W])
    assert np.array_equal(got[:, 0], w0[:, 0])
    assert np.sqrt((got[:, 1].astype(float) ** 2).sum()) <= LIMIT * (1 + 1e-7)


@pytest.mark.parametrize('norm_axes, unit_axes', [
    (1, (1,)), (-1, (1,)), ((0,), (0,)), ((0, 1), (0, 1)), ([1, 0], (0, 1))])
def test_max_norm_axes_given_apply_to_every_parameter(bk, norm_axes,
                                                      unit_axes):
    rng = np.random.RandomState(8)
    w0, v0 = 2 * rng.randn(4, 3), 2 * rng.randn(3, 5)
    W, V = bk.shared(w0, name='W'), bk.shared(v0, name='V')
    updates = collections.OrderedDict([(W, W * 1), (V, V * 1)])
    new = max_norm(updates, [W, V], 1.5, norm_axes=norm_axes)
    for got, a in zip(bk.function([], [new[W], new[V]])(), (w0, v0)):
        norms = np_norms(a, unit_axes)
        expected = np.where(norms > 1.5, a * 1.5 / norms, a)
        np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_max_norm_of_a_vector_with_norm_axes(bk):
    b = bk.shared(np.array([3.0, 4.0]), name='b')
    new = max_norm(collections.OrderedDict([(b, b * 1)]), [b], 1.0,
                   norm_axes=0)
    np.testing.assert_allclose(bk.evaluate(new[b]), [0.6, 0.8], rtol=1e-12)


def test_max_norm_of_layers_skips_vectors(bk):
    net, p = gamma_net(bk)
    for q in ('W', 'F'):
        p[q].set_value(10 * p[q].get_value())
    updates = collections.OrderedDict((q, q * 1) for q in p.values())
    for layers in (net, [net], (net,)):
        new = max_norm(updates, layers, 1.0, tags={'trainable': True})
        assert [q for q in new if new[q] is not updates[q]] == [p['W'],
                                                                p['F']]
    W, F = bk.function([], [new[p['W']], new[p['F']]])()
    np.testing.assert_allclose(np_norms(W, (0,)), 1.0, rtol=1e-12)
    np.testing.assert_allclose(np_norms(F, (1, 2, 3)), 1.0, rtol=1e-12)


def test_max_norm_keeps_order_dtype_and_the_input(bk):
    p = Problem(bk, 'float32')
    extra = bk.shared(np.zeros(2), name='moment')
    updates = collections.OrderedDict(
        [(extra, extra + 1)] + list(p.updates.items()))
    before = list(updates.items())
    limit = bk.shared(np.float64(0.5))                  # a float64 schedule
    with bk.change_flags(floatX='float64'):
        new = max_norm(updates, [p.W], limit)
    assert type(new) is collections.OrderedDict
    assert list(new) == [extra, p.W, p.b]
    assert list(updates.items()) == before
    assert new[p.W].dtype == 'float32'
    assert new[extra] is updates[extra] and new[p.b] is updates[p.b]
    step = bk.root.function([], [], updates=new)
    for value in (0.5, 0.1):
        limit.set_value(value)
        w = p.W.get_value().astype(np.float64) - 0.5 * p.gw
        step()
        norms = np_norms(w, (0,))
        np.testing.assert_allclose(
            p.W.get_value(), np.where(norms > value, w * value / norms, w),
            rtol=1e-5, atol=1e-6)


def test_per_unit_transforms_of_an_update_given_as_a_number(bk):
    # a reset to a number, or to a 0-d expression, is the whole tensor
    W = bk.shared(np.zeros((4, 2)), name='W')
    for value in (3.0, np.float64(3.0), bk.T.constant(np.array(3.0)) * 1):
        updates = collections.OrderedDict([(W, value)])
        new = max_norm(updates, [W], 2.0)     # columns of norm 6 -> 2
        np.testing.assert_allclose(bk.evaluate(new[W]), np.full((4, 2), 1.0),
                                   rtol=1e-12)
        new = group_lasso_proximal(updates, [W], 1.0, axis=1)
        # rows of norm sqrt(18): 3 * (1 - 1 / sqrt(18)) each
        np.testing.assert_allclose(bk.evaluate(new[W]),
                                   np.full((4, 2), 3 - 3 / np.sqrt(18)),
                                   rtol=1e-12)
        assert new[W].dtype == 'float64'


def test_max_norm_in_python_mode_and_with_a_zero_unit(bk):
    a = np.zeros((3, 2))
    a[:, 1] = [6.0, 0.0, 8.0]
    W = bk.shared(a, name='W')
    new = max_norm(collections.OrderedDict([(W, W * 1)]), W, 5.0)
    for mode in (None, bk.py_mode()):
        got = bk.function([], new[W], mode=mode)()
        np.testing.assert_array_equal(got, [[0.0, 3.0], [0.0, 0.0],
                                            [0.0, 4.0]])


@pytest.mark.parametrize('value, error, match', [
    (0, ValueError, '^max_norm: expected a positive number, got 0$'),
    (-1.0, ValueError, '^max_norm: expected a positive number, got -1.0$'),
    (float('nan'), ValueError, '^max_norm: expected a finite number'),
    ('2', TypeError, '^max_norm: expected a real number'),
    (None, TypeError, '^max_norm: expected a real number'),
])
def test_max_norm_bad_limits_are_named(bk, value, error, match):
    p = Problem(bk)
    with pytest.raises(error, match=match):
        max_norm(p.updates, [p.W], value)


def test_max_norm_shapes_without_units_are_named(bk):
    p = Problem(bk)
    with pytest.raises(ValueError) as info:
        max_norm(p.updates, [p.W, p.b], 1.0)
    assert str(info.value) == (
        "norm_axes: parameter 'b' has 1 dimension(s), and units are defined "
        "for 2 (a dense layer's W: each column, axis 0) to 5 (a "
        "convolution's W: each filter, every axis but the first); give "
        "norm_axes for it, or leave it out of params")
    six = bk.shared(np.ones((1,) * 6), name='six')
    with pytest.raises(ValueError, match="^norm_axes: parameter 'six' has 6 "
                                         "dimension"):
        max_norm(collections.OrderedDict([(six, six * 1)]), [six], 1.0)
    with pytest.raises(ValueError, match=re.escape(
            "norm_axes: 2 is out of range for parameter 'W' with 2 "
            "dimension(s) (expected -2 <= norm_axes < 2)")):
        max_norm(p.updates, [p.W], 1.0, norm_axes=2)
    with pytest.raises(TypeError, match='^norm_axes: expected an int or a '
                                        'tuple of ints, got str'):
        max_norm(p.updates, [p.W], 1.0, norm_axes='0')


def lasagne_net(L, kind):
    """A Lasagne MLP or a small convnet, in the current floatX."""
    import lasagne
    lasagne.random.set_rng(np.random.RandomState(12))
    if kind == 'mlp':
        net = L.DenseLayer(L.InputLayer((None, 6)), 5)
    else:
        net = L.Conv2DLayer(L.InputLayer((None, 2, 6, 6)), 3, 3)
        net = L.Conv2DLayer(net, 4, 2)
    return L.DenseLayer(net, 4)


@pytest.mark.lasagne
@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('kind', ['mlp', 'convnet'])
def test_max_norm_agrees_with_lasagnes_norm_constraint_over_the_limit(
        bk, L, dtype, kind):
    import lasagne
    import theano.tensor as T
    with bk.change_flags(floatX=dtype):
        net = lasagne_net(L, kind)
        params = L.get_all_params(net, trainable=True)
        for p in params:
            p.set_value(3 * p.get_value())
        bottom = L.get_all_layers(net)[0].shape
        x = T.TensorType(dtype, (False,) * len(bottom))('x')
        X = np.random.RandomState(9).randn(
            *[n or 8 for n in bottom]).astype(dtype)
        loss = T.mean(L.get_output(net, x) ** 2)
        updates = lasagne.updates.sgd(loss, params, learning_rate=0.1)
        weights = L.get_all_params(net, regularizable=True)
        new = max_norm(updates, net, 1.0)
        theirs = [lasagne.updates.norm_constraint(updates[w], 1.0)
                  for w in weights]
        out = bk.function([x], [updates[w] for w in weights]
                          + [new[w] for w in weights] + theirs)(X)
    n = len(weights)
    assert n == (2 if kind == 'mlp' else 3)
    for w, u, got, lasagnes in zip(weights, out[:n], out[n:2 * n],
                                   out[2 * n:]):
        assert u.dtype == got.dtype == lasagnes.dtype == dtype
        axes = (0,) if u.ndim == 2 else tuple(range(1, u.ndim))
        norms = np.broadcast_to(np_norms(u, axes), u.shape)
        over, under = norms > 1 + 1e-5, norms < 1 - 1e-5
        assert over.any(), w.name
        np.testing.assert_allclose(got[over], lasagnes[over],
                                   rtol={'float32': 2e-6, 'float64': 2e-7}[dtype])
        np.testing.assert_allclose(np_norms(got, axes)[np_norms(u, axes) > 1],
                                   1.0, rtol={'float32': 1e-6,
                                              'float64': 1e-12}[dtype])
        assert np.array_equal(got[under], u[under])
        # Lasagne's shrinks the units under the limit too, by 1e-7 / norm
        if under.any():
            assert not np.array_equal(lasagnes[under], u[under])


def dtype_(dtype, value):
    return np.dtype(dtype).type(value)


# == group_lasso_proximal ===================================================

def np_block_soft_threshold(u, axes, t):
    u = np.asarray(u, dtype=np.float64)
    norms = np_norms(u, axes)
    scale = np.where(norms > t, 1 - t / np.where(norms > 0, norms, 1), 0.0)
    return u * scale


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('shape, axis, axes', [
    ((6, 5), 1, (1,)), ((6, 5), 0, (0,)), ((6, 5), -1, (1,)),
    ((4, 2, 3, 3), (1, 2, 3), (1, 2, 3)), ((4, 3, 2), (0, 2), (0, 2))])
def test_group_lasso_proximal_is_block_soft_thresholding(bk, dtype, shape,
                                                         axis, axes):
    n_groups = int(np.prod([n for i, n in enumerate(shape) if i not in axes]))
    norms = np.resize([0.05, 1.0, 0.3, 0.0, 0.2999, 2.5], n_groups)
    w0 = units_with_norms(shape, axes, norms, dtype, seed=3)
    W = bk.shared(w0, name='W')
    updates = collections.OrderedDict([(W, W * 1)])
    new = group_lasso_proximal(updates, [W], strength=0.6,
                               learning_rate=0.5, axis=axis)   # t = 0.3
    assert new[W].dtype == dtype
    got = bk.evaluate(new[W])
    expected = np_block_soft_threshold(w0, axes, 0.3)
    dropped = np.broadcast_to(np_norms(w0, axes) <= 0.3 * (1 + 1e-6), shape)
    assert dropped.sum() > 0 and (~dropped).sum() > 0
    assert np.all(got[dropped] == 0) and not np.signbit(got[dropped]).any()
    np.testing.assert_allclose(got, expected, rtol=RTOL[dtype] * 4,
                               atol=1e-7)
    kept_norms = np_norms(got, axes)[np_norms(w0, axes) > 0.3 * (1 + 1e-6)]
    np.testing.assert_allclose(
        kept_norms, np_norms(w0, axes)[np_norms(w0, axes) > 0.3 * (1 + 1e-6)]
        - 0.3, rtol=RTOL[dtype] * 4)


def test_group_lasso_proximal_threshold_exactly_at_a_group_norm(bk):
    W = bk.shared(np.array([[0.3, 0.4], [0.6, 0.8], [0.0, 0.0]]), name='W')
    new = group_lasso_proximal(collections.OrderedDict([(W, W * 1)]), W,
                               strength=0.5)
    np.testing.assert_allclose(bk.evaluate(new[W]),
                               [[0.0, 0.0], [0.3, 0.4], [0.0, 0.0]],
                               rtol=1e-12)


def test_group_lasso_proximal_zero_groups_give_no_nan(bk):
    # a threshold of 0 from a schedule: 0 / 0 would be NaN
    a = np.zeros((3, 2))
    a[1] = [3.0, -4.0]
    W = bk.shared(a, name='W')
    strength = bk.shared(np.float64(0.0))
    new = group_lasso_proximal(collections.OrderedDict([(W, W * 1)]), W,
                               strength)
    grad = bk.grad(new[W].sum(), W)          # through the transform
    for mode in (None, bk.py_mode()):
        for value, row in ((0.0, [3.0, -4.0]), (1.0, [2.4, -3.2])):
            strength.set_value(value)
            got, g = bk.function([], [new[W], grad], mode=mode)()
            np.testing.assert_allclose(got, [[0, 0], row, [0, 0]],
                                       rtol=1e-12)
            assert np.all(np.isfinite(g))
            np.testing.assert_array_equal(g[[0, 2]], 0.0)


def test_group_lasso_proximal_propagates_nan(bk):
    a = np.ones((3, 2))
    a[1, 0] = np.nan
    W = bk.shared(a, name='W')
    got = bk.evaluate(group_lasso_proximal(
        collections.OrderedDict([(W, W * 1)]), W, 0.1)[W])
    assert np.isnan(got[1]).all() and np.isfinite(got[[0, 2]]).all()


def test_group_lasso_proximal_of_layers_skips_vectors(bk):
    net, p = gamma_net(bk)
    updates = collections.OrderedDict((q, q * 1) for q in p.values())
    for tags, layers in (({'trainable': True}, net),
                         ({'trainable': True}, [net]),
                         ({'regularizable': True}, net)):
        new = group_lasso_proximal(updates, layers, 0.1, tags=tags)
        assert [q for q in new if new[q] is not updates[q]] == [p['W'],
                                                                p['F']]


def test_group_lasso_proximal_keeps_order_dtype_and_the_input(bk):
    p = Problem(bk, 'float32')
    before = list(p.updates.items())
    with bk.change_flags(floatX='float64'):
        new = group_lasso_proximal(p.updates, [p.W], np.float64(0.5),
                                   learning_rate=0.5)
    assert list(p.updates.items()) == before and list(new) == [p.W, p.b]
    assert new[p.W].dtype == 'float32' and new[p.b] is p.updates[p.b]
    u = p.sgd(p.w0.astype(np.float64), p.gw)
    np.testing.assert_allclose(bk.evaluate(new[p.W]),
                               np_block_soft_threshold(u, (1,), 0.25),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('zero', [0, 0.0, np.array(0.0)])
def test_group_lasso_proximal_zero_is_an_unchanged_copy(bk, zero):
    p = Problem(bk)
    for kw in ({'strength': zero}, {'strength': 0.5, 'learning_rate': zero}):
        new = group_lasso_proximal(p.updates, [p.W], **kw)
        assert new is not p.updates
        assert list(new.items()) == list(p.updates.items())


def test_group_lasso_proximal_bad_input_is_named(bk):
    p = Problem(bk)
    with pytest.raises(ValueError, match='^strength: expected a non-negative'):
        group_lasso_proximal(p.updates, [p.W], -1.0)
    with pytest.raises(ValueError, match='^learning_rate: expected a finite'):
        group_lasso_proximal(p.updates, [p.W], 1.0, float('inf'))
    with pytest.raises(ValueError, match=re.escape(
            "axis: 1 is out of range for parameter 'b' with 1 dimension(s) "
            "(expected -1 <= axis < 1)")):
        group_lasso_proximal(p.updates, [p.W, p.b], 1.0)
    with pytest.raises(ValueError, match=r"^axis: \(1, -1\) names axis 1 "
                                         "more than once$"):
        group_lasso_proximal(p.updates, [p.W], 1.0, axis=(1, -1))
    with pytest.raises(TypeError, match='^updates: expected a mapping'):
        group_lasso_proximal([], [p.W], 1.0)
    with pytest.raises(KeyError, match="not in updates: 'lonely'"):
        group_lasso_proximal(p.updates, bk.shared(np.ones((2, 2)),
                                                  name='lonely'), 1.0)


def mlp_data(dtype, n=128, seed=10):
    """8 inputs; the targets depend on the first 3 only, the rest is noise."""
    rng = np.random.RandomState(seed)
    X = rng.randn(n, 8)
    true = np.array([[1.5, -1.0], [-1.0, 1.5], [1.0, 1.0]])
    y = np.tanh(X[:, :3] @ true) + 0.05 * rng.randn(n, 2)
    return X.astype(dtype), y.astype(dtype)


def np_mlp_grads(X, y, W1, b1, W2, b2):
    """Gradients of mean((tanh(X W1 + b1) W2 + b2 - y) ** 2), in float64."""
    X, y, W1, b1, W2, b2 = (np.asarray(a, dtype=np.float64)
                            for a in (X, y, W1, b1, W2, b2))
    h = np.tanh(X @ W1 + b1)
    d_out = 2.0 * (h @ W2 + b2 - y) / y.size
    d_h = (d_out @ W2.T) * (1 - h ** 2)
    return X.T @ d_h, d_h.sum(axis=0), h.T @ d_out, d_out.sum(axis=0)


@pytest.mark.lasagne
@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_group_lasso_proximal_training_drops_exactly_the_irrelevant_inputs(
        bk, L, dtype):
    import lasagne
    import theano.tensor as T

    from lasagne_reg import group_lasso, regularize_network_params
    lr, lam, steps = 0.2, 0.05, 150            # all zero by step 95
    with bk.change_flags(floatX=dtype):
        lasagne.random.set_rng(np.random.RandomState(11))
        l_in = L.InputLayer((None, 8))
        hidden = L.DenseLayer(l_in, 6, name='hidden',
                              nonlinearity=lasagne.nonlinearities.tanh)
        net = L.DenseLayer(hidden, 2, nonlinearity=None, name='out')
        params = L.get_all_params(net, trainable=True)
        assert {p.dtype for p in params} == {dtype}
        start = [p.get_value() for p in params]
        X, y = mlp_data(dtype)
        x_var, y_var = T.matrix('x'), T.matrix('y')
        loss = T.mean((L.get_output(net, x_var) - y_var) ** 2)
        updates = lasagne.updates.sgd(loss, params, learning_rate=lr)
        prox = group_lasso_proximal(updates, hidden, lam, learning_rate=lr,
                                    axis=1)             # hidden.W's rows
        assert [p for p in prox if prox[p] is not updates[p]] == [hidden.W]
        assert prox[hidden.W].dtype == dtype
        train = bk.root.function([x_var, y_var], loss, updates=prox)
    for _ in range(steps):
        train(X, y)

    W1, b1, W2, b2 = (a.astype(np.float64) for a in start)
    for _ in range(steps):                              # the same in numpy
        g = np_mlp_grads(X, y, W1, b1, W2, b2)
        W1 = np_block_soft_threshold(W1 - lr * g[0], (1,), lr * lam)
        b1, W2, b2 = b1 - lr * g[1], W2 - lr * g[2], b2 - lr * g[3]
    got = hidden.W.get_value()
    dropped = np.all(got == 0, axis=1)
    np.testing.assert_array_equal(dropped, np.all(W1 == 0, axis=1))
    assert list(np.flatnonzero(dropped)) == [3, 4, 5, 6, 7]
    rtol = TRAIN_RTOL[dtype] * 10
    np.testing.assert_allclose(got, W1, rtol=rtol, atol=rtol * 1e-2)
    np.testing.assert_allclose(net.W.get_value(), W2, rtol=rtol,
                               atol=rtol * 1e-2)

    # the same penalty in the loss: small rows, none exactly 0
    for p, value in zip(params, start):
        p.set_value(value)
    with bk.change_flags(floatX=dtype):
        penalized = loss + lam * regularize_network_params(
            hidden, group_lasso, axis=1)
        train = bk.root.function([x_var, y_var], loss,
                                 updates=lasagne.updates.sgd(
                                     penalized, params, learning_rate=lr))
    for _ in range(steps):
        train(X, y)
    assert not np.any(hidden.W.get_value() == 0)


# == the precision warning ==================================================

UINT = {'float16': np.uint16, 'float32': np.uint32, 'float64': np.uint64}


def critical_weights(dtype, count=2 ** 12):
    """Weights in [1, 2) where rounding decides: the smallest and largest
    mantissas (and every float16 one), and their negatives."""
    kind = np.dtype(dtype).type
    bits = np.array(1.0, dtype).view(UINT[dtype])
    steps = np.arange(min(count, 2 ** np.finfo(dtype).nmant),
                      dtype=UINT[dtype])
    top = np.array(2.0, dtype).view(UINT[dtype]) - 1
    w = np.concatenate([(bits + steps).view(kind), (top - steps).view(kind)])
    return np.concatenate([w, -w])


def np_changes(f, w, fused):
    """Where w - f * w != w, with the multiply and the subtraction rounded
    separately (numpy's arithmetic) or once (a fused multiply-add: exact in
    integers, w = M * 2**-p and f = F * 2**e)."""
    kind = w.dtype.type
    f = kind(f)
    if not fused:
        return (w - f * w) != w
    p = np.finfo(kind).nmant
    m, e = np.frexp(float(f))
    F, e = int(m * 2 ** (p + 1)), int(e) - (p + 1)
    out = []
    for x in np.abs(w):
        M = int(np.frexp(float(x))[0] * 2 ** (p + 1))   # x in [1, 2)
        # w - f w rounds to w iff f w is under half the gap below w: the gap
        # is 2**-p (2**-p-1 at a power of two); a tie keeps an even M
        half = 2 ** (-p - 1) if M != 2 ** p else 2 ** (-p - 2)
        product = Fraction(F * M) * Fraction(2) ** (e - p)   # exact
        out.append(product > half or (product == half and M % 2 == 1))
    return np.array(out)


def below(x, n=1):
    for _ in range(n):
        x = np.nextafter(x, type(x)(0))
    return x


@pytest.mark.parametrize('dtype', ['float16', 'float32', 'float64'])
def test_the_smallest_decay_that_changes_every_weight_by_brute_force(dtype):
    kind = np.dtype(dtype).type
    w = critical_weights(dtype)
    eps = np.finfo(dtype).eps
    half, quarter = kind(eps / 2), kind(eps / 4)
    # separate roundings: every weight changes from two floats below eps/2
    # on; fused: from one below. Both: from one below.
    assert np_changes(below(half, 2), w, fused=False).all()
    assert not np_changes(below(half, 3), w, fused=False).all()
    assert np_changes(below(half, 1), w, fused=True).all()
    assert not np_changes(below(half, 2), w, fused=True).all()
    # at a quarter of eps or under, no weight changes; just over it, some
    for fused in (False, True):
        assert not np_changes(quarter, w, fused).any()
        over = np.nextafter(quarter, kind(1))
        assert np_changes(over, w, fused).any()
        assert not np_changes(over, w, fused).all()
    # the whole binade, where numpy allows it: float16 and float32
    if dtype != 'float64':
        one = np.array(1.0, dtype).view(UINT[dtype])
        every = (one + np.arange(2 ** np.finfo(dtype).nmant,
                                 dtype=UINT[dtype])).view(kind)
        assert np_changes(below(half, 2), every, fused=False).all()
        assert not np_changes(below(half, 3), every, fused=False).all()
        assert not np_changes(quarter, every, fused=False).any()
    # the warning's threshold is that float, and it says so
    smallest = below(half, 1)
    assert lasagne_reg.updates._smallest_decay(dtype) == smallest


def rounding_problem(bk, dtype, values):
    W = bk.shared(values.astype(dtype), name='W')
    return W, collections.OrderedDict([(W, W * 1)])


def warnings_of(call, *args, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        result = call(*args, **kwargs)
    return result, [w for w in caught
                    if issubclass(w.category, lasagne_reg.PrecisionWarning)]


@pytest.mark.parametrize('dtype', ['float16', 'float32', 'float64'])
def test_the_precision_warning_on_and_off_at_the_boundary(bk, dtype):
    kind = np.dtype(dtype).type
    eps = np.finfo(dtype).eps
    smallest = below(kind(eps / 2))
    W, updates = rounding_problem(bk, dtype, np.ones((2, 2)))
    # a product just under the threshold that the dtype rounds up to it
    # changes every weight: the check is in the dtype, not in float64
    rounds_up = float(smallest) * (1 - float(eps) / 8)
    assert kind(rounds_up) == smallest
    for decay, lr, warns in ((float(smallest), None, False),
                             (rounds_up, None, False),
                             (float(below(smallest)), None, True),
                             (eps / 2, None, False), (0.49 * eps, None, True),
                             (eps, 1.0, False), (eps / 4, None, True),
                             (1e-3, 1e-3 * eps, True),
                             (0.51 * eps / 1e-4, 1e-4, False)):
        _, found = warnings_of(decoupled_weight_decay, updates, [W], decay,
                               learning_rate=lr)
        assert len(found) == (1 if warns else 0), (decay, lr)
        if warns:
            text = str(found[0].message)
            factor = float(decay) * (1.0 if lr is None else float(lr))
            assert text.startswith('decay * learning_rate = %.6g '
                                   % factor)
            assert 'the smallest product that takes effect on every %s ' \
                'weight is %s' % (dtype, smallest) in text
            which = 'every' if kind(factor) <= eps / 4 else 'some'
            assert 'leaves %s %s weight' % (which, dtype) in text


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_the_precision_warning_matches_what_the_compiled_graph_does(bk,
                                                                    dtype):
    kind = np.dtype(dtype).type
    eps = np.finfo(dtype).eps
    w = critical_weights(dtype, count=256)
    W, updates = rounding_problem(bk, dtype, w)
    for factor, changed in ((float(below(kind(eps / 2))), 'all'),
                            (eps / 4, 'none'), (0.375 * eps, 'some')):
        new, found = warnings_of(decoupled_weight_decay, updates, [W],
                                 factor)
        assert bool(found) == (changed != 'all')
        differs = bk.evaluate(new[W]) != w
        assert {'all': differs.all(), 'none': not differs.any(),
                'some': differs.any() and not differs.all()}[changed]


def test_the_precision_warning_is_once_per_call_for_every_dtype(bk):
    W, V = (bk.shared(np.ones((2, 2), dtype=d), name=n)
            for d, n in (('float32', 'W'), ('float64', 'V')))
    W2 = bk.shared(np.ones((3, 2), dtype='float32'), name='W2')
    updates = collections.OrderedDict((p, p * 1) for p in (W, V, W2))
    _, found = warnings_of(lambda: decoupled_weight_decay(
        updates, [W, W2], 1e-9))
    assert len(found) == 1 and 'float64 weight' not in str(found[0].message)
    _, found = warnings_of(lambda: decoupled_weight_decay(
        updates, [W, V, W2], 8e-17, learning_rate=1.0))
    assert len(found) == 1
    assert str(found[0].message) == (
        "decay * learning_rate = 8e-17 leaves every float32 weight unchanged "
        "(w - f * w rounds back to w); the smallest product that takes "
        "effect on every float32 weight is 5.960464e-08, half float32's "
        "machine epsilon less one unit in the last place; and leaves some "
        "float64 weights unchanged (w - f * w rounds back to w); the "
        "smallest product that takes effect on every float64 weight is "
        "1.1102230246251564e-16, half float64's machine epsilon less one "
        "unit in the last place. Use a larger decay or learning rate, or "
        "float64 parameters (docs/errors.rst: 'A decay that rounds away')")
    assert issubclass(lasagne_reg.PrecisionWarning, UserWarning)


@pytest.mark.parametrize('kind', [np.float16, np.float32])
def test_numeric_factors_multiply_in_float64(bk, kind):
    # numpy 2 multiplies two float16 scalars in float16: 1e-3 * 1e-5
    # would underflow to 0 and switch the decay off without a word
    decay, lr = kind(1e-3), kind(1e-5)
    w0 = np.array([[1.0, -2.0]])
    W = bk.shared(w0, name='W')
    updates = collections.OrderedDict([(W, W * 1)])
    expected = w0 - float(decay) * float(lr) * w0
    for transform in (decoupled_weight_decay, l1_proximal):
        new = transform(updates, [W], decay, learning_rate=lr)
        assert new[W] is not updates[W]
    got = bk.evaluate(decoupled_weight_decay(updates, [W], decay, lr)[W])
    np.testing.assert_allclose(got, expected, rtol=1e-15)
    assert np.all(got != w0)


def test_no_precision_warning_for_schedules_zero_or_other_transforms(bk):
    W, updates = rounding_problem(bk, 'float32', np.ones((2, 2)))
    lr = bk.shared(np.float32(1e-12))
    for call in (lambda: decoupled_weight_decay(updates, [W], 1e-4, lr),
                 lambda: decoupled_weight_decay(updates, [W], lr),
                 lambda: decoupled_weight_decay(updates, [W], 0.0),
                 lambda: decoupled_weight_decay(updates, [W], 1e-4, 0.0),
                 lambda: l1_proximal(updates, [W], 1e-12),
                 lambda: group_lasso_proximal(updates, [W], 1e-12)):
        _, found = warnings_of(call)
        assert found == []
    integer = bk.shared(np.ones((2, 2), dtype='int32'), name='counts')
    _, found = warnings_of(lambda: decoupled_weight_decay(
        collections.OrderedDict([(integer, integer * 1)]), [integer], 1e-12))
    assert found == []


def test_package_exports_the_network_aware_functions():
    for name in ('decay_params', 'max_norm', 'group_lasso_proximal',
                 'PrecisionWarning'):
        assert name in lasagne_reg.__all__
        assert getattr(lasagne_reg, name).__doc__
