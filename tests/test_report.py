"""penalty_breakdown and format_breakdown: per-parameter penalties, a table;
sparsity_breakdown and format_sparsity: exact zeros and zero units."""
import collections
import inspect
import re

import numpy as np
import pytest

import lasagne_reg
from lasagne_reg import (
    format_breakdown,
    format_sparsity,
    l1_l2,
    penalty_breakdown,
    sparsity_breakdown,
)
from lasagne_reg import regularization as reg
from tests._support import DuckLayer, np_l1, np_l2


def evaluate_all(bk, breakdown, *more):
    """The breakdown's values and any further expressions, one function."""
    out = bk.function([], list(breakdown.values()) + list(more))()
    return out[:len(breakdown)], out[len(breakdown):]


# -- penalty_breakdown ------------------------------------------------------

def test_breakdown_of_a_duck_network(bk, duck_mlp):
    breakdown = penalty_breakdown(duck_mlp, reg.l2)
    assert type(breakdown) is collections.OrderedDict
    assert [p.name for p in breakdown] == ['W0', 'W1', 'W2']
    values, (total,) = evaluate_all(
        bk, breakdown, reg.regularize_network_params(duck_mlp, reg.l2))
    for param, value in zip(breakdown, values):
        np.testing.assert_allclose(value, np_l2([param.get_value()]),
                                   rtol=1e-12)
    np.testing.assert_allclose(sum(values), total, rtol=1e-12)


def test_breakdown_tags_and_kwargs(bk, duck_mlp):
    trainable = penalty_breakdown(duck_mlp, l1_l2, tags={'trainable': True},
                                  l1=0.5, l2=0.25)
    assert [p.name for p in trainable] == ['W0', 'b0', 'W1', 'b1', 'W2', 'b2']
    total = reg.regularize_network_params(
        duck_mlp, l1_l2, tags={'trainable': True}, l1=0.5, l2=0.25)
    values, (total,) = evaluate_all(bk, trainable, total)
    for param, value in zip(trainable, values):
        a = param.get_value()
        np.testing.assert_allclose(
            value, 0.5 * np_l1([a]) + 0.25 * np_l2([a]), rtol=1e-12)
    np.testing.assert_allclose(sum(values), total, rtol=1e-12)
    biases = penalty_breakdown(duck_mlp, reg.l1, {'regularizable': False})
    assert [p.name for p in biases] == ['b0', 'b1', 'b2']


def test_breakdown_lists_a_tied_weight_once(bk):
    W = bk.shared(np.full((2, 2), 3.0), name='W')
    V = bk.shared(np.ones((2, 3)), name='V')
    l_in = DuckLayer(None)
    first = DuckLayer(l_in, [(W, {'regularizable'})])
    second = DuckLayer(first, [(W, {'regularizable'}), (V, {'regularizable'})])
    breakdown = penalty_breakdown([second, first], reg.l1)
    assert list(breakdown) == [W, V]
    values, _ = evaluate_all(bk, breakdown)
    assert values == [12.0, 6.0]


def test_breakdown_of_an_empty_selection_is_empty(duck_mlp):
    assert penalty_breakdown(duck_mlp, reg.l2, tags={'nothing': True}) == {}


@pytest.mark.nobackend
def test_breakdown_default_tags_is_the_shared_read_only_one():
    default = inspect.signature(penalty_breakdown).parameters['tags'].default
    assert default is reg._REGULARIZABLE
    with pytest.raises(TypeError, match='read-only'):
        default['regularizable'] = False


def test_breakdown_validates_and_mutates_nothing(duck_mlp):
    tags = {'regularizable': True}
    params_before = dict(duck_mlp.params)
    penalty_breakdown(duck_mlp, reg.l2, tags=tags)
    assert tags == {'regularizable': True}
    assert dict(duck_mlp.params) == params_before
    with pytest.raises(TypeError, match='penalty: expected a callable'):
        penalty_breakdown(duck_mlp, 'l2')
    with pytest.raises(TypeError, match='tags: expected a mapping'):
        penalty_breakdown(duck_mlp, reg.l2, tags=['regularizable'])
    with pytest.raises(TypeError, match=r'layer\[1\]: expected a layer'):
        penalty_breakdown([duck_mlp, 3], reg.l2)


