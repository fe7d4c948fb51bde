"""The drop-in surface: Lasagne's six functions, values, graphs and fixes.

Every expected value is computed with numpy from the parameters' current
values; Lasagne 0.1's own module is used only to show parity (same graph,
same value) where it works, and its failures where it does not. l1 and l2
themselves are not Lasagne's graphs (one one-pass node each, issue 11):
their values are compared, with numpy and with Lasagne's; the helpers build
Lasagne's graphs around them, node for node.
"""
import collections
import copy
import inspect
import pickle
import re

import numpy as np
import pytest

import lasagne_reg
from lasagne_reg import regularization as reg
from tests._support import DuckLayer, Recorder, lasagne_mlp, np_l1, np_l2, values

pytestmark = [pytest.mark.core]

RTOL = {'float16': 2e-2, 'float32': 1e-5, 'float64': 1e-10}


def lasagne_reg_module():
    import lasagne.regularization
    return lasagne.regularization


def equal_graphs(a, b):
    """Theano's own graph comparison, as Lasagne's test suite uses it
    (Theano-PyMC moved it to ``theano.graph.basic``)."""
    from lasagne_reg import _variant
    if _variant.installed() is _variant.THEANO_PYMC:
        from theano.graph.basic import equal_computations
    else:
        from theano.scan_module.scan_utils import equal_computations
    return equal_computations([a], [b])


# -- the surface ------------------------------------------------------------

@pytest.mark.nobackend
def test_star_import_gives_exactly_lasagnes_names():
    namespace = {}
    exec('from lasagne_reg.regularization import *', namespace)
    names = {n for n in namespace if not n.startswith('__')}
    assert names == {'l1', 'l2', 'apply_penalty', 'regularize_layer_params',
                     'regularize_layer_params_weighted',
                     'regularize_network_params'}
    from lasagne_reg import regularization
    assert regularization is reg


@pytest.mark.lasagne
@pytest.mark.parametrize('name', ['l1', 'l2', 'apply_penalty',
                                  'regularize_layer_params',
                                  'regularize_layer_params_weighted',
                                  'regularize_network_params'])
def test_signatures_match_lasagne(name):
    ours = inspect.signature(getattr(reg, name))
    theirs = inspect.signature(getattr(lasagne_reg_module(), name))
    assert list(ours.parameters) == list(theirs.parameters)
    for p in theirs.parameters.values():
        q = ours.parameters[p.name]
        assert q.kind == p.kind
        assert q.default == p.default


@pytest.mark.nobackend
def test_default_tags_cannot_be_changed_by_a_caller():
    default = inspect.signature(reg.regularize_network_params) \
        .parameters['tags'].default
    assert default == {'regularizable': True}
    assert isinstance(default, dict)
    with pytest.raises(TypeError, match='read-only'):
        default['regularizable'] = False
    with pytest.raises(TypeError, match='read-only'):
        default.update(trainable=True)
    assert default == {'regularizable': True}


# -- penalties --------------------------------------------------------------

@pytest.mark.parametrize('dtype', ['float16', 'float32', 'float64'])
@pytest.mark.parametrize('penalty, ref', [(reg.l1, np_l1), (reg.l2, np_l2)])
def test_penalty_values_and_dtype(bk, dtype, penalty, ref):
    rng = np.random.RandomState(4)
    value = rng.randn(3, 4, 2).astype(dtype)
    x = bk.shared(value)
    result = penalty(x)
    assert result.ndim == 0
    assert result.dtype == dtype
    np.testing.assert_allclose(bk.evaluate(result), ref([value]),
                               rtol=RTOL[dtype])


@pytest.mark.parametrize('penalty, ref', [(reg.l1, np_l1), (reg.l2, np_l2)])
def test_penalties_take_numpy_and_return_numpy_scalars(penalty, ref):
    value = np.random.RandomState(5).randn(7, 3).astype('float32')
    result = penalty(value)
    assert isinstance(result, np.float32)
    np.testing.assert_allclose(result, ref([value]), rtol=1e-5)


def test_l2_is_sum_of_squares_without_half(bk):
    x = bk.shared(np.array([3.0, 4.0]))
    assert bk.evaluate(reg.l2(x)) == 25.0
    assert bk.evaluate(reg.l1(x)) == 7.0


def test_penalty_gradients(bk):
    value = np.array([[1.5, -2.0], [0.5, -0.25]])
    x = bk.shared(value)
    g1, g2 = bk.evaluate(bk.grad(reg.l1(x), x)), \
        bk.evaluate(bk.grad(reg.l2(x), x))
    np.testing.assert_allclose(g1, np.sign(value))
    np.testing.assert_allclose(g2, 2 * value)


