"""Walking layer graphs (lasagne_reg._graph): order, each layer and parameter
once, cycles, Lasagne's own walk for Lasagne layers, and the messages.

Orders are compared with Lasagne 0.1's own ``get_all_layers``, which walks
any object with ``input_layer`` or ``input_layers``; values with numpy.
"""
import collections
import sys
import warnings

import numpy as np
import pytest

from lasagne_reg import _graph
from lasagne_reg import regularization as reg
from tests._support import DuckLayer, Recorder, np_l2, values

pytestmark = [pytest.mark.backends]

# -- walking protocol graphs ------------------------------------------------

class Node:
    """A protocol layer that fails once the walker has asked for its inputs
    more than `limit` times: a walk that goes round a cycle fails, not hangs."""

    limit = 20

    def __init__(self, name):
        self.name = name
        self.inputs = []
        self.reads = 0
        self.params = collections.OrderedDict()

    @property
    def input_layers(self):
        self.reads += 1
        if self.reads > self.limit:
            raise RuntimeError('%s: walked in circles' % self.name)
        return self.inputs

    def get_params(self, **tags):
        return list(self.params)

    def __repr__(self):
        return self.name


def _walk_lasagne(L, outputs, nodes):
    for node in nodes:
        node.reads = 0
    order = L.get_all_layers(outputs)
    for node in nodes:
        node.reads = 0
    return order


@pytest.mark.nobackend
def test_all_layers_inputs_first_each_once():
    # in -> a, in -> b, c = merge(a, b, None), d = merge(c, a); outputs d, b
    inp, a, b, c, d = (Node(n) for n in 'in a b c d'.split())
    a.inputs, b.inputs = [inp], [inp]
    c.inputs, d.inputs = [a, b, None], [c, a]
    assert _graph.all_layers([d, b]) == [inp, a, b, c, d]
    assert _graph.all_layers([b, d]) == [inp, b, a, c, d]
    assert _graph.all_layers([]) == []


@pytest.mark.nobackend
def test_all_layers_stops_at_cycles():
    a, b = Node('a'), Node('b')
    a.inputs, b.inputs = [b], [a]
    # a meets itself again through b: a cycle, so a comes out first
    assert _graph.all_layers([a]) == [a, b]
    own = Node('own')
    own.inputs = [own, None]
    assert _graph.all_layers([own, a]) == [own, a, b]
    # c -> b -> a -> c: a's input c is met again while still open
    c = Node('c')
    a.inputs, b.inputs, c.inputs = [c], [a], [b, a]
    assert _graph.all_layers([c]) == [c, a, b]


@pytest.mark.lasagne
@pytest.mark.parametrize('seed', range(12))
def test_all_layers_is_lasagnes_order_on_random_graphs(L, seed):
    rng = np.random.RandomState(seed)
    nodes = [Node('n%d' % i) for i in range(int(rng.randint(2, 9)))]
    for node in nodes:
        # any node may feed any other, itself included: cycles, repeats
        choices = [None] + nodes
        k = int(rng.randint(0, 4))
        node.inputs = [choices[j] for j in rng.randint(len(choices), size=k)]
    outputs = [nodes[j] for j in rng.randint(len(nodes), size=2)]
    expected = _walk_lasagne(L, outputs, nodes)
    assert _graph.all_layers(outputs) == expected


def test_protocol_network_params_each_once_in_network_order(bk):
    rng = np.random.RandomState(11)
    shared = bk.shared(rng.randn(3, 3), name='tied')
    W1, W2, b2 = (bk.shared(rng.randn(3, 3), name=n) for n in ('W1', 'W2', 'b2'))
    inp = DuckLayer(None, name='in')
    left = DuckLayer(inp, [(W1, {'regularizable'}), (shared, {'regularizable'})])
    right = DuckLayer(inp, [(shared, {'regularizable'}), (W2, {'regularizable'}),
                            (b2, {'trainable'})])
    top = DuckLayer([left, right, None])
    assert _graph.network_params([top], {'regularizable': True}) == \
        [W1, shared, W2]
    assert _graph.network_params([top], {}) == [W1, shared, W2, b2]
    penalty = reg.regularize_network_params(top, reg.l2)
    np.testing.assert_allclose(bk.evaluate(penalty),
                               np_l2(values([W1, shared, W2])), rtol=1e-10)
    # per layer, a parameter shared by two layers counts twice (Lasagne's rule)
    per_layer = reg.regularize_layer_params([left, right], reg.l2)
    np.testing.assert_allclose(bk.evaluate(per_layer),
                               np_l2(values([W1, shared, shared, W2])),
                               rtol=1e-10)


