"""The numpy names Theano 1.0.5's Python code uses that today's numpy lacks.

``np.bool`` and ``np.complex`` (the builtin types, as before numpy 1.24),
``np.product``, ``np.cast``, ``np.sctype2char`` and ``np.ComplexWarning``
(removed in numpy 2; Theano's conv, abstract_conv and slinalg filter that
warning). Without ``np.bool`` Theano does not import on numpy 1.24-1.26;
without ``np.complex`` every constant looks non-constant to Theano's
optimizer, which silently disables optimizations (and breaks shape
inference: ``ValueError: length not known``). :func:`restore` sets those
numpy lacks, and only those: a name numpy still has is left as it is.

Examples
--------
>>> sorted(numpy_aliases())
['ComplexWarning', 'bool', 'cast', 'complex', 'product', 'sctype2char']
>>> numpy_aliases()['cast']['int8']([300, -1]).tolist()
[44, -1]
"""
import builtins
import warnings

import numpy as np


class _Cast:
    """numpy's removed ``np.cast``: ``np.cast[dtype](x)``.

    Theano's gradients index it with a Theano type (``np.cast[x.type]``),
    whose ``.dtype`` is a string: numpy 1 read that (numpy 2's ``np.dtype``
    refuses it), and so does this.
    """

    def __getitem__(self, dtype):
        named = getattr(dtype, 'dtype', None)
        if isinstance(named, str) and not isinstance(
                dtype, (str, type, np.dtype, np.ndarray, np.generic)):
            dtype = named
        dtype = np.dtype(dtype)
        return lambda x: np.asarray(x).astype(dtype)


def numpy_aliases():
    """{name: value} of the numpy names Theano 1.0.5 uses."""
    return {
        'bool': builtins.bool,
        'complex': builtins.complex,
        'product': np.prod,
        'cast': _Cast(),
        'sctype2char': lambda sctype: np.dtype(sctype).char,
        # numpy 2 keeps it only as numpy.exceptions.ComplexWarning (1.25+)
        'ComplexWarning': getattr(np, 'exceptions', np).ComplexWarning,
    }


def restore():
    """Set the missing aliases on numpy; return the names set."""
    restored = []
    for name, value in numpy_aliases().items():
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            present = hasattr(np, name)
        if not present:
            setattr(np, name, value)
            restored.append(name)
    return restored