@pytest.mark.lasagne
@pytest.mark.parametrize('dtype', ['float16', 'float32', 'float64'])
@pytest.mark.parametrize('name', ['l1', 'l2'])
def test_penalty_values_are_lasagnes_but_not_its_graph(bk, name, dtype):
    # issue 11: l1 and l2 are one one-pass node each (accumulated in
    # float64), not Lasagne's sum(abs(x)) / sum(x ** 2); values agree within
    # Lasagne's own rounding, and numpy in float64 is the reference for both
    value = (np.random.RandomState(8).randn(30, 20) * 2).astype(dtype)
    x = bk.shared(value)
    ours = getattr(reg, name)(x)
    theirs = getattr(lasagne_reg_module(), name)(x)
    assert not equal_graphs(ours, theirs)
    assert ours.dtype == theirs.dtype == dtype
    ref = {'l1': np_l1, 'l2': np_l2}[name]([value])
    np.testing.assert_allclose(bk.evaluate(ours), ref, rtol=RTOL[dtype])
    np.testing.assert_allclose(bk.evaluate(theirs), ref, rtol=RTOL[dtype])


# -- apply_penalty ----------------------------------------------------------

def _tensors(bk, n, dtype='float32', seed=6):
    rng = np.random.RandomState(seed)
    return [bk.shared(rng.randn(i + 1, 2).astype(dtype), name='t%d' % i)
            for i in range(n)]


@pytest.mark.parametrize('container', [
    list, tuple, lambda ts: (t for t in ts), lambda ts: iter(ts),
    lambda ts: collections.OrderedDict(enumerate(ts)).values()])
def test_apply_penalty_takes_any_iterable(bk, container):
    ts = _tensors(bk, 3)
    result = reg.apply_penalty(container(ts), reg.l2)
    np.testing.assert_allclose(bk.evaluate(result), np_l2(values(ts)),
                               rtol=1e-5)
    assert result.dtype == 'float32'


def test_apply_penalty_on_one_tensor(bk):
    t = _tensors(bk, 1)[0]
    result = reg.apply_penalty(t, reg.l1)
    np.testing.assert_allclose(bk.evaluate(result), np_l1([t.get_value()]),
                               rtol=1e-5)


def test_apply_penalty_on_numpy(bk):
    arrays = [np.arange(3, dtype='float32'), np.ones((2, 2), 'float32')]
    assert reg.apply_penalty(arrays, reg.l2) == np_l2(arrays)
    assert reg.apply_penalty(arrays[0], reg.l2) == 5.0


@pytest.mark.nobackend
@pytest.mark.parametrize('empty', [[], (), iter([])])
def test_apply_penalty_on_nothing_is_zero(empty):
    result = reg.apply_penalty(empty, reg.l2)
    assert result == 0 and type(result) is int


def test_apply_penalty_passes_kwargs(bk):
    ts = _tensors(bk, 2)
    seen = []

    def scaled(x, scale, power=1):
        seen.append((scale, power))
        return scale * reg.l1(x) ** power

    result = reg.apply_penalty(ts, scaled, scale=3, power=2)
    expected = sum(3 * np.abs(v).sum() ** 2 for v in values(ts))
    np.testing.assert_allclose(bk.evaluate(result), expected, rtol=1e-5)
    assert seen == [(3, 2), (3, 2)]


@pytest.mark.parametrize('error', [TypeError, ValueError, KeyError])
def test_errors_inside_the_penalty_reach_the_caller_unchanged(bk, error):
    ts = _tensors(bk, 3)
    calls = []
    boom = error('broken penalty')

    def penalty(x):
        calls.append(x)
        if len(calls) == 2:
            raise boom
        return reg.l2(x)

    with pytest.raises(error) as info:
        reg.apply_penalty(ts, penalty)
    assert info.value is boom
    # called on the first two tensors only, never on the whole list
    assert calls == ts[:2]


@pytest.mark.lasagne
def test_lasagne_hides_the_penalty_error_this_is_what_we_fix(bk):
    ts = _tensors(bk, 2)

    def penalty(x):
        if isinstance(x, list):
            raise RuntimeError('called on the whole list')
        raise TypeError('real error')

    with pytest.raises(RuntimeError, match='whole list'):
        lasagne_reg_module().apply_penalty(ts, penalty)
    with pytest.raises(TypeError, match='real error'):
        reg.apply_penalty(ts, penalty)


@pytest.mark.lasagne
@pytest.mark.parametrize('n', [1, 2, 5, 31])
def test_apply_penalty_graph_is_lasagnes(bk, n):
    ts = _tensors(bk, n)
    ours = reg.apply_penalty(ts, reg.l2)
    theirs = lasagne_reg_module().apply_penalty(ts, reg.l2)
    assert equal_graphs(ours, theirs)


# -- many terms, every mode -------------------------------------------------

def _duck_stack(bk, n_layers, units=3, dtype='float32', seed=7):
    rng = np.random.RandomState(seed)
    layer = DuckLayer(None)
    layers = []
    for i in range(n_layers):
        W = bk.shared(rng.randn(units, units).astype(dtype), name='W%d' % i)
        b = bk.shared(rng.randn(units).astype(dtype), name='b%d' % i)
        layer = DuckLayer(layer, [(W, {'trainable', 'regularizable'}),
                                  (b, {'trainable'})])
        layers.append(layer)
    return layers


