"""The summing rule of lasagne_reg._ops: its dtype and the shape of its tree.

sum_terms promises Lasagne's builtin ``sum`` while that fits one Elemwise
and keeps the dtype, and beyond that a tree whose chunks are balanced (32
terms make two runs of 16, not 31 and 1) and whose reductions take at most
31 inputs. Values are compared with numpy; the tree is read from the graph.
"""
import numpy as np
import pytest

from lasagne_reg import _ops

pytestmark = [pytest.mark.backends]


def _leaves(var, terms):
    """How many of `terms` (by identity) the expression `var` contains."""
    wanted = {id(t) for t in terms}
    seen, stack, found = set(), [var], set()
    while stack:
        v = stack.pop()
        if id(v) in wanted:
            found.add(id(v))
            continue
        node = v.owner
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        stack.extend(node.inputs)
    return len(found)


def _stacked(total):
    """The inputs of the top reduction: Sum(Reshape(stack of partials))."""
    node = total.owner
    while type(node.op).__name__ not in ('MakeVector', 'Join'):
        node = node.inputs[0].owner
    inputs = list(node.inputs)
    if type(node.op).__name__ == 'Join':    # axis first, then the pieces
        inputs = [i.owner.inputs[0] if i.owner is not None and
                  type(i.owner.op).__name__ == 'DimShuffle' else i
                  for i in inputs[1:]]
    return inputs


def _scalars(bk, n, dtype='float64'):
    x = bk.shared(np.arange(1, n + 1, dtype=dtype), name='x')
    return [x[i] for i in range(n)]


@pytest.mark.parametrize('n, runs', [(32, [16, 16]), (33, [17, 16]),
                                     (62, [31, 31]), (63, [21, 21, 21]),
                                     (100, [25, 25, 25, 25])])
def test_terms_beyond_one_elemwise_are_cut_into_balanced_runs(bk, n, runs):
    terms = _scalars(bk, n)
    total = _ops.sum_terms(terms)
    partials = _stacked(total)
    assert [_leaves(p, terms) for p in partials] == runs
    # each run is one sum of its terms (an Elemwise add), not a reduction
    assert all(type(p.owner.op).__name__ == 'Elemwise' for p in partials)
    assert bk.evaluate(total) == n * (n + 1) / 2


def test_up_to_31_terms_are_lasagnes_builtin_sum(bk):
    terms = _scalars(bk, 31)
    total = _ops.sum_terms(terms)
    assert type(total.owner.op).__name__ == 'Elemwise'   # the last add
    assert _leaves(total.owner.inputs[1], terms) == 1
    assert bk.evaluate(total) == 31 * 32 / 2


def _wide_terms(bk, n):
    """`n` terms each too wide for one Elemwise: 32 * x[k] written as
    |t| + |t| five times over, an Elemwise tree with 32 leaves (the
    backends rewrite it into a small graph before running it)."""
    x = bk.shared(np.arange(1, n + 1, dtype='float64'), name='x')
    terms = []
    for k in range(n):
        term = x[k]
        for _ in range(5):
            term = abs(term) + abs(term)
        terms.append(term)
    return terms


@pytest.mark.parametrize('n, groups', [(31, None), (32, [16, 16]),
                                       (33, [17, 16])])
def test_runs_beyond_31_are_reduced_in_balanced_groups(bk, n, groups):
    # a term too wide for any Elemwise is a run of its own; up to 31 runs
    # are one reduction, more are reduced in the fewest balanced groups
    terms = _wide_terms(bk, n)
    total = _ops.sum_terms(terms)
    stacked = _stacked(total)
    if groups is None:
        assert stacked == terms
    else:
        assert [_leaves(g, terms) for g in stacked] == groups
        assert [_stacked(g) for g in stacked] == [terms[:groups[0]],
                                                 terms[groups[0]:]]
    if n == 33:
        assert bk.evaluate(total) == 32 * n * (n + 1) / 2


@pytest.mark.parametrize('floatX', ['float32', 'float64'])
def test_numbers_among_float32_terms_keep_float32(bk, floatX):
    # 0.0 is what a layer with nothing selected contributes
    W = bk.shared(np.array([[1.5, -2.0]], dtype='float32'), name='W')
    with bk.change_flags(floatX=floatX):
        term = bk.T.sum(W ** 2)
        total = _ops.sum_terms([term, 0.0, 0])
        many = _ops.sum_terms([term] + [0.0] * 40)
    assert total.dtype == 'float32' and many.dtype == 'float32'
    assert bk.evaluate(total) == np.float32(6.25)
    assert bk.evaluate(many) == np.float32(6.25)


@pytest.mark.parametrize('many', [False, True])
def test_float64_numbers_among_float32_terms_keep_float32(bk, many):
    # Lasagne's sum would upcast: a numpy float64 is a float64 constant
    W = bk.shared(np.array([[1.5, -2.0]], dtype='float32'), name='W')
    term = bk.T.sum(W ** 2)
    numbers = [np.float64(0.25)] * (40 if many else 2)
    assert sum([term] + numbers).dtype == 'float64'
    total = _ops.sum_terms([term] + numbers)
    assert total.dtype == 'float32'
    assert bk.evaluate(total) == np.float32(6.25 + 0.25 * len(numbers))


