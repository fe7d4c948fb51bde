"""
Penalty functions beyond Lasagne's ``l1`` and ``l2``.

Each takes a tensor and returns a scalar, like :func:`~lasagne_reg.l1` and
:func:`~lasagne_reg.l2`, so it works with
:func:`~lasagne_reg.apply_penalty` and every layer helper; its options are
keyword arguments, which the helpers pass on (``**kwargs``):

>>> from lasagne.layers import InputLayer, DenseLayer
>>> from lasagne_reg import regularize_network_params, l1_l2
>>> net = DenseLayer(InputLayer((None, 4)), num_units=3)
>>> penalty = regularize_network_params(net, l1_l2, l1=1e-4, l2=1e-3)

Symbolic input gives a symbolic scalar in the input's dtype (numeric options
are cast to it, so a float32 network stays float32); a numpy array gives a
numpy scalar of its dtype, computed without compiling anything.

:func:`regularize_activity` applies a penalty to a layer's output instead of
its parameters, averaged over the batch.
"""
import numpy as np

from . import _backend, _kernels, _ops, _validate

__all__ = ['l1_l2', 'group_lasso', 'orthogonality', 'regularize_activity']


def l1_l2(x, l1=1.0, l2=1.0):
    """Elastic net: ``l1 * sum(|x|) + l2 * sum(x ** 2)``.

    Keras' ``L1L2`` regularizer, with Lasagne's conventions: the L2 part is
    the sum of squares (no 1/2), so ``l1_l2(x, l1=0, l2=c)`` is ``c * l2(x)``.

    Parameters
    ----------
    x : Theano tensor, or numpy array
    l1, l2 : float or symbolic scalar
        Non-negative coefficients of the two parts. Numbers are cast to the
        dtype of `x`; a shared scalar lets a schedule change them.

    Returns
    -------
    Theano scalar
        The penalty, in the dtype of `x` (a numpy scalar for numpy input).

    Examples
    --------
    >>> import numpy as np
    >>> from lasagne_reg import l1_l2
    >>> x = np.array([[1., -2.], [0., 3.]], dtype='float32')
    >>> print(l1_l2(x, l1=0.5, l2=0.1))  # 0.5 * 6 + 0.1 * 14
    4.4
    """
    l1 = _validate.coefficient(l1, 'l1')
    l2 = _validate.coefficient(l2, 'l2')
    if _backend.is_numeric(x):
        terms = [_ops.reduce_numeric(x, lambda a: abs(a).sum()),
                 _ops.reduce_numeric(x, lambda a: (a ** 2).sum())]
    else:
        # both sums from one read of x (lasagne_reg._kernels)
        x = _validate.tensor(x)
        terms = _kernels.l1_and_l2(x)
    return _times(l1, terms[0]) + _times(l2, terms[1])


def _times(coeff, term):
    """``coeff * term`` in the dtype of `term`, the coefficient exact."""
    if _backend.is_symbolic(term):
        return _ops.like(coeff, term) * term
    return _ops.scale(coeff, term)