@pytest.mark.parametrize('n_layers', [31, 32, 40])
def test_deep_network_penalty_and_gradient_in_python_mode(bk, n_layers):
    layers = _duck_stack(bk, n_layers)
    weights = [lay.params and list(lay.params)[0] for lay in layers]
    penalty = reg.regularize_network_params(layers[-1], reg.l2)
    grads = bk.grad(penalty, weights)
    f = bk.function([], [penalty] + grads, mode=bk.py_mode())
    out = f()
    np.testing.assert_allclose(out[0], np_l2(values(weights)), rtol=1e-5)
    for g, w in zip(out[1:], weights):
        np.testing.assert_allclose(g, 2 * w.get_value(), rtol=1e-6)
    assert penalty.dtype == 'float32'


@pytest.mark.parametrize('n_layers', [15, 16, 40])
def test_deep_weighted_penalty_and_gradient_in_python_mode(bk, n_layers):
    layers = _duck_stack(bk, n_layers)
    weights = [list(lay.params)[0] for lay in layers]
    coeffs = [bk.shared(np.float32(0.01 * (i + 1))) for i in range(n_layers)]
    penalty = reg.regularize_layer_params_weighted(
        collections.OrderedDict(zip(layers, coeffs)), reg.l1)
    grads = bk.grad(penalty, weights)
    out = bk.function([], [penalty] + grads, mode=bk.py_mode())()
    cs = [c.get_value() for c in coeffs]
    expected = sum(c * np.abs(w.get_value()).sum()
                   for c, w in zip(cs, weights))
    np.testing.assert_allclose(out[0], expected, rtol=1e-5)
    for g, c, w in zip(out[1:], cs, weights):
        np.testing.assert_allclose(g, c * np.sign(w.get_value()), rtol=1e-6)
    assert penalty.dtype == 'float32'


def test_deep_layer_params_in_python_mode(bk):
    layers = _duck_stack(bk, 40)
    weights = [list(lay.params)[0] for lay in layers]
    penalty = reg.regularize_layer_params(layers, reg.l2)
    value = bk.function([], penalty, mode=bk.py_mode())()
    np.testing.assert_allclose(value, np_l2(values(weights)), rtol=1e-5)


def test_gradient_of_a_thousand_terms_does_not_recurse(bk):
    ts = [bk.shared(np.full((2,), i, dtype='float32')) for i in range(1000)]
    penalty = reg.apply_penalty(ts, reg.l2)
    grads = bk.grad(penalty, ts[:3] + ts[-1:])   # RecursionError for Lasagne
    out = bk.function([], [penalty] + grads)()
    np.testing.assert_allclose(out[0], 2 * sum(i * i for i in range(1000)),
                               rtol=1e-5)
    np.testing.assert_allclose(out[-1], [2 * 999.0, 2 * 999.0])


@pytest.mark.lasagne
def test_lasagnes_own_sum_fails_in_python_mode_at_32_layers(bk, L):
    net = lasagne_mlp(L, sizes=[3] * 33)
    theirs = lasagne_reg_module().regularize_network_params(net, reg.l2)
    from lasagne_reg import _variant
    # Theano 1.0.5: no perform for 32+ inputs; Theano-PyMC: no ufunc made
    match = ("'Scratchpad' object has no attribute 'ufunc'"
             if _variant.installed() is _variant.THEANO_PYMC else 'perform')
    with pytest.raises(Exception, match=match):
        bk.function([], theirs, mode=bk.py_mode())()
    ours = reg.regularize_network_params(net, reg.l2)
    np.testing.assert_allclose(
        bk.function([], ours, mode=bk.py_mode())(),
        np_l2(values(L.get_all_params(net, regularizable=True))), rtol=1e-5)


# -- dtypes and coefficients ------------------------------------------------

@pytest.mark.parametrize('coeff', [0.1, np.float64(0.1), np.array(0.1),
                                   np.float32(0.1), 1])
@pytest.mark.parametrize('floatX', ['float32', 'float64'])
def test_coefficients_do_not_upcast_float32(bk, floatX, coeff, duck_mlp):
    weights = [bk.shared(np.ones((2, 2), dtype='float32') * (i + 1))
               for i in range(2)]
    layers = [DuckLayer(None, [(w, {'regularizable'})]) for w in weights]
    with bk.change_flags(floatX=floatX):
        penalty = reg.regularize_layer_params_weighted(
            collections.OrderedDict(zip(layers, [coeff, 2 * coeff])), reg.l2)
    assert penalty.dtype == 'float32'
    np.testing.assert_allclose(bk.evaluate(penalty),
                               float(coeff) * 4 + 2 * float(coeff) * 16,
                               rtol=1e-6)