@pytest.mark.lasagne
@pytest.mark.parametrize('net', ['mlp', 'convnet', 'merge_net', 'tied_net'])
def test_breakdown_sums_to_regularize_network_params_on_lasagne(
        bk, L, request, net):
    layer = request.getfixturevalue(net)
    if net == 'tied_net':
        layer = layer[1]
    breakdown = penalty_breakdown(layer, reg.l2)
    expected = L.get_all_params(layer, regularizable=True)
    assert list(breakdown) == expected
    if net == 'tied_net':
        assert len(expected) == 1            # the tied W, once
    values, (total,) = evaluate_all(
        bk, breakdown, reg.regularize_network_params(layer, reg.l2))
    rtol = {'float32': 1e-5, 'float64': 1e-10}[str(expected[0].dtype)]
    for param, value in zip(expected, values):
        np.testing.assert_allclose(value, np_l2([param.get_value()]),
                                   rtol=rtol)
    np.testing.assert_allclose(sum(values), total, rtol=rtol)
    np.testing.assert_allclose(
        total, np_l2([p.get_value() for p in expected]), rtol=rtol)


# -- format_breakdown -------------------------------------------------------

def rows(table):
    """The table's lines split into cells (a shape is one cell)."""
    return [re.findall(r'\([^)]*\)|\S+', line) for line in table.split('\n')]


def test_table_of_given_values(bk):
    W = bk.shared(np.zeros((4, 3)), name='hidden.W')
    V = bk.shared(np.zeros((3, 2, 2, 2)), name='conv.W')
    U = bk.shared(np.zeros(5))                          # no name
    breakdown = collections.OrderedDict([(W, 'unused'), (V, None), (U, 0)])
    table = format_breakdown(breakdown, [3.0, 1.0, 0.0])
    assert rows(table) == [
        ['param', 'shape', 'penalty', 'share'],
        ['hidden.W', '(4, 3)', '3', '75.0%'],
        ['conv.W', '(3, 2, 2, 2)', '1', '25.0%'],
        ['-', '(5,)', '0', '0.0%'],
        ['total', '4', '100.0%']]
    assert not table.endswith('\n')
    widths = {len(line) for line in table.split('\n')}
    assert len(widths) == 1                              # aligned columns
    by_param = format_breakdown(breakdown, {U: 0.0, V: 1.0, W: 3.0})
    assert by_param == table
    assert format_breakdown(breakdown, np.array([3.0, 1.0, 0.0])) == table


def test_table_evaluates_symbolic_penalties_itself(bk, duck_mlp):
    breakdown = penalty_breakdown(duck_mlp, reg.l1)
    before = list(breakdown.items())
    table = format_breakdown(breakdown)
    assert list(breakdown.items()) == before
    expected = [np_l1([p.get_value()]) for p in breakdown]
    total = sum(expected)
    lines = rows(table)
    assert lines[0] == ['param', 'shape', 'penalty', 'share']
    for param, value, line in zip(breakdown, expected, lines[1:]):
        assert line == [param.name, str(param.get_value().shape),
                        '%.5g' % value, '%.1f%%' % (100 * value / total)]
    assert lines[-1] == ['total', '%.5g' % total, '100.0%']
    assert len(lines) == len(breakdown) + 2


def test_table_mixes_numbers_and_expressions(bk):
    W = bk.shared(np.full((2, 2), -1.5), name='W')
    b = bk.shared(np.zeros(3), name='b')
    breakdown = collections.OrderedDict([(W, reg.l1(W)),
                                         (b, np.float32(2.0))])
    assert rows(format_breakdown(breakdown))[1:] == [
        ['W', '(2, 2)', '6', '75.0%'], ['b', '(3,)', '2', '25.0%'],
        ['total', '8', '100.0%']]


def test_table_of_zero_penalties_and_of_nothing(bk):
    W = bk.shared(np.zeros((2, 2)), name='W')
    table = format_breakdown(collections.OrderedDict([(W, reg.l2(W))]))
    assert rows(table)[1:] == [['W', '(2, 2)', '0', '-'], ['total', '0', '-']]
    assert rows(format_breakdown({})) == [
        ['param', 'shape', 'penalty', 'share'], ['total', '0', '-']]


