"""Bad input gets a clear error naming the argument; nothing passed in changes.

Every check goes through the public functions, as a user meets it.
"""
import collections
import re
import warnings

import numpy as np
import pytest

from lasagne_reg import group_lasso, l1_l2
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


def exactly(message):
    """A pytest.raises pattern that matches `message` and nothing more."""
    return '^%s$' % re.escape(message)


CALLABLE = ('penalty: expected a callable that maps a tensor to a scalar '
            '(such as l1 or l2), got ')


@pytest.mark.parametrize('helper', HELPERS)
@pytest.mark.parametrize('penalty, shown', [
    (None, 'NoneType None'), ('l2', "str 'l2'"), (3, 'int 3')])
def test_penalty_must_be_callable(net, helper, penalty, shown):
    with pytest.raises(TypeError, match=exactly(CALLABLE + shown)):
        helper(net, penalty=penalty)


@pytest.mark.parametrize('penalty', [None, 'l2'])
def test_apply_penalty_penalty_must_be_callable(bk, penalty):
    with pytest.raises(TypeError, match=r'^penalty: expected a callable'):
        reg.apply_penalty([bk.shared(np.ones(2))], penalty)


@pytest.mark.nobackend
@pytest.mark.parametrize('length, shown', [
    # a repr of up to 60 characters is shown whole
    (58, "str '" + 'x' * 58 + "'"),
    # a longer one: its first 57 characters and '...'
    (59, "str '" + 'x' * 56 + '...'),
    (200, "str '" + 'x' * 56 + '...'),
])
def test_a_long_value_is_shortened_in_messages(length, shown):
    with pytest.raises(TypeError, match=exactly(CALLABLE + shown)):
        reg.apply_penalty([np.ones(2)], 'x' * length)


TAGS = ("tags: expected a mapping of tag names to True/False, such as "
        "{'regularizable': True}, got ")


@pytest.mark.parametrize('helper', HELPERS)
@pytest.mark.parametrize('tags, message', [
    (['regularizable'], TAGS + "list ['regularizable']"),
    ('regularizable', TAGS + "str 'regularizable'"),
    ({1: True}, "tags: tag names must be strings, got key int 1"),
])
def test_tags_must_be_a_mapping_of_strings(net, helper, tags, message):
    with pytest.raises(TypeError, match=exactly(message)):
        helper(net, penalty=reg.l2, tags=tags)


@pytest.mark.nobackend
@pytest.mark.parametrize('layers, shown', [
    ([1, 2], 'list [1, 2]'), (None, 'NoneType None'),
    ('layer', "str 'layer'"), (3.0, 'float 3.0')])
def test_weighted_layers_must_be_a_mapping(layers, shown):
    with pytest.raises(TypeError, match=exactly(
            'layers: expected a mapping from layers to coefficients, such as '
            '{layer1: 0.1, layer2: 0.5}, got ' + shown)):
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
                       r'coefficient rewards large weights; 0 switches the '
                       r'penalty off\)$'),
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


def test_a_symbolic_coefficient_that_is_no_tensor_is_a_clear_error(bk, net):
    # a shared random generator: a variable of the backend, but no number
    # (every backend shares a Generator; PyTensor refuses a RandomState)
    state = bk.root.shared(np.random.default_rng(0))
    shown = 'got %s %s' % (type(state).__name__, repr(state)[:57])
    with pytest.raises(TypeError, match=r"^layers\[DuckLayer 'second'\]: "
                                        r"expected the layer's coefficient "
                                        r"to be a real number or a scalar "
                                        r"tensor, " + re.escape(shown)):
        reg.regularize_layer_params_weighted({net: state}, reg.l2)
    with pytest.raises(TypeError, match=r'^l1: expected a real number or a '
                                        r'scalar tensor, ' + re.escape(shown)):
        l1_l2(np.ones(2), l1=state)