def test_shared_float64_coefficient_is_cast(bk):
    w = bk.shared(np.ones((2, 2), dtype='float32'))
    coeff = bk.shared(np.float64(0.5))
    penalty = reg.regularize_layer_params_weighted(
        {DuckLayer(None, [(w, {'regularizable'})]): coeff}, reg.l2)
    assert penalty.dtype == 'float32'
    assert bk.evaluate(penalty) == 2.0
    coeff.set_value(0.25)                     # a schedule keeps working
    assert bk.evaluate(penalty) == 1.0


@pytest.mark.lasagne
def test_weighted_graph_is_lasagnes_when_lasagnes_keeps_the_dtype(bk, mlp, L):
    layers = L.get_all_layers(mlp)[1:]
    coeffs = collections.OrderedDict(zip(layers, [0.1, 0.5, 2]))
    with bk.change_flags(floatX='float32'):
        mlp32 = lasagne_mlp(L, dtype='float32')
        layers32 = collections.OrderedDict(
            zip(L.get_all_layers(mlp32)[1:], [0.1, 0.5, 2]))
        ours = reg.regularize_layer_params_weighted(layers32, reg.l2)
        theirs = lasagne_reg_module().regularize_layer_params_weighted(
            layers32, reg.l2)
    assert theirs.dtype == 'float32'
    assert equal_graphs(ours, theirs)
    ours64 = reg.regularize_layer_params_weighted(coeffs, reg.l2)
    expected = sum(c * np_l2([lay.W.get_value()])
                   for lay, c in coeffs.items())
    np.testing.assert_allclose(bk.evaluate(ours64), expected, rtol=1e-6)


def test_numpy_weighted_keeps_float32():
    class Frozen:
        def __init__(self, value):
            self.value = value

        def get_params(self, **tags):
            return [self.value]

    a = np.ones(4, dtype='float32')
    result = reg.regularize_layer_params_weighted(
        {Frozen(a): np.float64(0.5)}, reg.l2)
    assert result.dtype == np.float32 and result == 2.0


# -- layer helpers on Lasagne graphs ----------------------------------------

@pytest.mark.lasagne
@pytest.mark.parametrize('net', ['mlp', 'convnet', 'merge_net'])
@pytest.mark.parametrize('penalty, ref', [(reg.l1, np_l1), (reg.l2, np_l2)])
def test_network_params_match_numpy_and_lasagne(bk, L, request, net,
                                                penalty, ref):
    net = request.getfixturevalue(net)
    params = L.get_all_params(net, regularizable=True)
    assert params and all(p.name != 'b' for p in params)   # biases excluded
    ours = reg.regularize_network_params(net, penalty)
    theirs = lasagne_reg_module().regularize_network_params(net, penalty)
    assert equal_graphs(ours, theirs)
    np.testing.assert_allclose(bk.evaluate(ours), ref(values(params)),
                               rtol=1e-6)


@pytest.mark.lasagne
def test_layer_params_covers_only_the_layers_given(bk, L, merge_net):
    layers = {lay.name: lay for lay in L.get_all_layers(merge_net)}
    chosen = [layers['left'], layers['out']]
    ours = reg.regularize_layer_params(chosen, reg.l2)
    expected = np_l2([layers['left'].W.get_value(),
                      layers['out'].W.get_value()])
    np.testing.assert_allclose(bk.evaluate(ours), expected, rtol=1e-6)
    single = reg.regularize_layer_params(layers['right'], reg.l1)
    np.testing.assert_allclose(bk.evaluate(single),
                               np_l1([layers['right'].W.get_value()]),
                               rtol=1e-6)
    assert equal_graphs(
        ours, lasagne_reg_module().regularize_layer_params(chosen, reg.l2))


@pytest.mark.lasagne
@pytest.mark.parametrize('container', [
    list, tuple, lambda ls: (lay for lay in ls),
    lambda ls: collections.OrderedDict(
        ('l%d' % i, lay) for i, lay in enumerate(ls)).values()])
def test_layer_params_takes_any_iterable_of_layers(bk, L, mlp, container):
    layers = L.get_all_layers(mlp)[1:]
    result = reg.regularize_layer_params(container(layers), reg.l2)
    np.testing.assert_allclose(
        bk.evaluate(result), np_l2([lay.W.get_value() for lay in layers]),
        rtol=1e-6)


@pytest.mark.lasagne
def test_tied_weights_count_once_per_network_and_once_per_layer(bk, tied_net):
    first, second = tied_net
    w = first.W.get_value()
    network = reg.regularize_network_params(second, reg.l2)
    per_layer = reg.regularize_layer_params([first, second], reg.l2)
    weighted = reg.regularize_layer_params_weighted(
        collections.OrderedDict([(first, 0.5), (second, 2.0)]), reg.l2)
    np.testing.assert_allclose(bk.evaluate(network), np_l2([w]), rtol=1e-6)
    np.testing.assert_allclose(bk.evaluate(per_layer), 2 * np_l2([w]),
                               rtol=1e-6)
    np.testing.assert_allclose(bk.evaluate(weighted), 2.5 * np_l2([w]),
                               rtol=1e-6)


