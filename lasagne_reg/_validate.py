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


def coefficient(value, argname, what='a', positive=False):
    """A real, finite, non-negative number, or a symbolic scalar.

    Symbolic scalars (shared variables, schedules) cannot be checked before
    they are evaluated and are returned as they are; other variables of the
    backend (a tensor of more dimensions, a random state) are an error.
    `what` names the value in the message ("expected the layer's coefficient
    to be a real number" with what="the layer's coefficient"). With
    `positive`, 0 is an error too (a limit, not a strength).
    """
    from ._backend import is_symbolic
    expected = ('expected a' if what == 'a'
                else 'expected %s to be a' % what)
    if is_symbolic(value):
        ndim = getattr(value, 'ndim', None)
        if ndim is None:
            # a variable of the backend that is no tensor (a random state)
            raise TypeError("%s: %s real number or a scalar tensor, got %s"
                            % (argname, expected, describe(value)))
        if ndim != 0:
            raise ValueError("%s: %s scalar, got a %d-d tensor"
                             % (argname, expected, ndim))
        return value
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        fix = ('write the number without quotes (0.1, not %r)' % value
               if isinstance(value, str) else
               'give a number such as 0.1 or a symbolic scalar')
        raise TypeError("%s: %s real number, got %s; %s"
                        % (argname, expected, describe(value), fix))
    if not math.isfinite(value):
        raise ValueError("%s: %s finite number, got %r"
                         % (argname, expected, value))
    if positive and value <= 0:
        raise ValueError("%s: %s positive number, got %r"
                         % (argname, expected, value))
    if value < 0:
        raise ValueError("%s: %s non-negative number, got %r (a negative "
                         "coefficient rewards large weights; 0 switches the "
                         "penalty off)" % (argname, expected, value))
    return value


def penalty_term(term, penalty, tensor, argname='penalty'):
    """`term`, what `penalty` returned for `tensor`, must be a scalar.

    Sums of non-scalar terms build silently and fail much later, at
    compile or run time, with a shape error far from the cause.
    """
    ndim = getattr(term, 'ndim', None)
    if ndim is None and not isinstance(term, (list, tuple)):
        return term
    ndim = np.ndim(term)
    if ndim != 0:
        raise ValueError("%s: expected a scalar from %s(x), got a %d-d "
                         "result for %s; reduce it to one number, for "
                         "example lambda w: (w ** 2).sum()"
                         % (argname, _callable_name(penalty), ndim,
                            describe_tensor(tensor)))
    return term


def describe_tensor(x):
    """A tensor for messages: its name (if any), kind and shape or ndim."""
    if isinstance(x, np.ndarray):
        return 'a numpy array of shape %s' % (x.shape,)
    name = getattr(x, 'name', None)
    ndim = getattr(x, 'ndim', None)
    text = '%r' % name if name else type(x).__name__
    return text if ndim is None else '%s (%d-d)' % (text, ndim)


def _callable_name(fn):
    return getattr(fn, '__name__', None) or type(fn).__name__


def one_backend(tensors, argname):
    """The symbolic tensors among `tensors` must come from one backend.

    Theano, PyTensor and Aesara variables cannot meet in one graph; left to
    the backends, mixing them fails with AsTensorError or
    NotImplementedError deep inside the sum.
    """
    from ._backend import backend_of
    seen = {}
    for x in tensors:
        name = backend_of(x)
        if name is not None:
            seen.setdefault(name, []).append(x)
    if len(seen) > 1:
        parts = ['%s variables (%s)' % (name, ', '.join(
            describe_tensor(x) for x in found[:3]) +
            (', ...' if len(found) > 3 else ''))
            for name, found in seen.items()]
        raise TypeError("%s: expected variables of one backend, got %s; "
                        "one graph cannot mix them: build the whole model "
                        "with one of %s" % (argname, ' and '.join(parts),
                                            ', '.join(seen)))


def penalty_kwargs(penalty, kwargs, tags_hint):
    """Keyword arguments that `penalty` cannot take are a clear error.

    With `tags_hint` (the layer helpers), a keyword whose value is True or
    False is most likely a tag meant for ``tags=``, and the message says so.
    Penalties whose signature cannot be read are left to Python.
    """
    if not kwargs:
        return
    import inspect
    try:
        params = inspect.signature(penalty).parameters
    except (TypeError, ValueError):
        return
    if any(p.kind == p.VAR_KEYWORD for p in params.values()):
        return
    positional = [n for n, p in params.items()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    # the first positional parameter receives the tensor
    takes = {n for n, p in params.items()
             if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    takes -= set(positional[:1])
    for key, value in kwargs.items():
        if key in takes:
            continue
        name = _callable_name(penalty)
        message = ("%s=%r: the penalty %s takes no keyword argument %r "
                   "(its parameters: %s)"
                   % (key, value, name, key, ', '.join(params) or 'none'))
        if tags_hint and isinstance(value, (bool, np.bool_)):
            message += ("; tags go in tags=, for example tags={%r: %r} "
                        "(Lasagne's tags are 'regularizable' and "
                        "'trainable')" % (key, bool(value)))
        raise TypeError(message)


def axes(value, ndim, argname='axis', what='a tensor'):
    """Axes of a tensor with `ndim` dimensions: an int or a tuple of ints.

    Returns a tuple of distinct non-negative ints in the order given
    (negative axes count from the end, as in numpy). `what` names the
    tensor in the message ("parameter 'W'"). A list is taken as a tuple;
    an empty one, or one that repeats an axis, is an error.
    """
    if not isinstance(value, (tuple, list)):
        return (_axis(value, ndim, argname, what, 'an int or a tuple of ints'),)
    if not value:
        raise ValueError("%s: expected an int or a tuple of at least one "
                         "int, got %r" % (argname, value))
    result = tuple(_axis(item, ndim, argname, what, 'an int')
                   for item in value)
    repeated = sorted({a for a in result if result.count(a) > 1})
    if repeated:
        raise ValueError("%s: %r names axis %d more than once"
                         % (argname, tuple(value), repeated[0]))
    return result


def _axis(value, ndim, argname, what, expected):
    """An axis of a tensor with `ndim` dimensions, as a non-negative int."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError("%s: expected %s, got %s"
                        % (argname, expected, describe(value)))
    if not -ndim <= value < ndim:
        raise ValueError("%s: %d is out of range for %s with %d "
                         "dimension(s) (expected %d <= %s < %d)"
                         % (argname, value, what, ndim, -ndim, argname, ndim))
    return int(value) % ndim