def group_lasso(x, axis=1):
    """Group lasso: the L2 norm of `x` along `axis`, summed over the rest.

    Each slice of `x` along `axis` is one group; the penalty is the sum of
    the groups' Euclidean norms (not squared). Like L1 on the group norms,
    it drives whole groups to zero. On a dense layer's ``W`` of shape
    ``(num_inputs, num_units)``, ``axis=1`` makes each input's outgoing
    weights a group (feature selection) and ``axis=0`` each unit's incoming
    weights (unit pruning); on a convolution's ``W`` of shape
    ``(num_filters, channels, rows, columns)``, ``axis=(1, 2, 3)`` makes
    each filter a group. The groups are not weighted by their size.

    The norm is taken safely: where a whole group is exactly zero its value
    is exactly 0 and its gradient is 0 (a valid subgradient), never NaN.
    In the loss, the penalty makes groups small but not exactly zero;
    :func:`~lasagne_reg.group_lasso_proximal` applies it to the updates
    instead and sets whole groups to exactly 0.

    Parameters
    ----------
    x : Theano tensor, or numpy array
        At least one dimension.
    axis : int or tuple of ints
        The axis, or axes, the norms are taken along: a group is what one
        index into the other axes selects. Negative values count from the
        end, as in numpy.

    Returns
    -------
    Theano scalar
        The penalty, in the dtype of `x` (a numpy scalar for numpy input).

    Examples
    --------
    >>> import numpy as np
    >>> from lasagne_reg import group_lasso
    >>> W = np.array([[3., 4.], [0., 0.], [1., 0.]])
    >>> print(group_lasso(W, axis=1))  # rows: 5 + 0 + 1
    6.0
    >>> print(group_lasso(W, axis=0))  # columns: sqrt(10) + 4
    7.16227766016838
    >>> filters = np.ones((2, 1, 2, 2))      # two filters of 4 weights
    >>> print(group_lasso(filters, axis=(1, 2, 3)))  # 2 + 2
    4.0
    """
    if _backend.is_numeric(x):
        axes = _validate.axes(axis, np.ndim(x))
        return _ops.reduce_numeric(
            x, lambda a: np.sqrt((a ** 2).sum(axis=axes)).sum())
    T = _backend.tensor_module(_validate.tensor(x))
    return T.sum(_group_norms(x, _validate.axes(axis, x.ndim)))


def _group_norms(x, axes, keepdims=False):
    """The L2 norm of each group of the tensor `x`: its slices along `axes`.

    Zero-safe (:func:`_safe_sqrt`): an all-zero group has norm exactly 0
    and gradient 0. With `keepdims`, the reduced axes stay, of length 1, so
    that the norms broadcast against `x`. Shared by :func:`group_lasso` and
    the update transforms of :mod:`lasagne_reg.updates`.
    """
    T = _backend.tensor_module(x)
    return _safe_sqrt(T, T.sum(x ** 2, axis=axes, keepdims=keepdims))


def _safe_sqrt(T, squares):
    """``sqrt(squares)`` whose gradient is 0, not inf or NaN, at 0.

    The inner switch keeps 0 away from ``sqrt`` (whose gradient there is
    infinite, and infinite times 0 is NaN); the outer one restores the value
    0 and sends no gradient through the dummy branch. Only exact zeros are
    guarded: NaN and inf propagate as they would through ``sqrt``.
    """
    is_zero = T.eq(squares, 0)
    one = _backend.constant(1, squares.dtype, squares)
    zero = _backend.constant(0, squares.dtype, squares)
    return T.switch(is_zero, zero, T.sqrt(T.switch(is_zero, one, squares)))


def orthogonality(x):
    """Soft orthogonality: ``||G - I||_F ** 2``, G the smaller Gram matrix.

    `x` is viewed as a matrix ``W`` with its first axis kept and the others
    flattened (a conv layer's filters ``(num_filters, channels, h, w)``
    become ``(num_filters, channels * h * w)``). With ``W`` of shape
    ``(n, m)``, ``G`` is ``W W^T`` (``n x n``) if ``n <= m``, else
    ``W^T W`` (``m x m``): the penalty is 0 exactly when the rows (or the
    columns, whichever are fewer) are orthonormal.

    Parameters
    ----------
    x : Theano tensor, or numpy array
        At least one dimension (a vector is one column: its penalty is
        ``(|x|^2 - 1)^2``).

    Returns
    -------
    Theano scalar
        The penalty, in the dtype of `x` (a numpy scalar for numpy input).

    Notes
    -----
    The two Gram matrices have the same nonzero spectrum, so
    ``||W^T W - I_m||^2 = ||W W^T - I_n||^2 + m - n``: the value, and
    the gradient, do not depend on which one is built. The smaller one is
    built when the shape is known while the expression is built (numpy
    arrays, shared variables, static shapes); otherwise ``W W^T`` is built
    and the constant is corrected symbolically.

    Examples
    --------
    >>> import numpy as np
    >>> from lasagne_reg import orthogonality
    >>> print(orthogonality(np.eye(3, 5)))  # orthonormal rows
    0.0
    >>> print(orthogonality(2 * np.eye(3, 5)))  # G = 4 I: 3 * (4 - 1) ** 2
    27.0
    """
    if _backend.is_numeric(x):
        if np.ndim(x) == 0:
            _no_dimensions()
        return _ops.reduce_numeric(x, _numpy_orthogonality)
    T = _backend.tensor_module(_validate.tensor(x))
    if x.ndim == 0:
        _no_dimensions()
    W = x.dimshuffle(0, 'x') if x.ndim == 1 else x.flatten(2)
    n, m = W.shape[0], W.shape[1]
    if _rows_are_more(x):
        gram, size = T.dot(W.T, W), m
    else:
        gram, size = T.dot(W, W.T), n
    value = T.sum((gram - T.eye(size, dtype=x.dtype)) ** 2)
    excess = size - T.minimum(n, m)
    return value - _backend.cast(excess, x.dtype)