@pytest.mark.lasagne
@pytest.mark.parametrize('tags, names', [
    ({'regularizable': True}, ['W', 'W', 'W']),
    ({'regularizable': False}, ['b', 'b', 'b']),
    ({'trainable': True}, ['W', 'b'] * 3),
    ({}, ['W', 'b'] * 3),
    ({'trainable': True, 'regularizable': False}, ['b', 'b', 'b']),
])
def test_tags_select_like_lasagne(bk, L, mlp, tags, names):
    params = L.get_all_params(mlp, **tags)
    assert [p.name for p in params] == names
    result = reg.regularize_network_params(mlp, reg.l2, tags=tags)
    np.testing.assert_allclose(bk.evaluate(result), np_l2(values(params)),
                               rtol=1e-6)
    assert equal_graphs(result, lasagne_reg_module().regularize_network_params(
        mlp, reg.l2, tags=tags))


@pytest.mark.lasagne
def test_custom_tags_and_batchnorm_like_layer(bk, L):
    import lasagne

    class ScaleShift(L.Layer):
        """BatchNorm's parameter tagging: gamma regularizable, beta not."""

        def __init__(self, incoming, **kwargs):
            super().__init__(incoming, **kwargs)
            n = self.input_shape[1]
            self.gamma = self.add_param(lasagne.init.Constant(1.5), (n,),
                                        'gamma', frozen=True)
            self.beta = self.add_param(lasagne.init.Constant(0.5), (n,),
                                       'beta', regularizable=False)

        def get_output_for(self, input, **kwargs):
            return input * self.gamma + self.beta

    l_in = L.InputLayer((None, 4))
    dense = L.DenseLayer(l_in, num_units=4)
    net = ScaleShift(dense)
    by_default = reg.regularize_network_params(net, reg.l2)
    np.testing.assert_allclose(
        bk.evaluate(by_default),
        np_l2([dense.W.get_value(), net.gamma.get_value()]), rtol=1e-6)
    frozen = reg.regularize_network_params(net, reg.l2, tags={'frozen': True})
    np.testing.assert_allclose(bk.evaluate(frozen), 4 * 1.5 ** 2, rtol=1e-6)
    unfrozen_reg = reg.regularize_network_params(
        net, reg.l1, tags={'frozen': False, 'regularizable': True})
    np.testing.assert_allclose(bk.evaluate(unfrozen_reg),
                               np_l1([dense.W.get_value()]), rtol=1e-6)


@pytest.mark.lasagne
def test_kwargs_reach_the_penalty_through_every_helper(bk, L, mlp):
    layers = L.get_all_layers(mlp)[1:]

    def weighted_l2(x, weight):
        return weight * reg.l2(x)

    ws = [lay.W.get_value() for lay in layers]
    net = reg.regularize_network_params(mlp, weighted_l2, weight=3.0)
    per = reg.regularize_layer_params(layers, weighted_l2, weight=3.0)
    wtd = reg.regularize_layer_params_weighted(
        collections.OrderedDict((lay, 2.0) for lay in layers),
        weighted_l2, weight=3.0)
    for expr, factor in [(net, 3), (per, 3), (wtd, 6)]:
        np.testing.assert_allclose(bk.evaluate(expr), factor * np_l2(ws),
                                   rtol=1e-6)


@pytest.mark.lasagne
@pytest.mark.parametrize('seed', range(6))
def test_parity_with_lasagne_on_random_graphs(bk, L, seed):
    import lasagne
    rng = np.random.RandomState(seed)
    lasagne.random.set_rng(rng)
    layers = [L.InputLayer((None, int(rng.randint(2, 6))))]
    for _ in range(int(rng.randint(2, 9))):
        kind = rng.randint(3)
        a = layers[rng.randint(len(layers))]
        if kind == 0 or len(layers) < 2:
            new = L.DenseLayer(a, num_units=int(rng.randint(1, 5)))
        elif kind == 1:
            b = layers[rng.randint(len(layers))]
            new = L.ConcatLayer([a, b])
        else:
            # tie to an earlier dense layer whose W fits, if there is one
            n_in = a.output_shape[1]
            fits = [lay for lay in layers if hasattr(lay, 'W') and
                    lay.W.get_value().shape[0] == n_in]
            if fits:
                tied = fits[rng.randint(len(fits))]
                new = L.DenseLayer(a, num_units=tied.num_units, W=tied.W)
            else:
                new = L.DenseLayer(a, num_units=2)
        layers.append(new)
    outputs = [layers[-1], layers[rng.randint(1, len(layers))]]
    theirs_mod = lasagne_reg_module()
    penalty = [reg.l1, reg.l2][seed % 2]
    for ours, theirs in [
        (reg.regularize_network_params(outputs, penalty),
         theirs_mod.regularize_network_params(outputs, penalty)),
        (reg.regularize_layer_params(layers[1:], penalty),
         theirs_mod.regularize_layer_params(layers[1:], penalty)),
    ]:
        if isinstance(theirs, int):
            assert ours == theirs
            continue
        assert equal_graphs(ours, theirs)
        np.testing.assert_allclose(bk.evaluate(ours), bk.evaluate(theirs),
                                   rtol=1e-6)
    expected = {'l1': np_l1, 'l2': np_l2}[penalty.__name__](
        values(L.get_all_params(outputs, regularizable=True)))
    result = reg.regularize_network_params(outputs, penalty)
    np.testing.assert_allclose(
        0.0 if isinstance(result, int) else bk.evaluate(result), expected,
        rtol=1e-6)


