"""Update transforms: decoupled_weight_decay and l1_proximal.

Training steps run through the backend's ``function(updates=...)`` and are
compared with the same steps computed in numpy.
"""
import collections
import collections.abc

import numpy as np
import pytest

import lasagne_reg
from lasagne_reg import decoupled_weight_decay, l1_proximal
from tests._support import DuckLayer

RTOL = {'float32': 1e-5, 'float64': 1e-12}
# several steps in float32 (floatX=float32) against numpy in float64
TRAIN_RTOL = {'float32': 1e-4, 'float64': 1e-9}
TRANSFORMS = [(decoupled_weight_decay, 'decay'), (l1_proximal, 'strength')]


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

@pytest.mark.parametrize('transform, argname', TRANSFORMS)
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


@pytest.mark.parametrize('transform, argname', TRANSFORMS)
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
    new = l1_proximal(updates, net, strength=0.1, tags={'trainable': True})
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

@pytest.mark.parametrize('transform, argname', TRANSFORMS)
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


@pytest.mark.parametrize('transform, argname', TRANSFORMS)
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


@pytest.mark.parametrize('transform, argname', TRANSFORMS)
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


@pytest.mark.parametrize('transform, argname', TRANSFORMS)
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


@pytest.mark.parametrize('transform, argname', TRANSFORMS)
def test_a_zero_factor_with_a_schedule_changes_nothing(bk, transform,
                                                       argname):
    # 0 times anything is 0, even a shared schedule: no new expression
    p = Problem(bk)
    schedule = bk.shared(np.float64(0.1))
    for kw in ({argname: schedule, 'learning_rate': 0},
               {argname: 0, 'learning_rate': schedule}):
        new = transform(p.updates, [p.W, p.b], **kw)
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