@pytest.mark.nobackend
@pytest.mark.parametrize('kwargs, error, message', [
    (dict(l1=-0.1), ValueError,
     'l1: expected a non-negative number, got -0.1 (a negative coefficient '
     'rewards large weights; 0 switches the penalty off)'),
    (dict(l2='0.1'), TypeError,
     "l2: expected a real number, got str '0.1'; write the number without "
     "quotes (0.1, not '0.1')"),
    (dict(l2=None), TypeError,
     'l2: expected a real number, got NoneType None; give a number such as '
     '0.1 or a symbolic scalar'),
    (dict(l1=float('inf')), ValueError,
     'l1: expected a finite number, got inf'),
])
def test_a_coefficient_argument_is_named_in_its_error(kwargs, error, message):
    # l1_l2's coefficients are arguments of their own: no "to be"
    with pytest.raises(error, match=exactly(message)):
        l1_l2(np.ones(2), **kwargs)


def test_a_symbolic_coefficient_argument_must_be_scalar(bk):
    with pytest.raises(ValueError, match=exactly(
            'l2: expected a scalar, got a 2-d tensor')):
        l1_l2(np.ones(2), l2=bk.shared(np.ones((2, 2))))


@pytest.mark.nobackend
def test_a_zero_coefficient_switches_a_penalty_off():
    x = np.array([1.0, -2.0, 3.0])
    np.testing.assert_allclose(l1_l2(x, l1=0, l2=0.5), 0.5 * 14.0)
    np.testing.assert_allclose(l1_l2(x, l1=0.5, l2=0.0), 0.5 * 6.0)
    assert l1_l2(x, l1=0, l2=np.float32(0)) == 0


@pytest.mark.parametrize('helper', HELPERS)
def test_a_penalty_that_returns_no_scalar_fails_when_built(net, helper):
    with pytest.raises(ValueError, match=r"^penalty: expected a scalar from "
                                         r"<lambda>\(x\), got a 2-d result "
                                         r"for 'W[12]' \(2-d\); reduce it to "
                                         r"one number, for example lambda w: "
                                         r"\(w \*\* 2\)\.sum\(\)$"):
        helper(net, penalty=lambda w: w ** 2)


@pytest.mark.nobackend
@pytest.mark.parametrize('result', [[1.0, 2.0], (1.0, 2.0)])
def test_a_penalty_that_returns_a_list_fails(result):
    with pytest.raises(ValueError, match=exactly(
            'penalty: expected a scalar from <lambda>(x), got a 1-d result '
            'for a numpy array of shape (3,); reduce it to one number, for '
            'example lambda w: (w ** 2).sum()')):
        reg.apply_penalty([np.ones(3)], lambda x: result)


@pytest.mark.nobackend
def test_a_penalty_object_is_named_by_its_class():
    class Squares:
        def __call__(self, x):
            return x ** 2
    with pytest.raises(ValueError, match=r'^penalty: expected a scalar from '
                                         r'Squares\(x\), got a 1-d result'):
        reg.apply_penalty([np.ones(3)], Squares())


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
    with pytest.raises(TypeError, match=exactly(
            "regularisable=True: the penalty l2 takes no keyword argument "
            "'regularisable' (its parameters: x); tags go in tags=, for "
            "example tags={'regularisable': True} (Lasagne's tags are "
            "'regularizable' and 'trainable')")):
        helper(net, penalty=reg.l2, regularisable=True)


@pytest.mark.nobackend
def test_keywords_a_penalty_takes_reach_it_and_the_others_are_errors():
    def scaled(x, scale=1.0):
        return scale * (x ** 2).sum()

    def capped(x, *, cap):
        return min((x ** 2).sum(), cap)
    arrays = [np.ones(2), np.full(3, 2.0)]      # squares sum to 2 and 12
    assert reg.apply_penalty(arrays, scaled, scale=0.5) == 0.5 * (2 + 12)
    assert reg.apply_penalty(arrays, capped, cap=5.0) == 2 + 5.0
    # every keyword is checked, not only the first
    with pytest.raises(TypeError, match=exactly(
            "regularisable=True: the penalty scaled takes no keyword argument "
            "'regularisable' (its parameters: x, scale)")):
        reg.apply_penalty(arrays, scaled, scale=0.5, regularisable=True)
    with pytest.raises(TypeError, match=exactly(
            "scale=2: the penalty <lambda> takes no keyword argument 'scale' "
            "(its parameters: none)")):
        reg.apply_penalty(arrays, lambda: 1.0, scale=2)


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