# -- duck-typed layers (every backend) --------------------------------------

def test_duck_typed_network(bk, duck_mlp):
    from lasagne_reg import _graph
    layers = _graph.all_layers([duck_mlp])
    weights = [p for lay in layers for p in lay.params
               if 'regularizable' in lay.params[p]]
    assert [w.name for w in weights] == ['W0', 'W1', 'W2']
    result = reg.regularize_network_params(duck_mlp, reg.l2)
    np.testing.assert_allclose(bk.evaluate(result), np_l2(values(weights)),
                               rtol=1e-10)
    trainable = reg.regularize_network_params(duck_mlp, reg.l1,
                                              tags={'trainable': True})
    everything = [p for lay in layers for p in lay.params]
    np.testing.assert_allclose(bk.evaluate(trainable),
                               np_l1(values(everything)), rtol=1e-10)


def test_duck_typed_weighted_and_empty(bk, duck_mlp):
    empty = reg.regularize_layer_params_weighted({}, reg.l2)
    assert empty == 0
    input_layer = duck_mlp.input_layer.input_layer.input_layer
    assert reg.regularize_network_params(input_layer, reg.l2) == 0
    assert reg.regularize_layer_params([], reg.l2) == 0


def test_inputs_are_not_mutated(bk, duck_mlp):
    tags = {'regularizable': True}
    layers = collections.OrderedDict([(duck_mlp, 0.5),
                                      (duck_mlp.input_layer, 0.25)])
    before = list(layers.items())
    params_before = [dict(lay.params) for lay in layers]
    reg.regularize_layer_params_weighted(layers, reg.l2, tags=tags)
    reg.regularize_network_params(duck_mlp, reg.l2, tags=tags)
    reg.regularize_layer_params(list(layers), reg.l2, tags=tags)
    assert tags == {'regularizable': True}
    assert list(layers.items()) == before
    assert [dict(lay.params) for lay in layers] == params_before


def test_package_exports(bk):
    assert lasagne_reg.l2 is reg.l2
    assert lasagne_reg.backend() == bk.name
    for name in reg.__all__:
        assert getattr(reg, name).__doc__


# -- Lasagne's own test_regularization.py, restated against us --------------
# What Lasagne's test suite checks of lasagne.regularization (its penalties
# against numpy; apply_penalty's graph; which parameters the helpers hand to
# the penalty; the weighted sum's graph), run on lasagne_reg.regularization.

@pytest.mark.lasagne
@pytest.mark.parametrize('name', ['l1', 'l2'])
def test_lasagne_suite_penalty_against_numpy(bk, name):
    import lasagne
    X = bk.T.matrix()
    X0 = lasagne.utils.floatX(np.random.RandomState(9).uniform(-3, 3,
                                                               (10, 10)))
    ours = getattr(reg, name)(X).eval({X: X0})
    np_penalty = {'l1': lambda a: np.abs(a).sum(),
                  'l2': lambda a: (a ** 2).sum()}[name]
    assert np.allclose(ours, np_penalty(X0))


@pytest.mark.lasagne
def test_lasagne_suite_apply_penalty(bk):
    A, B = bk.T.vector(), bk.T.matrix()
    assert reg.apply_penalty([], reg.l2) == 0
    assert equal_graphs(reg.apply_penalty(A, reg.l2), reg.l2(A))
    assert equal_graphs(reg.apply_penalty([A, B], reg.l2),
                        sum([reg.l2(A), reg.l2(B)]))


@pytest.fixture
def lasagne_suite_layers(L):
    l_1 = L.InputLayer((10,))
    l_2 = L.DenseLayer(l_1, num_units=20)
    l_3 = L.DenseLayer(l_2, num_units=30)
    return l_1, l_2, l_3


@pytest.mark.lasagne
def test_lasagne_suite_layer_params_single_and_multiple(bk,
                                                        lasagne_suite_layers):
    l_1, l_2, l_3 = lasagne_suite_layers
    penalty = Recorder()
    reg.regularize_layer_params(l_2, penalty)
    assert penalty.calls == [l_2.W]
    penalty = Recorder()
    reg.regularize_layer_params([l_2, l_3], penalty)
    assert len(penalty.calls) == 2
    assert l_2.W in penalty.calls and l_3.W in penalty.calls