@pytest.mark.lasagne
def test_numbers_that_keep_the_dtype_give_lasagnes_graph(bk):
    from tests.test_regularization import equal_graphs
    W = bk.shared(np.array([[1.5, -2.0]], dtype='float32'), name='W')
    with bk.change_flags(floatX='float32'):
        terms = [bk.T.sum(W ** 2), 0.0, 0, bk.T.sum(abs(W))]
        total = _ops.sum_terms(terms)
        assert equal_graphs(total, sum(terms))
    assert total.dtype == 'float32'


def test_numbers_alone_are_summed_as_numbers():
    assert _ops.sum_terms([]) == 0
    total = _ops.sum_terms([np.float32(1.5), np.float32(2.0)])
    assert total == 3.5 and isinstance(total, np.float32)


@pytest.mark.parametrize('dtype', ['int32', 'bool', 'float32'])
def test_numeric_reduction_of_integers_is_float(dtype):
    a = np.array([[1, 0], [1, 1]], dtype=dtype)
    value = _ops.reduce_numeric(a, np.sum)
    assert value == 3
    assert value.dtype == (np.float32 if dtype == 'float32' else np.float64)


@pytest.mark.nobackend
@pytest.mark.parametrize('n, sizes', [(1, [1]), (31, [31]), (32, [16, 16]),
                                      (33, [17, 16]), (62, [31, 31]),
                                      (63, [21, 21, 21]),
                                      (100, [25, 25, 25, 25])])
def test_balanced_runs_are_the_fewest_of_at_most_31_in_order(n, sizes):
    runs = _ops._balanced(list(range(n)), 31)
    assert [len(r) for r in runs] == sizes
    assert sum(runs, []) == list(range(n))


# -- scale and like: the coefficient never changes the term's dtype ----------

@pytest.mark.parametrize('floatX', ['float32', 'float64'])
@pytest.mark.parametrize('coeff', [0.1, np.float64(0.1), np.array(0.1)])
def test_scale_keeps_a_float32_term_float32(bk, floatX, coeff):
    W = bk.shared(np.array([1.5, -2.0, 3.0], dtype='float32'), name='W')
    with bk.change_flags(floatX=floatX):
        term = bk.T.sum(W ** 2)
        scaled = _ops.scale(coeff, term)
    assert scaled.dtype == 'float32'
    assert bk.evaluate(scaled) == np.float32(0.1) * np.float32(15.25)


def test_scale_casts_a_symbolic_float64_coefficient(bk):
    W = bk.shared(np.array([1.5, -2.0], dtype='float32'), name='W')
    c = bk.shared(np.float64(0.25), name='c')
    scaled = _ops.scale(c, bk.T.sum(W ** 2))
    assert scaled.dtype == 'float32'
    assert bk.evaluate(scaled) == np.float32(0.25 * 6.25)
    c.set_value(0.5)                      # still the shared coefficient
    assert bk.evaluate(scaled) == np.float32(0.5 * 6.25)


def test_scale_of_numbers_keeps_the_terms_dtype():
    term = np.float32(6.25)
    scaled = _ops.scale(np.float64(0.1), term)
    assert isinstance(scaled, np.float32)
    assert scaled == np.float32(0.1) * np.float32(6.25)
    kept = _ops.scale(np.float32(0.5), np.float32(3.0))
    assert isinstance(kept, np.float32) and kept == 1.5
    # a term without a dtype is Python's product
    assert _ops.scale(0.5, 3.0) == 1.5 and type(_ops.scale(0.5, 3)) is float


def test_scale_keeps_lasagnes_product_when_it_keeps_the_dtype(bk):
    W = bk.shared(np.array([1.5, -2.0], dtype='float32'), name='W')
    term = bk.T.sum(W ** 2)
    c = bk.shared(np.float32(0.5), name='c')
    scaled = _ops.scale(c, term)
    assert scaled.owner.inputs[0] is c and scaled.owner.inputs[1] is term
    assert bk.evaluate(scaled) == np.float32(3.125)


def test_scale_of_an_integer_term_is_not_truncated(bk):
    # not a float: the product is Lasagne's (a float), the coefficient is
    # never cast to the integer dtype
    x = bk.shared(np.array([1, 2, 3], dtype='int32'), name='x')
    scaled = _ops.scale(0.5, bk.T.sum(x))
    assert scaled.dtype.startswith('float')
    assert bk.evaluate(scaled) == 3.0
    assert _ops.scale(0.5, np.int32(3)) == 1.5


@pytest.mark.parametrize('floatX', ['float32', 'float64'])
def test_like_makes_a_coefficient_of_the_tensors_dtype_exactly(bk, floatX):
    W32 = bk.shared(np.ones(2, dtype='float32'), name='W32')
    W64 = bk.shared(np.ones(2, dtype='float64'), name='W64')
    with bk.change_flags(floatX=floatX):
        c32, c64 = _ops.like(0.1, W32), _ops.like(0.1, W64)
    assert c32.dtype == 'float32' and c64.dtype == 'float64'
    assert bk.evaluate(c32) == np.float32(0.1)
    assert bk.evaluate(c64) == 0.1          # not rounded to float32
    s = bk.shared(np.float64(0.1), name='s')
    cast = _ops.like(s, W32)
    assert cast.dtype == 'float32' and bk.evaluate(cast) == np.float32(0.1)
