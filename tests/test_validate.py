"""Bad input gets a clear error naming the argument; nothing passed in changes.

Every check goes through the public functions, as a user meets it.
"""
import collections
import warnings

import numpy as np
import pytest

from lasagne_reg import regularization as reg
from tests._support import DuckLayer


@pytest.fixture
def net(bk):
    w1 = bk.shared(np.ones((2, 2), dtype='float32'), name='W1')
    b1 = bk.shared(np.ones(2, dtype='float32'), name='b1')
    w2 = bk.shared(np.ones((2, 2), dtype='float32'), name='W2')
    first = DuckLayer(None, [(w1, {'regularizable', 'trainable'}),
                             (b1, {'trainable'})], name='first')
    return DuckLayer(first, [(w2, {'regularizable', 'trainable'})],
                     name='second')


HELPERS = [
    lambda net, **kw: reg.regularize_network_params(net, **kw),
    lambda net, **kw: reg.regularize_layer_params(net, **kw),
    lambda net, **kw: reg.regularize_layer_params_weighted({net: 1.0}, **kw),
]


@pytest.mark.parametrize('helper', HELPERS)
@pytest.mark.parametrize('penalty', [None, 'l2', 3])
def test_penalty_must_be_callable(net, helper, penalty):
    with pytest.raises(TypeError, match=r'^penalty: expected a callable'):
        helper(net, penalty=penalty)


@pytest.mark.parametrize('penalty', [None, 'l2'])
def test_apply_penalty_penalty_must_be_callable(bk, penalty):
    with pytest.raises(TypeError, match=r'^penalty: expected a callable'):
        reg.apply_penalty([bk.shared(np.ones(2))], penalty)


@pytest.mark.parametrize('helper', HELPERS)
@pytest.mark.parametrize('tags, message', [
    (['regularizable'], r"^tags: expected a mapping of tag names"),
    ('regularizable', r"^tags: expected a mapping of tag names"),
    ({1: True}, r"^tags: tag names must be strings, got key int 1"),
])
def test_tags_must_be_a_mapping_of_strings(net, helper, tags, message):
    with pytest.raises(TypeError, match=message):
        helper(net, penalty=reg.l2, tags=tags)


@pytest.mark.parametrize('layers', [[1, 2], None, 'layer', 3.0])
def test_weighted_layers_must_be_a_mapping(layers):
    with pytest.raises(TypeError, match=r'^layers: expected a mapping from '
                                        r'layers to coefficients'):
        reg.regularize_layer_params_weighted(layers, reg.l2)


def test_weighted_keys_must_be_layers(net):
    with pytest.raises(TypeError, match=r"^layers: expected layers as keys.*"
                                        r"got key str 'dense'"):
        reg.regularize_layer_params_weighted({'dense': 0.1}, reg.l2)


@pytest.mark.parametrize('coeff, error, message', [
    ('0.1', TypeError, 'expected a real number'),
    (None, TypeError, 'expected a real number'),
    (True, TypeError, 'expected a real number'),
    (1j, TypeError, 'expected a real number'),
    (float('nan'), ValueError, 'expected a finite number'),
    (float('inf'), ValueError, 'expected a finite number'),
    (np.float32('-inf'), ValueError, 'expected a finite number'),
    (-0.1, ValueError, 'expected a non-negative number'),
    (np.array([0.1, 0.2]), TypeError, 'expected a real number'),
])
def test_weighted_coefficients_are_checked(net, coeff, error, message):
    with pytest.raises(error, match=r'^layers\[second\]: ' + message):
        reg.regularize_layer_params_weighted({net: coeff}, reg.l2)


def test_symbolic_coefficient_must_be_scalar(bk, net):
    with pytest.raises(ValueError, match=r'^layers\[second\]: expected a '
                                         r'scalar, got a 1-d tensor'):
        reg.regularize_layer_params_weighted(
            {net: bk.shared(np.ones(2))}, reg.l2)


@pytest.mark.parametrize('helper', [reg.regularize_network_params,
                                    reg.regularize_layer_params])
@pytest.mark.parametrize('layer, message', [
    (None, r'^layer: expected a layer or an iterable of layers, got '
           r'NoneType None'),
    ('dense', r"^layer: expected a layer or an iterable of layers, got "
              r"str 'dense'"),
    (7, r'^layer: expected a layer or an iterable of layers, got int 7'),
])
def test_layer_argument_must_be_layers(helper, layer, message):
    with pytest.raises(TypeError, match=message):
        helper(layer, reg.l2)


