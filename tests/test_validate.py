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
    ('0.1', TypeError, r"real number, got str '0.1'; write the number "
                       r"without quotes \(0.1, not '0.1'\)"),
    (None, TypeError, 'real number, got NoneType None; give a number'),
    (True, TypeError, 'real number'),
    (1j, TypeError, 'real number'),
    (float('nan'), ValueError, 'finite number'),
    (float('inf'), ValueError, 'finite number'),
    (np.float32('-inf'), ValueError, 'finite number'),
    (-0.1, ValueError, r'non-negative number, got -0.1 \(a negative '
                       r'coefficient rewards large weights; 0 switches'),
    (np.array([0.1, 0.2]), TypeError, 'real number'),
])
def test_weighted_coefficients_are_checked(net, coeff, error, message):
    with pytest.raises(error, match=r"^layers\[DuckLayer 'second'\]: "
                                    r"expected the layer's coefficient to be "
                                    r"a " + message):
        reg.regularize_layer_params_weighted({net: coeff}, reg.l2)


def test_an_unnamed_layer_is_told_by_its_position(bk, net):
    first, second = DuckLayer(None), DuckLayer(None)
    with pytest.raises(TypeError, match=r"^layers\[DuckLayer #2 of 3\]: "
                                        r"expected the layer's coefficient"):
        reg.regularize_layer_params_weighted(
            collections.OrderedDict([(first, 0.1), (second, '0.1'),
                                     (net, 0.1)]), reg.l2)


@pytest.mark.lasagne
def test_an_unnamed_lasagne_layer_is_told_by_position_and_shape():
    from lasagne.layers import DenseLayer, InputLayer
    hidden = DenseLayer(InputLayer((None, 4)), 3)
    out = DenseLayer(hidden, 2, name=None)
    with pytest.raises(TypeError, match=r"^layers\[DenseLayer #2 of 2, output "
                                        r"shape \(None, 2\)\]: expected the "
                                        r"layer's coefficient to be a real "
                                        r"number, got str '0.1'"):
        reg.regularize_layer_params_weighted({hidden: 0.1, out: '0.1'},
                                             reg.l2)


def test_symbolic_coefficient_must_be_scalar(bk, net):
    with pytest.raises(ValueError, match=r"^layers\[DuckLayer 'second'\]: "
                                         r"expected the layer's coefficient "
                                         r"to be a scalar, got a 1-d tensor"):
        reg.regularize_layer_params_weighted(
            {net: bk.shared(np.ones(2))}, reg.l2)


@pytest.mark.parametrize('helper', HELPERS)
def test_a_penalty_that_returns_no_scalar_fails_when_built(net, helper):
    with pytest.raises(ValueError, match=r"^penalty: expected a scalar from "
                                         r"<lambda>\(x\), got a 2-d result "
                                         r"for 'W[12]' \(2-d\); reduce it"):
        helper(net, penalty=lambda w: w ** 2)


def test_apply_penalty_checks_each_term_is_a_scalar(bk):
    def squares(x):
        return x ** 2
    with pytest.raises(ValueError, match=r"^penalty: expected a scalar from "
                                         r"squares\(x\), got a 1-d result for "
                                         r"a numpy array of shape \(3,\)"):
        reg.apply_penalty([np.ones(3)], squares)
    with pytest.raises(ValueError, match=r'got a 1-d result'):
        reg.apply_penalty(bk.shared(np.ones(3)), squares)
    # a penalty that returns a plain number is fine
    assert reg.apply_penalty([np.ones(3), np.ones(2)], lambda x: 1.5) == 3.0


@pytest.mark.parametrize('helper', [reg.regularize_network_params,
                                    reg.regularize_layer_params])
def test_an_array_given_as_layer_says_how_to_penalize_it(bk, helper):
    with pytest.raises(TypeError, match=r"^layer: expected a layer or an "
                                        r"iterable of layers, got a numpy "
                                        r"array of shape \(3, 4\); to "
                                        r"penalize a tensor or an array, call "
                                        r"the penalty on it \(l2\(x\)\)"):
        helper(np.ones((3, 4)), reg.l2)
    with pytest.raises(TypeError, match=r"^layer: expected a layer .* got "
                                        r"'W' \(2-d\); to penalize"):
        helper(bk.shared(np.ones((3, 4)), name='W'), reg.l2)


@pytest.mark.parametrize('helper', HELPERS)
def test_a_tag_given_as_keyword_says_tags_go_in_tags(net, helper):
    with pytest.raises(TypeError, match=r"^regularisable=True: the penalty l2 "
                                        r"takes no keyword argument "
                                        r"'regularisable' \(its parameters: "
                                        r"x\); tags go in tags=, for example "
                                        r"tags=\{'regularisable': True\}"):
        helper(net, penalty=reg.l2, regularisable=True)


def test_an_unknown_keyword_names_the_penalty_and_its_parameters(net):
    from lasagne_reg import group_lasso
    with pytest.raises(TypeError, match=r"^axes=1: the penalty group_lasso "
                                        r"takes no keyword argument 'axes' "
                                        r"\(its parameters: x, axis\)$"):
        reg.regularize_network_params(net, group_lasso, axes=1)
    with pytest.raises(TypeError, match=r"^scale=2: the penalty l2 takes no "
                                        r"keyword argument 'scale'"):
        reg.apply_penalty([np.ones(2)], reg.l2, scale=2)
    # keywords the penalty takes still reach it
    seen = []

    def anything(x, **kwargs):
        seen.append(kwargs)
        return reg.l2(x)
    reg.regularize_network_params(net, anything, trainable=True)
    assert seen[0] == {'trainable': True}


def test_mixing_backends_is_a_clear_error(bk):
    other = next(name for name in ('theano', 'pytensor', 'aesara')
                 if name != bk.name)
    foreign = type('TensorVariable', (object,),
                   {'__module__': other + '.tensor.variable',
                    'name': 'V', 'ndim': 1})()
    own = bk.shared(np.ones(2), name='W')
    with pytest.raises(TypeError, match=r"^tensor_or_tensors: expected "
                                        r"variables of one backend, got %s "
                                        r"variables \('W' \(1-d\)\) and %s "
                                        r"variables \('V' \(1-d\)\); one "
                                        r"graph cannot mix them"
                                        % (bk.name, other)):
        reg.apply_penalty([own, foreign], reg.l2)
    first = DuckLayer(None, [(own, {'regularizable'})], name='a')
    second = DuckLayer(first, [(foreign, {'regularizable'})], name='b')
    with pytest.raises(TypeError, match=r'^layer: expected variables of one '
                                        r'backend'):
        reg.regularize_network_params(second, reg.l2)
    with pytest.raises(TypeError, match=r'^layers: expected variables of one '
                                        r'backend'):
        reg.regularize_layer_params_weighted({first: 1.0, second: 1.0},
                                             reg.l2)


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
    message = str(record[0].message)
    assert ("no parameter has the tag 'regularisable': is it misspelt? Did "
            "you mean 'regularizable'? (tags in this network: regularizable, "
            "trainable)") in message


def test_a_valid_filter_that_selects_nothing_says_what_exists(net):
    tags = {'regularizable': True, 'trainable': False}
    with pytest.warns(UserWarning) as record:
        assert reg.regularize_network_params(net, reg.l2, tags=tags) == 0
    message = str(record[0].message)
    assert message.startswith("tags=%r select none of the 3 parameters"
                              % tags)
    assert message.endswith('the network has 2 tagged regularizable and '
                            'trainable, 1 tagged trainable')
    assert 'misspelt' not in message


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