def _foreign_variable(backend_name, **attributes):
    """An object whose class comes from `backend_name`'s tensor module."""
    return type('TensorVariable', (object,),
                dict(attributes, __module__=backend_name + '.tensor.var'))()


@pytest.mark.parametrize('n_own, shown', [
    (3, "'W0' (1-d), 'W1' (1-d), 'W2' (1-d)"),
    # at most three of a backend are named
    (4, "'W0' (1-d), 'W1' (1-d), 'W2' (1-d), ..."),
])
def test_mixing_backends_names_what_is_mixed(bk, n_own, shown):
    other = next(name for name in ('theano', 'pytensor', 'aesara')
                 if name != bk.name)
    own = [bk.shared(np.ones(2), name='W%d' % i) for i in range(n_own)]
    # an unnamed variable is told by its class; without ndim, by it alone
    foreign = [_foreign_variable(other, name=None, ndim=2),
               _foreign_variable(other)]
    with pytest.raises(TypeError, match=exactly(
            'tensor_or_tensors: expected variables of one backend, got %s '
            'variables (%s) and %s variables (TensorVariable (2-d), '
            'TensorVariable); one graph cannot mix them: build the whole '
            'model with one of %s, %s' % (bk.name, shown, other, bk.name,
                                          other))):
        reg.apply_penalty(own[:1] + foreign + own[1:], reg.l2)


@pytest.mark.nobackend
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


class Opaque:
    """Neither a tensor nor an iterable."""

    def __repr__(self):
        return '<opaque>'


@pytest.mark.nobackend
@pytest.mark.parametrize('value, message', [
    (None, 'NoneType None'),
    ('W', "str 'W'"),
    (3, 'int 3'),
    (2.5, 'float 2.5'),
    (np.float64(2.5), 'float64 ' + repr(np.float64(2.5))),
    (Opaque(), 'Opaque <opaque>'),
])
def test_apply_penalty_rejects_non_tensors(value, message):
    with pytest.raises(TypeError, match=exactly(
            'tensor_or_tensors: expected a tensor, a numpy array, or an '
            'iterable of them, got ' + message)):
        reg.apply_penalty(value, reg.l2)


@pytest.mark.nobackend
@pytest.mark.parametrize('value, shown', [
    (None, 'NoneType None'), ('W', "str 'W'"), ([1.0, 2.0], 'list [1.0, 2.0]')])
def test_penalties_reject_non_tensors(value, shown):
    for penalty in (reg.l1, reg.l2):
        with pytest.raises(TypeError, match=exactly(
                'x: expected a Theano, PyTensor or Aesara tensor or a numpy '
                'array, got ' + shown)):
            penalty(value)


@pytest.mark.parametrize('axis, error, message', [
    (2, ValueError, 'axis: 2 is out of range for a tensor with 2 '
                    'dimension(s) (expected -2 <= axis < 2)'),
    (-3, ValueError, 'axis: -3 is out of range for a tensor with 2 '
                     'dimension(s) (expected -2 <= axis < 2)'),
    (1.0, TypeError, 'axis: expected an int or a tuple of ints, got float '
                     '1.0'),
    (True, TypeError, 'axis: expected an int or a tuple of ints, got bool '
                      'True'),
    (None, TypeError, 'axis: expected an int or a tuple of ints, got '
                      'NoneType None'),
    ((0, True), TypeError, 'axis: expected an int, got bool True'),
])
def test_an_axis_must_be_an_int_in_range(bk, axis, error, message):
    for x in (np.ones((2, 3)), bk.shared(np.ones((2, 3)))):
        with pytest.raises(error, match=exactly(message)):
            group_lasso(x, axis=axis)