def test_table_validates_its_arguments(bk):
    W = bk.shared(np.ones(2), name='W')
    V = bk.shared(np.ones(2), name='V')
    breakdown = collections.OrderedDict([(W, reg.l2(W)), (V, reg.l2(V))])
    with pytest.raises(TypeError, match='breakdown: expected a mapping'):
        format_breakdown([(W, 1.0)])
    with pytest.raises(ValueError, match='values: expected 2 values'):
        format_breakdown(breakdown, [1.0])
    with pytest.raises(ValueError, match='values: no value for 1 param'):
        format_breakdown(breakdown, {W: 1.0})
    with pytest.raises(TypeError, match=r'values\[1\]: expected a real'):
        format_breakdown(breakdown, [1.0, np.ones(2)])
    with pytest.raises(TypeError, match='values: expected'):
        format_breakdown(breakdown, 3.0)
    with pytest.raises(TypeError, match=r'breakdown\[0\]: expected a real'):
        format_breakdown(collections.OrderedDict([(W, 'one')]))


@pytest.mark.lasagne
def test_table_of_a_lasagne_network_with_named_layers(bk, L, merge_net):
    breakdown = penalty_breakdown(merge_net, reg.l2)
    compiled = bk.function([], list(breakdown.values()))
    lines = rows(format_breakdown(breakdown, compiled()))
    names = [line[0] for line in lines[1:-1]]
    assert names == ['left.W', 'right.W', 'right2.W', 'out.W']
    shapes = [line[1] for line in lines[1:-1]]
    assert shapes == [str(p.get_value().shape) for p in breakdown]
    assert shapes[0] == '(6, 4)'
    expected = [np_l2([p.get_value()]) for p in breakdown]
    assert [line[2] for line in lines[1:-1]] == ['%.5g' % v for v in expected]
    shares = [float(line[3].rstrip('%')) for line in lines[1:-1]]
    assert abs(sum(shares) - 100) < 0.3


@pytest.mark.nobackend
def test_package_exports_the_report():
    for name in ('penalty_breakdown', 'format_breakdown'):
        assert name in lasagne_reg.__all__
        assert getattr(lasagne_reg, name).__doc__


@pytest.mark.nobackend
def test_table_helper_aligns_text_left_and_numbers_right():
    # the layout the demo prints: one text column, a rule under the header
    from lasagne_reg.report import _table
    table = _table([('setting', 'acc', 'zeros'), ('l2', '97.5%', '0.0%'),
                    ('l1_proximal', '9.1%', '100.0%')], left=1, rule=True)
    assert table.split('\n') == [
        'setting        acc   zeros',
        '-----------  -----  ------',
        'l2           97.5%    0.0%',
        'l1_proximal   9.1%  100.0%']
    # the breakdown's layout: two text columns, then numbers
    assert _table([('a', 'bb', '10'), ('ccc', 'd', '1')]).split('\n') == [
        'a    bb  10', 'ccc  d    1']
    # no trailing blanks after a short last cell of a text column
    assert _table([('name', 'x'), ('n', 'yyy')]).split('\n') == [
        'name  x', 'n     yyy']


def test_table_error_messages_in_full(bk):
    W = bk.shared(np.ones(2), name='W')
    V = bk.shared(np.ones(2), name='V')
    breakdown = collections.OrderedDict([(W, reg.l2(W)), (V, reg.l2(V))])
    describe = lasagne_reg._validate.describe

    def message(error, *args):
        with pytest.raises(error) as info:
            format_breakdown(*args)
        return str(info.value)
    assert message(TypeError, [(W, 1.0)]) == (
        'breakdown: expected a mapping from parameters to penalties, as '
        'penalty_breakdown returns, got %s' % describe([(W, 1.0)]))
    assert message(ValueError, breakdown, [1.0]) == (
        'values: expected 2 values (one per parameter of breakdown), got 1')
    assert message(ValueError, breakdown, {W: 1.0}) == (
        'values: no value for 1 parameter(s) of breakdown, first %s'
        % describe(V))
    assert message(TypeError, breakdown, 3.0) == (
        'values: expected the evaluated penalties, a sequence in the order '
        'of breakdown or a mapping from parameters to values, got float 3.0')
    assert message(TypeError, breakdown, [1.0, np.ones(2)]) == (
        'values[1]: expected a real scalar penalty, got %s'
        % describe(np.ones(2)))
    assert message(TypeError, collections.OrderedDict([(W, 'one')])) == (
        "breakdown[0]: expected a real scalar penalty, got str 'one'")