@pytest.mark.lasagne
def test_lasagne_suite_network_params(bk, lasagne_suite_layers):
    l_1, l_2, l_3 = lasagne_suite_layers
    penalty = Recorder()
    reg.regularize_network_params(l_3, penalty)
    assert len(penalty.calls) == 2
    assert l_2.W in penalty.calls and l_3.W in penalty.calls


@pytest.mark.lasagne
def test_lasagne_suite_weighted(bk, lasagne_suite_layers):
    l_1, l_2, l_3 = lasagne_suite_layers
    layers = collections.OrderedDict([(l_2, 0.1), (l_3, 0.5)])
    loss = reg.regularize_layer_params_weighted(layers, reg.l2)
    assert equal_graphs(loss, sum([
        0.1 * reg.apply_penalty([l_2.W], reg.l2),
        0.5 * reg.apply_penalty([l_3.W], reg.l2)]))


# -- errors and warnings, message for message --------------------------------
# The messages users read, whole: the argument named, what was expected,
# what was given, and what to do.

def _raises(error, message):
    return pytest.raises(error, match='^%s$' % re.escape(message))


@pytest.mark.nobackend
def test_default_tags_refuse_changes_and_copy_as_a_plain_dict():
    default = inspect.signature(reg.regularize_layer_params) \
        .parameters['tags'].default
    for change in [lambda d: d.clear(), lambda d: d.pop('regularizable'),
                   lambda d: d.setdefault('trainable', True),
                   lambda d: d.__delitem__('regularizable')]:
        with _raises(TypeError, "the default tags of lasagne_reg are "
                                "read-only; pass your own dict as tags= "
                                "instead"):
            change(default)
    for copied in [copy.copy(default), copy.deepcopy(default),
                   pickle.loads(pickle.dumps(default))]:
        assert type(copied) is dict and copied == {'regularizable': True}
        copied['trainable'] = True       # a copy is the caller's own
    assert default == {'regularizable': True}


def test_apply_penalty_passes_kwargs_for_one_tensor(bk):
    t = _tensors(bk, 1)[0]

    def scaled(x, scale):
        return scale * reg.l1(x)

    np.testing.assert_allclose(
        bk.evaluate(reg.apply_penalty(t, scaled, scale=3.0)),
        3 * np_l1([t.get_value()]), rtol=1e-5)


def test_a_penalty_that_does_not_reduce_names_itself_and_the_tensor(bk):
    W = bk.shared(np.ones((3, 4)), name='W')

    def columns(x):
        return x.sum(axis=0)

    message = ("penalty: expected a scalar from columns(x), got a 1-d result "
               "for 'W' (2-d); reduce it to one number, for example lambda "
               "w: (w ** 2).sum()")
    with _raises(ValueError, message):
        reg.apply_penalty(W, columns)
    with _raises(ValueError, message):
        reg.apply_penalty([W], columns)


@pytest.mark.nobackend
def test_apply_penalty_message_for_what_is_not_a_tensor():
    with _raises(TypeError, "tensor_or_tensors: expected a tensor, a numpy "
                            "array, or an iterable of them, got int 3"):
        reg.apply_penalty(3, reg.l2)


def _foreign(bk):
    """A variable of another backend (its class's module says which)."""
    other = next(name for name in ('theano', 'pytensor', 'aesara')
                 if name != bk.name)
    variable = type('TensorVariable', (object,),
                    {'__module__': other + '.tensor.variable',
                     'name': 'V', 'ndim': 1})()
    return other, variable


def test_mixing_backends_names_the_argument(bk):
    other, foreign = _foreign(bk)
    own = bk.shared(np.ones(2), name='W')
    message = ("%%s: expected variables of one backend, got %s variables "
               "('W' (1-d)) and %s variables ('V' (1-d)); one graph cannot "
               "mix them: build the whole model with one of %s, %s"
               % (bk.name, other, bk.name, other))
    with _raises(TypeError, message % 'tensor_or_tensors'):
        reg.apply_penalty([own, foreign], reg.l2)
    first = DuckLayer(None, [(own, {'regularizable'})], name='a')
    second = DuckLayer(first, [(foreign, {'regularizable'})], name='b')
    with _raises(TypeError, message % 'layer'):
        reg.regularize_network_params(second, reg.l2)
    with _raises(TypeError, message % 'layer'):
        reg.regularize_layer_params([first, second], reg.l2)
    with _raises(TypeError, message % 'layers'):
        reg.regularize_layer_params_weighted(
            collections.OrderedDict([(first, 1.0), (second, 1.0)]), reg.l2)