@pytest.mark.parametrize('axis, error, message', [
    ((), ValueError, 'axis: expected an int or a tuple of at least one int, '
                     'got ()'),
    ([], ValueError, 'axis: expected an int or a tuple of at least one int, '
                     'got []'),
    ((0, 0), ValueError, 'axis: (0, 0) names axis 0 more than once'),
    ([1, -1, 0], ValueError, 'axis: (1, -1, 0) names axis 1 more than once'),
    ((0, 2), ValueError, 'axis: 2 is out of range for a tensor with 2 '
                         'dimension(s) (expected -2 <= axis < 2)'),
    ((-3,), ValueError, 'axis: -3 is out of range for a tensor with 2 '
                        'dimension(s) (expected -2 <= axis < 2)'),
    ((0, '1'), TypeError, "axis: expected an int, got str '1'"),
    ((0, 1.0), TypeError, 'axis: expected an int, got float 1.0'),
])
def test_a_tuple_of_axes_must_name_each_axis_once_in_range(bk, axis, error,
                                                           message):
    for x in (np.ones((2, 3)), bk.shared(np.ones((2, 3)))):
        with pytest.raises(error, match=exactly(message)):
            group_lasso(x, axis=axis)


@pytest.mark.parametrize('axis, axes', [
    ((0, 1), (0, 1)), ((1, 0), (0, 1)), ([-1], (1,)), ((np.int64(-2),), (0,)),
    (-2, (0,))])
def test_every_tuple_of_axes_in_range_counts_as_in_numpy(axis, axes):
    a = np.arange(6.0).reshape(2, 3) - 2.5
    expected = np.sqrt((a ** 2).sum(axis=axes)).sum()
    np.testing.assert_allclose(group_lasso(a, axis=axis), expected,
                               rtol=1e-12)


def test_axes_errors_name_the_parameter_in_the_update_transforms(bk):
    from collections import OrderedDict

    from lasagne_reg import group_lasso_proximal, max_norm
    W = bk.shared(np.ones((2, 3)), name='W')
    updates = OrderedDict([(W, W * 1)])
    with pytest.raises(ValueError, match=exactly(
            "norm_axes: 2 is out of range for parameter 'W' with 2 "
            "dimension(s) (expected -2 <= norm_axes < 2)")):
        max_norm(updates, [W], 1.0, norm_axes=(0, 2))
    with pytest.raises(ValueError, match=exactly(
            "axis: -3 is out of range for parameter 'W' with 2 dimension(s) "
            "(expected -2 <= axis < 2)")):
        group_lasso_proximal(updates, [W], 1.0, axis=-3)


@pytest.mark.parametrize('value, error, message', [
    (0, ValueError, 'max_norm: expected a positive number, got 0'),
    (0.0, ValueError, 'max_norm: expected a positive number, got 0.0'),
    (-2.0, ValueError, 'max_norm: expected a positive number, got -2.0'),
    (np.float32(-1), ValueError, 'max_norm: expected a positive number, got '
                                 + repr(np.float32(-1))),
    (float('inf'), ValueError, 'max_norm: expected a finite number, got inf'),
    ('1', TypeError, "max_norm: expected a real number, got str '1'; write "
                     "the number without quotes (0.1, not '1')"),
])
def test_a_limit_must_be_positive(bk, value, error, message):
    from collections import OrderedDict

    from lasagne_reg import max_norm
    W = bk.shared(np.ones((2, 3)), name='W')
    with pytest.raises(error, match=exactly(message)):
        max_norm(OrderedDict([(W, W * 1)]), [W], value)
    # the smallest positive limit is a limit: every unit of norm sqrt(2)
    # is scaled down to it
    tiny = 1e-300
    got = bk.evaluate(max_norm(OrderedDict([(W, W * 1)]), [W], tiny)[W])
    np.testing.assert_allclose(np.sqrt((got ** 2).sum(axis=0)), 0.0,
                               atol=1e-299)


def test_every_axis_in_range_counts_as_in_numpy():
    a = np.arange(6.0).reshape(2, 3) - 2.5
    for axis in (-2, -1, 0, 1):
        expected = np.sqrt((a ** 2).sum(axis=axis)).sum()
        np.testing.assert_allclose(group_lasso(a, axis=axis), expected,
                                   rtol=1e-12, err_msg=str(axis))
    np.testing.assert_allclose(group_lasso(np.arange(3.0), axis=-1),
                               np.sqrt(5.0), rtol=1e-12)


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