@pytest.mark.nobackend
def test_breakdown_errors_name_the_layer_argument():
    with pytest.raises(TypeError) as info:
        penalty_breakdown(None, reg.l2)
    assert str(info.value).startswith('layer: expected a layer')


@pytest.mark.nobackend
def test_table_of_keys_that_are_not_variables():
    """Any hashable key: no name shows '-', no shape '?', a tuple shape."""
    class Duck:
        name = 'duck.W'
        shape = (2, 3)

    duck = Duck()
    table = format_breakdown(collections.OrderedDict(
        [('custom', 1.0), (duck, 3.0)]))
    assert rows(table) == [['param', 'shape', 'penalty', 'share'],
                           ['-', '?', '1', '25.0%'],
                           ['duck.W', '(2, 3)', '3', '75.0%'],
                           ['total', '4', '100.0%']]


def test_table_prints_five_significant_digits_in_any_range(bk):
    W = bk.shared(np.ones(2), name='W')
    V = bk.shared(np.ones(2), name='V')
    breakdown = collections.OrderedDict([(W, None), (V, None)])
    assert rows(format_breakdown(breakdown, [1.5e-07, 123456.7]))[1:] == [
        ['W', '(2,)', '1.5e-07', '0.0%'],
        ['V', '(2,)', '1.2346e+05', '100.0%'],
        ['total', '1.2346e+05', '100.0%']]


# -- sparsity_breakdown and format_sparsity ---------------------------------

def zero_slices(shape, axes, indices, seed=0):
    """Random nonzero values whose units (over `axes`) at `indices` are 0,
    and a few single zeros elsewhere."""
    a = np.random.RandomState(seed).uniform(0.5, 1.5, shape)
    a *= np.where(np.random.RandomState(seed + 1).rand(*shape) < 0.5, -1, 1)
    moved = np.moveaxis(a, axes, range(len(shape) - len(axes), len(shape)))
    for index in indices:
        moved[index] = 0.0
    return a


@pytest.mark.parametrize('shape, axis, axes, zero', [
    ((5, 4), None, (0,), [1, 3]),                   # dense: columns
    ((5, 4), 1, (1,), [0, 1, 2, 4]),                # dense: rows (inputs)
    ((5, 4), (0, 1), (0, 1), []),                   # the whole matrix
    ((4, 2, 3, 3), None, (1, 2, 3), [2]),           # conv: filters
    ((4, 2, 3, 3), (2, 3), (2, 3), [(0, 1), (3, 0)]),
    ((3, 4, 2), None, (1, 2), [0, 2]),
    ((3, 2, 2, 2, 2), None, (1, 2, 3, 4), [1]),
])
def test_sparsity_counts_zeros_and_zero_units(bk, shape, axis, axes, zero):
    a = zero_slices(shape, axes, zero)
    a.flat[np.flatnonzero(a)[::7]] = -0.0           # single zeros, signed
    W = bk.shared(a, name='W')
    found = sparsity_breakdown([W], axis=axis)
    assert list(found) == [W]
    s = found[W]
    assert isinstance(s, lasagne_reg.report.Sparsity)
    assert s.shape == shape and s.size == a.size and s.axes == axes
    assert s.zeros == int((a == 0).sum())
    assert s.units == int(np.prod([n for i, n in enumerate(shape)
                                   if i not in axes]))
    assert s.zero_units == tuple(zero)


