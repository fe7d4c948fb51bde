"""How penalty terms are combined, in their own dtype.

Four helpers every penalty shares: :func:`sum_terms` (a sum of terms, 0 for
none), :func:`scale` (``coeff * term``), :func:`like` (a coefficient as a
constant or cast of a tensor's dtype) and :func:`reduce_numeric` (a numpy
reduction of a numeric value, as a scalar of its dtype). None of them
changes the dtype of the terms. The two that combine terms, ``sum_terms``
and ``scale``, build exactly Lasagne's expression whenever that expression
compiles in every Theano mode and keeps the dtype, so code that compares
graphs cannot tell the two apart; otherwise they build an expression that
does.
"""
import functools
import operator

import numpy as np

from . import _backend

# Theano (and its forks) cannot run an Elemwise with this many inputs in the
# pure-Python linker, and the optimizer flattens a chain of additions (with
# any elementwise work on each term) into a single Elemwise.
_MAX_ELEMWISE_INPUTS = 31


def _elemwise_width(var, limit):
    """Inputs an Elemwise fusion rooted at `var` would have (capped)."""
    width, stack = 0, [var]
    while stack and width <= limit:
        node = getattr(stack.pop(), 'owner', None)
        if node is not None and type(node.op).__name__ == 'Elemwise':
            stack.extend(node.inputs)
        else:
            width += 1
    return width


def _fits_one_elemwise(terms):
    width = 0
    for term in terms:
        width += _elemwise_width(term, _MAX_ELEMWISE_INPUTS - width)
        if width > _MAX_ELEMWISE_INPUTS:
            return False
    return True


def sum_terms(terms):
    """Sum of `terms` (symbolic or numeric), 0 for no terms.

    Lasagne's builtin ``sum`` while the result fits one Elemwise. Beyond
    that, a tree in which no node has more than 31 inputs: the terms are
    cut into balanced chunks that each fit one Elemwise (summed with
    Lasagne's builtin ``sum``), and the chunk sums are added by reductions
    over stacks of at most 31 of them. This compiles in every mode (the
    pure-Python linker cannot run an Elemwise of 32 or more inputs), its
    gradient does not recurse once per term, and no single operation grows
    with the number of terms: a stack of all n terms would be one C
    function of size O(n), which gcc compiles in time worse than linear
    (about 35 s for 256 terms).
    """
    terms = list(terms)
    symbolic = [t for t in terms if _backend.is_symbolic(t)]
    if not symbolic:
        # no 0 to start from: with numpy 1.x, 0 + float32 scalar is float64
        return functools.reduce(operator.add, terms) if terms else 0
    dtype = str(np.result_type(*[t.dtype for t in symbolic]))
    if _fits_one_elemwise(terms):
        total = sum(terms)
        if str(total.dtype) == dtype:
            return total
    # numbers among the terms (0.0 for a layer with nothing selected) would
    # be float64 constants unless floatX=float32: make them the terms' dtype
    terms = [t if _backend.is_symbolic(t)
             else _backend.constant(t, dtype, symbolic[0]) for t in terms]
    if _fits_one_elemwise(terms):
        return sum(terms)
    T = _backend.tensor_module(symbolic[0])
    partial = [chunk[0] if len(chunk) == 1 else sum(chunk)
               for chunk in _chunks(terms)]
    while len(partial) > _MAX_ELEMWISE_INPUTS:
        # more than 31 partials make groups of at least 16: none of one
        partial = [_stack_sum(T, group)
                   for group in _balanced(partial, _MAX_ELEMWISE_INPUTS)]
    return _stack_sum(T, partial)


def _stack_sum(T, scalars):
    """Sum of symbolic `scalars` as a reduction over their stack.

    Over a column, not the vector itself: PyTensor rewrites a sum over a
    vector of scalars back into one add of them all (local_sum_make_vector),
    which its fusion then merges with the chunk sums below into one Elemwise
    too wide for the pure-Python linker. It leaves this reduction alone.
    """
    return T.stack(scalars).reshape((len(scalars), 1)).sum()


def _balanced(items, most):
    """`items` cut into the fewest runs of at most `most`, of equal sizes."""
    count = -(-len(items) // most)
    size, extra = divmod(len(items), count)
    runs, start = [], 0
    for i in range(count):
        stop = start + size + (i < extra)
        runs.append(items[start:stop])
        start = stop
    return runs


def _chunks(terms):
    """`terms` cut into runs whose sums each fit one Elemwise.

    Runs are filled in order up to an even share of the total width, so
    that 32 terms make two runs of 16 rather than 31 and 1; a term too wide
    for any Elemwise is a run of its own.
    """
    widths = [_elemwise_width(t, _MAX_ELEMWISE_INPUTS) for t in terms]
    total = sum(min(w, _MAX_ELEMWISE_INPUTS) for w in widths)
    share = -(-total // -(-total // _MAX_ELEMWISE_INPUTS))
    runs, run, width = [], [], 0
    for term, w in zip(terms, widths):
        if run and width + w > share:
            runs.append(run)
            run, width = [], 0
        run.append(term)
        width += w
    runs.append(run)
    return runs


def reduce_numeric(x, reduce):
    """`reduce` applied to numeric `x`, as a numpy scalar of `x`'s dtype.

    Integer and boolean input is reduced as float64.
    """
    a = np.asarray(x)
    if a.dtype.kind not in 'fc':
        a = a.astype(float)
    return a.dtype.type(reduce(a))


def like(coeff, tensor):
    """`coeff` (a number or a symbolic scalar) in the dtype of `tensor`.

    A number becomes a constant of that dtype, exactly (not a ``floatX``
    constant, which would round a float64 graph's coefficient to float32).
    """
    dtype = str(tensor.dtype)
    if _backend.is_symbolic(coeff):
        return _backend.cast(coeff, dtype)
    return _backend.constant(coeff, dtype, tensor)


def scale(coeff, term):
    """``coeff * term`` in the dtype of `term`.

    Lasagne's ``coeff * term`` when that keeps the dtype; otherwise the
    coefficient is cast to the term's dtype first (a Python float with
    ``floatX=float64``, or a numpy float64, would upcast a float32 graph).
    """
    product = coeff * term
    dtype = _dtype(term)
    if dtype is None or _dtype(product) == dtype or not _is_float(dtype):
        return product
    if _backend.is_symbolic(coeff):
        coeff = _backend.cast(coeff, dtype)
    elif _backend.is_symbolic(term):
        coeff = _backend.constant(coeff, dtype, term)
    else:
        coeff = _backend.cast(coeff, dtype)
    return coeff * term


def _dtype(x):
    dtype = getattr(x, 'dtype', None)
    return None if dtype is None else str(dtype)


def _is_float(dtype):
    return dtype.startswith('float')
