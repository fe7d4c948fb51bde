"""Argument checks shared by every public function.

Each check raises TypeError or ValueError with a message that names the
argument and says what was expected; messages are written once, here.
"""
import collections.abc
import math
import numbers

import numpy as np


def describe(value):
    """Short description of a value for error messages."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + '...'
    return '%s %s' % (type(value).__name__, text)


def penalty(fn, argname='penalty'):
    """`fn` must be callable."""
    if not callable(fn):
        raise TypeError("%s: expected a callable that maps a tensor to a "
                        "scalar (such as l1 or l2), got %s"
                        % (argname, describe(fn)))
    return fn


def tensor(value, argname='x'):
    """`value` must be a symbolic variable of a Theano-family backend."""
    from ._backend import is_symbolic
    if not is_symbolic(value):
        raise TypeError("%s: expected a Theano, PyTensor or Aesara tensor or "
                        "a numpy array, got %s" % (argname, describe(value)))
    return value


def tags(value, argname='tags'):
    """`value` must be a mapping from tag names (str) to bools.

    Returns a new plain dict, so the caller's mapping is never touched.
    """
    if not isinstance(value, collections.abc.Mapping):
        raise TypeError("%s: expected a mapping of tag names to True/False, "
                        "such as {'regularizable': True}, got %s"
                        % (argname, describe(value)))
    for key in value:
        if not isinstance(key, str):
            raise TypeError("%s: tag names must be strings, got key %s"
                            % (argname, describe(key)))
    return dict(value)


def iterable(value, argname, expected):
    """`value` as a list, if it is a non-string iterable."""
    if isinstance(value, (str, bytes, numbers.Number, np.generic)) \
            or value is None:
        raise TypeError("%s: expected %s, got %s"
                        % (argname, expected, describe(value)))
    try:
        return list(value)
    except TypeError:
        raise TypeError("%s: expected %s, got %s"
                        % (argname, expected, describe(value))) from None


def mapping(value, argname, expected):
    """`value` must be a mapping."""
    if not isinstance(value, collections.abc.Mapping):
        raise TypeError("%s: expected %s, got %s"
                        % (argname, expected, describe(value)))
    return value


def coefficient(value, argname):
    """A real, finite, non-negative number, or a symbolic scalar.

    Symbolic values (shared variables, schedules) cannot be checked before
    they are evaluated and are returned as they are.
    """
    from ._backend import is_symbolic
    if is_symbolic(value):
        if getattr(value, 'ndim', 0) != 0:
            raise ValueError("%s: expected a scalar, got a %d-d tensor"
                             % (argname, value.ndim))
        return value
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError("%s: expected a real number, got %s"
                        % (argname, describe(value)))
    if not math.isfinite(value):
        raise ValueError("%s: expected a finite number, got %r"
                         % (argname, value))
    if value < 0:
        raise ValueError("%s: expected a non-negative number, got %r"
                         % (argname, value))
    return value


def axis(value, ndim, argname='axis'):
    """An axis of a tensor with `ndim` dimensions, as a non-negative int.

    Negative axes count from the end, as in numpy.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError("%s: expected an int, got %s"
                        % (argname, describe(value)))
    if not -ndim <= value < ndim:
        raise ValueError("%s: %d is out of range for a tensor with %d "
                         "dimension(s) (expected %d <= %s < %d)"
                         % (argname, value, ndim, -ndim, argname, ndim))
    return int(value) % ndim