@pytest.mark.parametrize('helper', [reg.regularize_network_params,
                                    reg.regularize_layer_params])
def test_items_of_a_layer_list_must_be_layers(net, helper):
    with pytest.raises(TypeError, match=r'^layer\[1\]: expected a layer '
                                        r'\(an object with a get_params'):
        helper([net, 'not a layer'], reg.l2)


@pytest.mark.parametrize('value, message', [
    (None, 'NoneType None'),
    ('W', "str 'W'"),
    (3, 'int 3'),
    (2.5, 'float 2.5'),
    (np.float64(2.5), 'float64'),
])
def test_apply_penalty_rejects_non_tensors(value, message):
    with pytest.raises(TypeError, match=r'^tensor_or_tensors: expected a '
                                        r'tensor, a numpy array, or an '
                                        r'iterable of them, got ' + message):
        reg.apply_penalty(value, reg.l2)


@pytest.mark.parametrize('value', [None, 'W', [1.0, 2.0]])
def test_penalties_reject_non_tensors(value):
    for penalty in (reg.l1, reg.l2):
        with pytest.raises(TypeError, match=r'^x: expected a Theano, '
                                            r'PyTensor or Aesara tensor'):
            penalty(value)


@pytest.mark.parametrize('call', [
    lambda net: reg.regularize_network_params(
        net, reg.l2, tags={'regularisable': True}),
    lambda net: reg.regularize_layer_params(
        [net, net.input_layer], reg.l2, tags={'regularisable': True}),
    lambda net: reg.regularize_layer_params_weighted(
        {net: 0.5}, reg.l2, tags={'regularisable': True}),
])
def test_a_filter_that_selects_nothing_warns_and_gives_zero(net, call):
    with pytest.warns(UserWarning, match=r"tags=\{'regularisable': True\} "
                                         r"select none of the \d parameters"
                      ) as record:
        result = call(net)
    assert len(record) == 1
    assert result == 0
    assert record[0].filename == __file__     # points at the caller


def test_no_warning_when_there_is_nothing_to_select(bk, net):
    bare = DuckLayer(None)
    only_biases = DuckLayer(None, [(bk.shared(np.ones(2)), {'trainable'})])
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        assert reg.regularize_network_params(bare, reg.l2) == 0
        assert reg.regularize_layer_params([], reg.l2) == 0
        assert reg.regularize_layer_params_weighted({}, reg.l2) == 0
        # a tag-free filter, and a filter that selects something
        reg.regularize_network_params(net, reg.l2, tags={})
        reg.regularize_network_params(net, reg.l2)
        # a layer without weights in a network that has some
        bias_layer = DuckLayer(net, [(bk.shared(np.ones(2)), {'trainable'})])
        assert reg.regularize_layer_params(bias_layer, reg.l2) == 0
    with pytest.warns(UserWarning):
        reg.regularize_network_params(only_biases, reg.l2)


def test_nothing_passed_in_is_mutated(bk, net):
    tags = {'regularizable': True}
    coeffs = collections.OrderedDict([(net, 0.5), (net.input_layer, 2)])
    layer_list = [net, net.input_layer]
    snapshot = (dict(tags), list(coeffs.items()), list(layer_list),
                [list(lay.params.items()) for lay in layer_list])
    values = [p.get_value().copy() for lay in layer_list for p in lay.params]
    reg.regularize_layer_params_weighted(coeffs, reg.l1, tags=tags)
    reg.regularize_layer_params(layer_list, reg.l1, tags=tags)
    reg.regularize_network_params(layer_list, reg.l1, tags=tags)
    tensors = [p for lay in layer_list for p in lay.params]
    reg.apply_penalty(tensors, reg.l2)
    assert snapshot == (dict(tags), list(coeffs.items()), list(layer_list),
                        [list(lay.params.items()) for lay in layer_list])
    assert tensors == [p for lay in layer_list for p in lay.params]
    for before, p in zip(values, tensors):
        np.testing.assert_array_equal(before, p.get_value())


def test_the_default_tags_survive_a_caller_that_tries_to_change_them(net):
    import inspect
    default = inspect.signature(reg.regularize_layer_params) \
        .parameters['tags'].default
    for attempt in (lambda: default.__setitem__('trainable', True),
                    lambda: default.pop('regularizable'),
                    lambda: default.clear(),
                    lambda: default.setdefault('x', 1),
                    lambda: default.popitem()):
        with pytest.raises(TypeError):
            attempt()
    assert default == {'regularizable': True}