def test_protocol_layers_without_lasagne_imported(bk, duck_mlp, monkeypatch):
    # the PyTensor and Aesara runs never import Lasagne
    monkeypatch.delitem(sys.modules, 'lasagne.layers', raising=False)
    layers = _graph.all_layers([duck_mlp])
    weights = [p for lay in layers for p in lay.params
               if 'regularizable' in lay.params[p]]
    assert [w.name for w in weights] == ['W0', 'W1', 'W2']
    assert _graph.network_params([duck_mlp], {'regularizable': True}) == \
        weights
    penalty = reg.regularize_network_params(duck_mlp, reg.l2)
    np.testing.assert_allclose(bk.evaluate(penalty), np_l2(values(weights)),
                               rtol=1e-10)


@pytest.mark.parametrize('shape, kept', [
    ((), False), ((3,), False), ((1,), False), ((0, 3), True), ((1, 3), True),
    ((2, 3, 1), True), ((2, 2, 2, 2, 2, 2), True)])
def test_without_vectors_keeps_two_dimensions_and_more(bk, shape, kept):
    # decided by each parameter's number of dimensions (numpy's, here),
    # in the order given
    param = bk.shared(np.ones(shape), name='p')
    matrix = bk.shared(np.ones((2, 2)), name='m')
    assert (np.ndim(param.get_value()) >= 2) is kept
    assert _graph.without_vectors([matrix, param, matrix]) == (
        [matrix, param, matrix] if kept else [matrix, matrix])
    assert _graph.without_vectors([param]) == ([param] if kept else [])


@pytest.mark.lasagne
def test_without_vectors_on_lasagne_networks(L, convnet, merge_net):
    for net in (convnet, merge_net):
        everything = L.get_all_params(net)
        assert _graph.without_vectors(everything) == \
            [p for p in everything if np.ndim(p.get_value()) >= 2]
        assert _graph.without_vectors(everything) == \
            L.get_all_params(net, regularizable=True)


@pytest.mark.lasagne
def test_lasagne_layers_follow_the_installed_lasagnes_get_all_params(
        L, merge_net, monkeypatch):
    # A Lasagne whose get_all_params differs from 0.1's (a fork, a patch)
    # decides the parameters and their order, for us as for
    # lasagne.regularization: here one that lists them outputs first.
    import lasagne.regularization
    original = L.get_all_params
    lasagne_order = original(merge_net, regularizable=True)

    def outputs_first(layer, **tags):
        return list(reversed(original(layer, **tags)))

    monkeypatch.setattr(L, 'get_all_params', outputs_first)
    monkeypatch.setattr(lasagne.regularization, 'get_all_params',
                        outputs_first)
    ours, theirs = Recorder(), Recorder()
    reg.regularize_network_params(merge_net, ours)
    lasagne.regularization.regularize_network_params(merge_net, theirs)
    assert ours.calls == theirs.calls == lasagne_order[::-1]


class TupleLayer:
    """A protocol layer whose get_params returns a tuple."""

    def __init__(self, incoming, params, tags):
        self.input_layer = incoming
        self.params = collections.OrderedDict((p, set(tags)) for p in params)

    def get_params(self, **tags):
        return tuple(p for p, ptags in self.params.items()
                     if all((t in ptags) == bool(v) for t, v in tags.items()))


@pytest.mark.lasagne
def test_a_protocol_layer_on_lasagne_layers_is_walked_here(bk, L, mlp):
    # Lasagne's get_all_params concatenates lists and fails on a tuple; a
    # graph that is not all Lasagne layers is walked here
    extra = bk.shared(np.full((2, 2), 3.0), name='extra')
    top = TupleLayer(mlp, [extra], {'regularizable', 'trainable'})
    weights = L.get_all_params(mlp, regularizable=True)
    assert _graph.network_params([top], {'regularizable': True}) == \
        weights + [extra]
    penalty = reg.regularize_network_params(top, reg.l2)
    np.testing.assert_allclose(bk.evaluate(penalty),
                               np_l2(values(weights + [extra])), rtol=1e-10)
    both = reg.regularize_network_params([mlp, top], reg.l2)
    np.testing.assert_allclose(bk.evaluate(both),
                               np_l2(values(weights + [extra])), rtol=1e-10)


# -- describing layers ------------------------------------------------------

@pytest.mark.lasagne
def test_describe_layer(L, mlp, merge_net):
    dense = L.get_all_layers(mlp)[2]
    assert _graph.describe_layer(dense, 2, 3) == \
        'DenseLayer #2 of 3, output shape (None, 4)'
    named = L.get_all_layers(merge_net)[1]
    assert _graph.describe_layer(named, 1, 5) == "DenseLayer 'left'"
    assert _graph.describe_layer(DuckLayer(None), 4, 4) == 'DuckLayer #4 of 4'

    class Shapeless(L.Layer):
        def get_output_shape_for(self, input_shape):
            raise ValueError('no shape')

    assert _graph.describe_layer(Shapeless(mlp), 1, 1) == 'Shapeless #1 of 1'


# -- the warning when tags select nothing -----------------------------------