def test_sparsity_of_vectors_counts_zeros_only(bk):
    b = bk.shared(np.array([0.0, 1.0, -0.0, np.nan]), name='b')
    for axis in (None, 1, (0, 1)):
        s = sparsity_breakdown([b], axis=axis)[b]
        assert (s.zeros, s.size, s.axes, s.units, s.zero_units) == \
            (2, 4, None, None, None)


def test_sparsity_of_a_network_in_network_order(bk, duck_mlp):
    weights = [p for p in _all_params(duck_mlp) if p.name.startswith('W')]
    weights[1].set_value(np.zeros((4, 3)))
    found = sparsity_breakdown(duck_mlp, axis=1)
    assert list(found) == weights                   # regularizable, in order
    assert [s.zero_units for s in found.values()] == [(), (0, 1, 2, 3), ()]
    everything = sparsity_breakdown(duck_mlp, tags={'trainable': True})
    assert [p.name for p in everything] == ['W0', 'b0', 'W1', 'b1', 'W2',
                                            'b2']
    assert everything[weights[1]].zero_units == (0, 1, 2)    # its columns


def _all_params(layer):
    from lasagne_reg import _graph
    return _graph.network_params([layer], {})


def test_sparsity_evaluates_expressions_that_are_not_shared(bk):
    W = bk.shared(np.array([[1.0, 0.0], [2.0, 0.0]]), name='W')
    V = bk.shared(np.array([[0.0, 3.0], [0.0, 0.0], [0.0, 1.0]]), name='V')
    shifted, reversed_ = W + 1, V[::-1]
    found = sparsity_breakdown([V, shifted, W, reversed_], axis=0)
    assert list(found) == [V, shifted, W, reversed_]
    assert [(s.zeros, s.zero_units) for s in found.values()] == [
        (4, (0,)), (0, ()), (2, (1,)), (4, (0,))]
    assert found[reversed_].shape == (3, 2)
    alone = W * 0                                     # one expression alone
    assert sparsity_breakdown([alone])[alone].zero_units == (0, 1)


def test_sparsity_of_shared_variables_compiles_nothing(bk, duck_mlp,
                                                       monkeypatch):
    # a report at every epoch reads the values: no function is compiled
    def refuse(*args, **kwargs):
        raise AssertionError('compiled a function to read shared values')
    monkeypatch.setattr(bk.root, 'function', refuse)
    found = sparsity_breakdown(duck_mlp, tags={'trainable': True})
    assert [s.size for s in found.values()] == [20, 4, 12, 3, 6, 2]


def test_sparsity_reads_without_changing_anything(bk):
    a = np.array([[0.0, 1.0], [0.0, 2.0]])
    W = bk.shared(a.copy(), name='W')
    tags = {'regularizable': True}
    layer = DuckLayer(DuckLayer(None), [(W, {'regularizable'})])
    sparsity_breakdown(layer, axis=1, tags=tags)
    assert tags == {'regularizable': True}
    np.testing.assert_array_equal(W.get_value(), a)


def test_sparsity_bad_input_is_named(bk, duck_mlp):
    W = bk.shared(np.ones((2, 3)), name='W')
    with pytest.raises(ValueError) as info:
        sparsity_breakdown([W], axis=2)
    assert str(info.value) == (
        "axis: 2 is out of range for parameter 'W' with 2 dimension(s) "
        "(expected -2 <= axis < 2)")
    with pytest.raises(TypeError, match=r'^params\[0\]: expected a '
                                        r'parameter'):
        sparsity_breakdown([np.ones((2, 3))])
    with pytest.raises(TypeError, match='^params: expected a list of param'):
        sparsity_breakdown(None)
    with pytest.raises(TypeError, match='^tags: expected a mapping'):
        sparsity_breakdown(duck_mlp, tags='regularizable')
    with pytest.raises(TypeError, match='^axis: expected an int or a tuple'):
        sparsity_breakdown([W], axis='1')