def _no_dimensions():
    raise ValueError("x: expected a tensor with at least one dimension, "
                     "got a scalar")


def _numpy_orthogonality(a):
    W = a.reshape(a.shape[0], int(np.prod(a.shape[1:])))
    gram = W.T @ W if W.shape[0] > W.shape[1] else W @ W.T
    return ((gram - np.eye(len(gram), dtype=a.dtype)) ** 2).sum()


def _rows_are_more(x):
    """True if `x` viewed as a matrix is known now to be taller than wide."""
    shape = _known_shape(x)
    if shape is None or not shape:
        return False
    return shape[0] > int(np.prod(shape[1:]))


def _known_shape(x):
    """`x`'s shape if known while building the graph, else None."""
    static = getattr(x.type, 'shape', None)
    if static is not None and all(s is not None for s in static):
        return tuple(static)
    get_value = getattr(x, 'get_value', None)
    if get_value is not None:
        return np.shape(get_value(borrow=True))
    return None


def regularize_activity(output, penalty, **kwargs):
    """Penalty on a layer's output, averaged over the batch.

    ``penalty(output, **kwargs) / output.shape[0]``: the penalty is summed
    over the whole batch, then divided by the batch size (the first axis),
    as Keras does for activity regularizers, so the strength of the
    coefficient does not change with the batch size. With Lasagne's
    penalties this is the mean over samples of each sample's penalty. Use
    it on the expression that :func:`lasagne.layers.get_output` returns.

    Parameters
    ----------
    output : Theano tensor, or numpy array
        The output expression of a layer; its first axis is the batch.
    penalty : callable
        A penalty function such as ``l1`` or ``l2``.
    **kwargs
        keyword arguments passed to penalty.

    Returns
    -------
    Theano scalar
        The averaged penalty, in the dtype of the penalty's value (the
        division by the batch size does not upcast a float32 graph).

    Examples
    --------
    >>> import theano.tensor as T
    >>> from lasagne.layers import InputLayer, DenseLayer, get_output
    >>> from lasagne_reg import regularize_activity, l1
    >>> hidden = DenseLayer(InputLayer((None, 4)), num_units=3)
    >>> activity = regularize_activity(get_output(hidden, T.matrix('x')), l1)

    With numpy input:

    >>> import numpy as np
    >>> batch = np.array([[1., -1.], [1., -1.], [1., -1.]])
    >>> print(regularize_activity(batch, l1))  # each row's l1 is 2
    2.0
    """
    _validate.penalty(penalty)
    if _backend.is_numeric(output):
        if np.ndim(output) == 0:
            _no_batch()
        value = penalty(output, **kwargs)
        return _divide(value, np.shape(output)[0])
    if _validate.tensor(output, 'output').ndim == 0:
        _no_batch()
    return _divide(penalty(output, **kwargs), output.shape[0])


def _no_batch():
    raise ValueError("output: expected a tensor whose first axis is the "
                     "batch, got a scalar")


def _divide(value, batch_size):
    """`value` / `batch_size` in the dtype of `value` (if it is a float)."""
    dtype = str(getattr(value, 'dtype', ''))
    if not dtype.startswith('float'):
        return value / batch_size
    return value / _backend.cast(batch_size, dtype)