def tagged_layer(L, incoming, *tagsets):
    """A real Lasagne layer with one parameter per tag set, tagged exactly so."""
    import lasagne

    class Tagged(L.Layer):
        def get_output_for(self, input, **kwargs):
            return input

    layer = Tagged(incoming)
    for i, tagset in enumerate(tagsets):
        tags = {t: True for t in tagset}
        tags.setdefault('trainable', False)
        tags.setdefault('regularizable', False)
        layer.add_param(lasagne.init.Constant(1.0), (2,), 'p%d' % i, **tags)
    return layer


def _warning(call):
    with pytest.warns(UserWarning) as record:
        result = call()
    assert result == 0
    assert len(record) == 1
    assert record[0].category is UserWarning
    return str(record[0].message)


@pytest.mark.lasagne
def test_misspelt_tags_are_named_with_the_close_ones(mlp):
    message = _warning(lambda: reg.regularize_network_params(
        mlp, reg.l2, tags={'regularisable': True, 'trainabel': False}))
    assert message == (
        "tags={'regularisable': True, 'trainabel': False} select none of the "
        "6 parameters of the network, so the penalty is 0; no parameter has "
        "the tag 'regularisable', 'trainabel': is it misspelt? Did you mean "
        "'regularizable', 'trainable'? (tags in this network: regularizable, "
        "trainable)")
    message = _warning(lambda: reg.regularize_network_params(
        mlp, reg.l2, tags={'frozen': True, 'trainable': True}))
    assert message == (
        "tags={'frozen': True, 'trainable': True} select none of the 6 "
        "parameters of the network, so the penalty is 0; no parameter has "
        "the tag 'frozen': is it misspelt? (tags in this network: "
        "regularizable, trainable)")


@pytest.mark.lasagne
def test_known_tags_that_select_nothing_say_what_the_network_has(L):
    net = L.InputLayer((None, 2))
    net = tagged_layer(L, net, {'trainable'})
    net = L.DenseLayer(net, num_units=2)
    net = L.DenseLayer(net, num_units=2)
    net = tagged_layer(L, net, set(), set(), set(), set())
    message = _warning(lambda: reg.regularize_network_params(
        net, reg.l2, tags={'regularizable': True, 'trainable': False}))
    assert message == (
        "tags={'regularizable': True, 'trainable': False} select none of the "
        "9 parameters of the network, so the penalty is 0; the network has 4 "
        "without tags, 3 tagged trainable, 2 tagged regularizable and "
        "trainable")


@pytest.mark.lasagne
def test_a_tied_weight_is_counted_once_in_the_message(tied_net):
    first, second = tied_net
    message = _warning(lambda: reg.regularize_network_params(
        second, reg.l2, tags={'regularizable': True, 'trainable': False}))
    assert message == (
        "tags={'regularizable': True, 'trainable': False} select none of the "
        "3 parameters of the network, so the penalty is 0; the network has 2 "
        "tagged trainable, 1 tagged regularizable and trainable")


@pytest.mark.lasagne
def test_a_network_without_any_tag_is_not_called_misspelt(L):
    net = tagged_layer(L, L.InputLayer((None, 2)), set(), set())
    message = _warning(lambda: reg.regularize_network_params(net, reg.l2))
    assert message == (
        "tags={'regularizable': True} select none of the 2 parameters of the "
        "network, so the penalty is 0; the network has 2 without tags")


class Opaque:
    """A protocol layer that does not expose its parameters' tags."""

    def __init__(self, param, params):
        self.param = param
        if params is not None:
            self.params = params

    def get_params(self, **tags):
        return [] if tags else [self.param]


@pytest.mark.parametrize('params', [
    lambda W: None,                                # no params attribute
    lambda W: [W],                                 # not a mapping
    lambda W: collections.OrderedDict([(W, 0.5)]),  # not tag sets
])
def test_unknown_tags_get_lasagnes_tag_names(bk, params):
    W = bk.shared(np.ones(2), name='W')
    layer = Opaque(W, params(W))
    message = _warning(lambda: reg.regularize_network_params(layer, reg.l2))
    assert message == (
        "tags={'regularizable': True} select none of the 1 parameters of the "
        "network, so the penalty is 0; is a tag name misspelt? (Lasagne's "
        "tags are 'regularizable' and 'trainable')")


@pytest.mark.lasagne
def test_no_warning_where_something_is_selected_or_nothing_exists(bk, L, mlp):
    biases = tagged_layer(L, mlp, {'trainable'})
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        # a bias-only layer of a network with weights
        assert reg.regularize_layer_params(biases, reg.l2) == 0
        assert reg.regularize_layer_params_weighted({biases: 0.5}, reg.l2) == 0
        # a network without parameters; no tag asked for
        assert reg.regularize_network_params(L.InputLayer((None, 2)),
                                             reg.l2) == 0
        assert reg.regularize_network_params(
            DuckLayer(None), reg.l2, tags={}) == 0
    weights = L.get_all_params(mlp, regularizable=True)
    np.testing.assert_allclose(
        bk.evaluate(reg.regularize_network_params(biases, reg.l2)),
        np_l2(values(weights)), rtol=1e-10)