def test_sparsity_table_in_full(bk):
    a = np.ones((8, 3))
    a[[0, 1, 2, 5]] = 0.0
    a[7, 1] = 0.0
    W = bk.shared(a, name='hidden.W')
    b = bk.shared(np.array([0.0, 1.0, 2.0]), name='hidden.b')
    F = bk.shared(np.zeros((2, 1, 2, 2)))
    table = format_sparsity(sparsity_breakdown([W, b, F], axis=1))
    assert table.split('\n') == [
        'param     shape         zeros   share  zero units  which',
        'hidden.W  (8, 3)           13   54.2%         4/8  0-2, 5',
        'hidden.b  (3,)              1   33.3%           -  -',
        '-         (2, 1, 2, 2)      8  100.0%         8/8  (0, 0, 0), '
        '(0, 0, 1), (0, 1, 0), (0, 1, 1), (1, 0, 0), (1, 0, 1), (1, 1, 0), '
        '(1, 1, 1)',
        'total                      22   62.9%']


def test_sparsity_table_of_nothing_and_of_empty_parameters(bk):
    assert format_sparsity(collections.OrderedDict()).split('\n') == [
        'param  shape  zeros  share  zero units  which',
        'total             0      -']
    E = bk.shared(np.zeros((0, 3)), name='E')
    assert rows(format_sparsity(sparsity_breakdown([E])))[1] == \
        ['E', '(0, 3)', '0', '-', '3/3', '0-2']


def test_sparsity_table_shows_runs_and_counts_the_rest(bk):
    a = np.ones((100, 2))
    a[::2] = 0.0                      # 50 runs of one
    a[1:4] = 0.0                      # 0-4 is one run now
    W = bk.shared(a, name='W')
    found = sparsity_breakdown([W], axis=1)
    assert len(found[W].zero_units) == 52
    which = format_sparsity(found).split('\n')[1].split('  ')[-1]
    runs = ['0-4'] + [str(i) for i in range(6, 44, 2)]
    assert which == ', '.join(runs) + ', ... and 28 more'
    which = format_sparsity(found, most=100).split('\n')[1].split('  ')[-1]
    assert which == ', '.join(['0-4'] + [str(i) for i in range(6, 100, 2)])
    assert format_sparsity(found, most=1).split('\n')[1].endswith(
        '  0-4, ... and 47 more')
    # as many runs as allowed: all shown, nothing counted
    assert format_sparsity(found, most=48).split('\n')[1].endswith(
        ', 96, 98')


def test_sparsity_table_errors_name_the_argument(bk):
    W = bk.shared(np.ones((2, 2)), name='W')
    with pytest.raises(TypeError) as info:
        format_sparsity([(W, None)])
    assert str(info.value).startswith(
        'breakdown: expected a mapping from parameters to Sparsity, as '
        'sparsity_breakdown returns, got list')
    with pytest.raises(TypeError) as info:
        format_sparsity(collections.OrderedDict([(W, 3)]))
    assert str(info.value) == ('breakdown[0]: expected a Sparsity, as '
                               'sparsity_breakdown gives, got int 3')


@pytest.mark.lasagne
def test_sparsity_names_the_inputs_and_filters_of_lasagne_layers(
        bk, L, mlp, convnet):
    hidden = L.get_all_layers(mlp)[1]
    W = hidden.W.get_value()
    W[[1, 4]] = 0.0                                  # inputs 1 and 4 dropped
    hidden.W.set_value(W)
    found = sparsity_breakdown(mlp, axis=1)
    assert list(found) == L.get_all_params(mlp, regularizable=True)
    assert found[hidden.W].zero_units == (1, 4)
    assert found[hidden.W].zeros == 2 * W.shape[1]
    line = format_sparsity(found).split('\n')[1]
    assert line.split()[0] == hidden.W.name and line.endswith('2/6  1, 4')
    conv = L.get_all_layers(convnet)[1]
    filters = conv.W.get_value()
    filters[[0, 3]] = 0.0
    conv.W.set_value(filters)
    found = sparsity_breakdown(convnet)              # max_norm's units
    assert found[conv.W].axes == (1, 2, 3)
    assert found[conv.W].zero_units == (0, 3)
    assert found[conv.W].units == 4


def test_package_exports_the_sparsity_report():
    for name in ('sparsity_breakdown', 'format_sparsity'):
        assert name in lasagne_reg.__all__
        assert getattr(lasagne_reg, name).__doc__
