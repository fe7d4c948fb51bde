"""The two ways terms are combined: scaling by a coefficient and summing.

Both keep the terms' dtype. Both build exactly Lasagne's expression whenever
that expression compiles in every Theano mode and keeps the dtype, so code
that compares graphs cannot tell the two apart; otherwise they build an
expression that does.
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

    Lasagne's builtin ``sum`` while the result fits one Elemwise; a reduction
    over the stacked terms beyond that, which compiles in every mode and whose
    gradient does not recurse once per term.
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
    return _backend.tensor_module(symbolic[0]).stack(terms).sum()


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