@pytest.mark.lasagne
@pytest.mark.parametrize('call', [
    lambda net, **kw: reg.regularize_network_params(net, reg.l2, **kw),
    lambda net, **kw: reg.regularize_layer_params(net, reg.l2, **kw),
    lambda net, **kw: reg.regularize_layer_params_weighted({net: 0.5},
                                                           reg.l2, **kw),
])
def test_layer_helpers_keyword_messages(mlp, call):
    with _raises(TypeError, "regularisable=True: the penalty l2 takes no "
                            "keyword argument 'regularisable' (its "
                            "parameters: x); tags go in tags=, for example "
                            "tags={'regularisable': True} (Lasagne's tags "
                            "are 'regularizable' and 'trainable')"):
        call(mlp, regularisable=True)
    with _raises(TypeError, "scale=2: the penalty l2 takes no keyword "
                            "argument 'scale' (its parameters: x)"):
        call(mlp, scale=2)


def test_apply_penalty_keyword_message_has_no_tags_hint(bk):
    # apply_penalty has no tags: a True keyword is not taken for a tag
    with _raises(TypeError, "regularizable=True: the penalty l2 takes no "
                            "keyword argument 'regularizable' (its "
                            "parameters: x)"):
        reg.apply_penalty(_tensors(bk, 2), reg.l2, regularizable=True)


@pytest.mark.parametrize('helper', [reg.regularize_network_params,
                                    reg.regularize_layer_params])
def test_layer_argument_messages(bk, duck_mlp, helper):
    with _raises(TypeError, "layer: expected a layer or an iterable of "
                            "layers, got a numpy array of shape (3, 4); to "
                            "penalize a tensor or an array, call the penalty "
                            "on it (l2(x)) or apply_penalty(x, l2)"):
        helper(np.ones((3, 4)), reg.l2)
    with _raises(TypeError, "layer: expected a layer or an iterable of "
                            "layers, got 'W' (2-d); to penalize a tensor or "
                            "an array, call the penalty on it (l2(x)) or "
                            "apply_penalty(x, l2)"):
        helper(bk.shared(np.ones((3, 4)), name='W'), reg.l2)
    with _raises(TypeError, "layer: expected a layer or an iterable of "
                            "layers, got str 'dense'"):
        helper('dense', reg.l2)
    with _raises(TypeError, "layer[1]: expected a layer (an object with a "
                            "get_params(**tags) method), got str 'dense'"):
        helper([duck_mlp, 'dense'], reg.l2)


def test_weighted_layers_messages(duck_mlp):
    with _raises(TypeError, "layers: expected a mapping from layers to "
                            "coefficients, such as {layer1: 0.1, layer2: "
                            "0.5}, got str 'dense'"):
        reg.regularize_layer_params_weighted('dense', reg.l2)
    with _raises(TypeError, "layers: expected layers as keys (objects with a "
                            "get_params(**tags) method), got key str "
                            "'dense'"):
        reg.regularize_layer_params_weighted(
            collections.OrderedDict([(duck_mlp, 0.5), ('dense', 0.5)]),
            reg.l2)


@pytest.mark.lasagne
def test_weighted_coefficient_messages_name_the_layer(mlp, merge_net, L):
    layers = L.get_all_layers(mlp)[1:]
    with _raises(TypeError, "layers[DenseLayer #2 of 3, output shape "
                            "(None, 4)]: expected the layer's coefficient to "
                            "be a real number, got str '0.1'; write the "
                            "number without quotes (0.1, not '0.1')"):
        reg.regularize_layer_params_weighted(
            collections.OrderedDict(zip(layers, [0.1, '0.1', 0.1])), reg.l2)
    named = {lay.name: lay for lay in L.get_all_layers(merge_net)}
    with _raises(ValueError, "layers[DenseLayer 'right']: expected the "
                             "layer's coefficient to be a non-negative "
                             "number, got -1.0 (a negative coefficient "
                             "rewards large weights; 0 switches the penalty "
                             "off)"):
        reg.regularize_layer_params_weighted(
            collections.OrderedDict([(named['left'], 0.5),
                                     (named['right'], -1.0)]), reg.l2)


@pytest.mark.lasagne
@pytest.mark.parametrize('call', [
    lambda net, tags: reg.regularize_network_params(net, reg.l2, tags=tags),
    lambda net, tags: reg.regularize_layer_params([net], reg.l2, tags=tags),
    lambda net, tags: reg.regularize_layer_params_weighted(
        {net: 0.5}, reg.l2, tags=tags),
])
def test_each_layer_helper_warns_when_tags_select_nothing(mlp, call):
    with pytest.warns(UserWarning) as record:
        assert call(mlp, {'regularisable': True}) == 0
    assert [str(w.message) for w in record] == [
        "tags={'regularisable': True} select none of the 6 parameters of the "
        "network, so the penalty is 0; no parameter has the tag "
        "'regularisable': is it misspelt? Did you mean 'regularizable'? "
        "(tags in this network: regularizable, trainable)"]
