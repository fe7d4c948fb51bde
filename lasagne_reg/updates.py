"""
Transforms of update dictionaries: weight decay, proximal steps, max-norm.

Each takes the ``OrderedDict`` that ``lasagne.updates.sgd``, ``adam`` and the
others return (or any mapping from parameters to their new values) and
returns a new ``OrderedDict`` with the same keys in the same order: the
entries of the chosen parameters are changed, every other entry (an
optimizer's moment estimates, parameters not chosen) is passed through as
it was. The mapping passed in is never changed.

Apply them to the optimizer's updates, before ``theano.function``:

>>> import theano, theano.tensor as T
>>> import lasagne
>>> from lasagne.layers import InputLayer, DenseLayer
>>> from lasagne.layers import get_output, get_all_params
>>> from lasagne_reg import decoupled_weight_decay, l1_proximal, max_norm
>>> net = DenseLayer(InputLayer((None, 4)), num_units=3)
>>> x = T.matrix('x')
>>> loss = get_output(net, x).mean()
>>> params = get_all_params(net, trainable=True)
>>> updates = lasagne.updates.adam(loss, params, learning_rate=0.001)
>>> updates = decoupled_weight_decay(updates, net, decay=0.01,
...                                  learning_rate=0.001)       # AdamW
>>> updates = l1_proximal(updates, net, strength=1e-5)         # sparsity
>>> updates = max_norm(updates, net, 3.0)                      # max-norm
>>> train = theano.function([x], loss, updates=updates)

Which parameters a transform changes is given by `params`: a list of
parameters, or a layer (or list of layers) whose network's parameters are
selected with `tags`, by default the regularizable ones (weights, not
biases), as :func:`~lasagne_reg.regularize_network_params` selects them.
:func:`decay_params` selects them without the vectors (a batch-norm
layer's scale, LSTM peepholes), and :func:`max_norm` and
:func:`group_lasso_proximal` leave the vectors of a layer's network out
themselves.
"""
import collections
import warnings

import numpy as np

from . import _backend, _graph, _ops, _validate
from .penalties import _group_norms
from .regularization import _REGULARIZABLE

__all__ = ['decay_params', 'decoupled_weight_decay', 'l1_proximal',
           'max_norm', 'group_lasso_proximal', 'PrecisionWarning']


class PrecisionWarning(UserWarning):
    """A weight decay too small to change weights in their dtype.

    :func:`decoupled_weight_decay` warns with it (once per call) when a
    numeric ``decay * learning_rate`` is so small that ``w - decay * lr *
    w`` rounds back to ``w`` for some of the weights, or all of them:
    below half the machine epsilon of the parameters' dtype (docs:
    :doc:`errors`). Filter it by this class, for example
    ``warnings.simplefilter('error', lasagne_reg.PrecisionWarning)``.
    """


def decay_params(layer, tags=_REGULARIZABLE):
    """The parameters of a network to decay: its selected matrices and filters.

    The parameters of the network below `layer` that `tags` selects, in
    ``lasagne.layers.get_all_params`` order, each once, less those with
    fewer than two dimensions: biases, normalization scales and shifts,
    PReLU slopes, LSTM peepholes. Lasagne's tags alone keep a batch-norm
    layer's scale ``gamma`` (tagged regularizable, as in Lasagne master's
    ``BatchNormLayer``) and an LSTM's peepholes, so decaying or penalizing
    "the regularizable parameters" pulls every normalization scale towards
    0; timm and transformers skip every parameter of fewer than two
    dimensions for this reason, and so does this list.

    Parameters
    ----------
    layer : a layer, or a list of layers
        The network's output layer(s), as for
        :func:`~lasagne_reg.regularize_network_params`.
    tags : dict
        Tags that select the parameters, as ``get_all_params(**tags)``;
        regularizable parameters by default.

    Returns
    -------
    list
        The selected parameters with two dimensions or more. Pass it to
        :func:`decoupled_weight_decay`, :func:`l1_proximal`,
        :func:`max_norm`, :func:`group_lasso_proximal` or
        :func:`~lasagne_reg.apply_penalty`.

    Examples
    --------
    A batch-norm layer as Lasagne 0.1's users wrote it (Lasagne master's
    tags its parameters the same way):

    >>> import numpy as np
    >>> from lasagne.layers import Layer, InputLayer, DenseLayer
    >>> from lasagne_reg import decay_params, apply_penalty, l2
    >>> class BatchNorm(Layer):
    ...     def __init__(self, incoming, **kwargs):
    ...         super().__init__(incoming, **kwargs)
    ...         shape = (self.input_shape[1],)
    ...         self.beta = self.add_param(np.zeros(shape), shape, 'beta',
    ...                                    regularizable=False)
    ...         self.gamma = self.add_param(np.ones(shape), shape, 'gamma')
    ...     def get_output_for(self, input, **kwargs):
    ...         mean, std = input.mean(0), input.std(0) + 1e-4
    ...         return (input - mean) / std * self.gamma + self.beta
    >>> hidden = DenseLayer(InputLayer((None, 4)), 3, name='hidden')
    >>> net = DenseLayer(BatchNorm(hidden, name='bn'), 2, name='out')
    >>> [p.name for p in decay_params(net)]
    ['hidden.W', 'out.W']
    >>> from lasagne.layers import get_all_params
    >>> [p.name for p in get_all_params(net, regularizable=True)]
    ['hidden.W', 'bn.gamma', 'out.W']
    >>> penalty = apply_penalty(decay_params(net), l2)
    """
    layers = _graph.as_layer_list(layer, 'layer')
    tags = _validate.tags(tags)
    return _graph.without_vectors(_graph.network_params(layers, tags))


def decoupled_weight_decay(updates, params, decay, learning_rate=None,
                           tags=_REGULARIZABLE):
    """Decoupled weight decay: ``new[p] = updates[p] - decay * lr * p``.

    The decay of Loshchilov & Hutter (AdamW, SGDW): the weights shrink in
    proportion to their old value ``p``, outside the optimizer, so an
    adaptive optimizer does not rescale it as it rescales the gradient of an
    L2 penalty. With ``lasagne.updates.adam`` this is AdamW; it works the
    same way on top of any Lasagne update rule.

    Parameters
    ----------
    updates : mapping
        Parameters to their update expressions, such as the OrderedDict a
        ``lasagne.updates`` function returns. Not changed.
    params : variable, list of variables, layer or list of layers
        The parameters to decay: these variables, or the parameters of the
        network below these layers selected by `tags`. Each must be a key of
        `updates`.
    decay : float or symbolic scalar
        The decay rate (non-negative). A shared scalar makes it a schedule.
    learning_rate : float, symbolic scalar or None
        Multiplies `decay` (PyTorch's, Keras' and optax's convention: pass
        the optimizer's learning rate, or its schedule, so the decay follows
        it). None means 1: ``decay`` is then the whole factor per step.
    tags : dict
        Tags that select the parameters when `params` is made of layers;
        regularizable parameters by default.

    Returns
    -------
    OrderedDict
        A new mapping, with the keys of `updates` in their order. The new
        expressions keep the dtype of the old ones: numeric `decay` and
        `learning_rate` are cast to it.

    Raises
    ------
    KeyError
        A parameter of `params` is not a key of `updates` (the exception is
        also a ValueError).

    Warns
    -----
    PrecisionWarning
        ``decay * learning_rate``, numeric and not 0, is below the smallest
        product that takes effect on every weight of a parameter's dtype
        (about half its machine epsilon: 6e-08 in float32), so that
        ``w - decay * lr * w`` rounds back to ``w`` for some weights or
        all. Once per call. A symbolic factor (a schedule) cannot be
        checked when the graph is built: :doc:`errors` says what to do.

    Examples
    --------
    >>> import numpy as np
    >>> import theano
    >>> from collections import OrderedDict
    >>> from lasagne_reg import decoupled_weight_decay
    >>> w = theano.shared(np.array([1.0, -2.0]), name='w')
    >>> updates = OrderedDict([(w, w - 0.5)])   # any update rule
    >>> decayed = decoupled_weight_decay(updates, [w], decay=0.1,
    ...                                  learning_rate=0.5)
    >>> print(decayed[w].eval())  # w - 0.5 - 0.1 * 0.5 * w
    [ 0.45 -2.4 ]
    """
    decay = _validate.coefficient(decay, 'decay')
    factor = _factor(decay, learning_rate)
    params = _select(updates, params, tags)
    _warn_if_rounded_away(factor, params)
    return _apply(updates, params, factor, _decay_rule)


def l1_proximal(updates, params, strength, learning_rate=None,
                tags=_REGULARIZABLE):
    """Proximal L1 step: soft thresholding that makes weights exactly zero.

    For each parameter, with ``u = updates[p]`` and
    ``t = strength * learning_rate``::

        new[p] = sign(u) * max(|u| - t, 0)

    Entries within ``t`` of zero become exactly 0 and the others move
    ``t`` towards zero. This is the proximal operator of ``t * l1``: after a
    gradient step on the rest of the loss, it minimizes an L1 penalty
    exactly, where adding ``l1`` to the loss only makes weights oscillate
    around zero (its subgradient step never lands on 0).

    Parameters
    ----------
    updates : mapping
        Parameters to their update expressions, such as the OrderedDict a
        ``lasagne.updates`` function returns. Not changed.
    params : variable, list of variables, layer or list of layers
        The parameters to threshold: these variables, or the parameters of
        the network below these layers selected by `tags`. Each must be a
        key of `updates`.
    strength : float or symbolic scalar
        The threshold (non-negative). A shared scalar makes it a schedule.
    learning_rate : float, symbolic scalar or None
        Multiplies `strength`: with plain SGD of step ``eta`` and a penalty
        ``lam * l1(p)``, ``strength=lam, learning_rate=eta`` is the exact
        proximal-gradient step. None means 1: ``strength`` is the threshold.
    tags : dict
        Tags that select the parameters when `params` is made of layers;
        regularizable parameters by default.

    Returns
    -------
    OrderedDict
        A new mapping, with the keys of `updates` in their order. The new
        expressions keep the dtype of the old ones.

    Raises
    ------
    KeyError
        A parameter of `params` is not a key of `updates` (the exception is
        also a ValueError).

    Examples
    --------
    >>> import numpy as np
    >>> import theano
    >>> from collections import OrderedDict
    >>> from lasagne_reg import l1_proximal
    >>> w = theano.shared(np.array([0.5, -0.05, 0.02, -2.0]), name='w')
    >>> updates = OrderedDict([(w, w * 1)])
    >>> print(l1_proximal(updates, [w], strength=0.1)[w].eval())
    [ 0.4  0.   0.  -1.9]
    """
    strength = _validate.coefficient(strength, 'strength')
    threshold = _factor(strength, learning_rate)
    return _apply(updates, _select(updates, params, tags), threshold,
                  _proximal_rule)


def max_norm(updates, params, max_norm, norm_axes=None, tags=_REGULARIZABLE):
    """Max-norm constraint: each unit's weights rescaled to a norm of at most `max_norm`.

    For each parameter, with ``u = updates[p]``, the L2 norm of each unit's
    weights in ``u`` is taken over `norm_axes`; a unit whose norm is over
    `max_norm` is scaled down to it, and a unit at or under it is passed
    through exactly, bit for bit. Lasagne's ``norm_constraint`` for a whole
    network, except that it does not shrink the units under the limit
    (Lasagne's divides every unit by ``norm + 1e-7``).

    Parameters
    ----------
    updates : mapping
        Parameters to their update expressions, such as the OrderedDict a
        ``lasagne.updates`` function returns. Not changed.
    params : variable, list of variables, layer or list of layers
        The parameters to constrain: these variables, or the parameters of
        the network below these layers selected by `tags`, less those with
        fewer than two dimensions (biases, scales). Each must be a key of
        `updates`.
    max_norm : float or symbolic scalar
        The largest norm a unit may have (positive). A shared scalar makes
        it a schedule.
    norm_axes : int, tuple of ints or None
        The axes a unit's weights span, for every parameter. None is
        Lasagne's convention: axis 0 of a matrix (a dense layer's ``W`` of
        shape ``(num_inputs, num_units)``: each unit's incoming weights),
        every axis but the first of a 3-d to 5-d tensor (a convolution's
        ``W``: each filter). Other shapes need `norm_axes`.
    tags : dict
        Tags that select the parameters when `params` is made of layers;
        regularizable parameters by default.

    Returns
    -------
    OrderedDict
        A new mapping, with the keys of `updates` in their order. The new
        expressions keep the dtype of the old ones.

    Raises
    ------
    ValueError
        A parameter given in `params` has no unit convention (a vector, or
        more than 5 dimensions) and `norm_axes` is None, or an axis of
        `norm_axes` is out of its range; the message names it.
    KeyError
        A parameter of `params` is not a key of `updates` (the exception is
        also a ValueError).

    Examples
    --------
    >>> import numpy as np
    >>> import theano
    >>> from collections import OrderedDict
    >>> from lasagne_reg import max_norm
    >>> W = theano.shared(np.array([[3., 0.6], [4., 0.8]]), name='W')
    >>> updates = OrderedDict([(W, W * 1)])   # any update rule
    >>> print(max_norm(updates, [W], max_norm=2.0)[W].eval())
    [[1.2 0.6]
     [1.6 0.8]]

    The first unit (column) had norm 5 and now has norm 2; the second, of
    norm 1, is unchanged.
    """
    limit = _validate.coefficient(max_norm, 'max_norm', positive=True)
    params = _select(updates, params, tags, _graph.without_vectors)
    axes = [_unit_axes(norm_axes, p.ndim, 'norm_axes', _what(p))
            for p in params]
    return _apply(updates, params, limit, _max_norm_rule, axes)


def group_lasso_proximal(updates, params, strength, learning_rate=None,
                         axis=1, tags=_REGULARIZABLE):
    """Proximal group-lasso step: whole groups of weights set exactly to zero.

    For each parameter, with ``u = updates[p]`` and
    ``t = strength * learning_rate``, each group ``u_g`` of ``u`` (the
    slices along `axis`, as in :func:`~lasagne_reg.group_lasso`) becomes::

        u_g * max(0, 1 - t / ||u_g||)

    Groups whose norm is at most ``t`` become exactly 0, whole; the others
    shrink by ``t`` in norm, in their direction. This is the proximal
    operator of ``t * group_lasso(p, axis)`` (block soft thresholding):
    after the optimizer's step it applies the penalty exactly, where
    ``group_lasso`` in the loss only makes groups small. With
    :func:`~lasagne_reg.group_lasso`'s ``axis=1`` on a dense layer's ``W``,
    the groups are the inputs: it drops inputs (feature selection) and,
    on the next layer, whole units.

    Parameters
    ----------
    updates : mapping
        Parameters to their update expressions, such as the OrderedDict a
        ``lasagne.updates`` function returns. Not changed.
    params : variable, list of variables, layer or list of layers
        The parameters to threshold: these variables, or the parameters of
        the network below these layers selected by `tags`, less those with
        fewer than two dimensions (biases, scales). Each must be a key of
        `updates`.
    strength : float or symbolic scalar
        The penalty's coefficient (non-negative). A shared scalar makes it
        a schedule.
    learning_rate : float, symbolic scalar or None
        Multiplies `strength`: with plain SGD of step ``eta`` and a penalty
        ``lam * group_lasso(p, axis)``, ``strength=lam, learning_rate=eta``
        is the exact proximal-gradient step. None means 1: ``strength`` is
        the threshold.
    axis : int or tuple of ints
        The axis, or axes, a group spans, as in
        :func:`~lasagne_reg.group_lasso`: 1 groups each row of a matrix
        (an input's outgoing weights), 0 each column (a unit's incoming
        weights), ``(1, 2, 3)`` each filter of a 2-d convolution.
    tags : dict
        Tags that select the parameters when `params` is made of layers;
        regularizable parameters by default.

    Returns
    -------
    OrderedDict
        A new mapping, with the keys of `updates` in their order. The new
        expressions keep the dtype of the old ones.

    Raises
    ------
    ValueError
        An axis of `axis` is out of range for a parameter; the message
        names it.
    KeyError
        A parameter of `params` is not a key of `updates` (the exception is
        also a ValueError).

    Examples
    --------
    >>> import numpy as np
    >>> import theano
    >>> from collections import OrderedDict
    >>> from lasagne_reg import group_lasso_proximal
    >>> W = theano.shared(np.array([[3., 4.], [0.3, -0.4], [0., 0.]]))
    >>> updates = OrderedDict([(W, W * 1)])
    >>> new = group_lasso_proximal(updates, [W], strength=1.0)
    >>> print(new[W].eval())  # rows of norm 5, 0.5 and 0; threshold 1
    [[2.4 3.2]
     [0.  0. ]
     [0.  0. ]]
    """
    strength = _validate.coefficient(strength, 'strength')
    threshold = _factor(strength, learning_rate)
    params = _select(updates, params, tags, _graph.without_vectors)
    axes = [_validate.axes(axis, p.ndim, 'axis', _what(p)) for p in params]
    return _apply(updates, params, threshold, _group_proximal_rule, axes)


def _decay_rule(new, param, coeff, axes):
    return new - _ops.like(coeff, param) * param


def _proximal_rule(new, param, coeff, axes):
    T = _backend.tensor_module(param)
    # in the parameter's dtype: `new` may be a plain number (a reset)
    threshold = _ops.like(coeff, param)
    # new - clip(new, -t, t) is sign(new) * max(|new| - t, 0), with +0.0
    # (not -0.0) where the weight is thresholded to zero
    return new - T.clip(new, -threshold, threshold)


def _max_norm_rule(new, param, limit, axes):
    T = _backend.tensor_module(param)
    u = _full(new, param)
    limit = _ops.like(limit, u)
    norms = _group_norms(u, axes, keepdims=True)
    # limit / max(norms, limit) is limit / norms where the unit is over the
    # limit; the units under it are passed through untouched
    return T.switch(T.gt(norms, limit),
                    u * (limit / T.maximum(norms, limit)), u)


def _group_proximal_rule(new, param, threshold, axes):
    T = _backend.tensor_module(param)
    u = _full(new, param)
    threshold = _ops.like(threshold, u)
    norms = _group_norms(u, axes, keepdims=True)
    drop = T.le(norms, threshold)
    # a dropped group divides by 1, not by its norm: no 0 / 0 (NaN, at a
    # threshold of 0) even in the branch the switch discards, and no NaN
    # in a gradient taken through it. A NaN group is kept (NaN <= t is
    # false), so NaN propagates; dropped groups are +0.0
    kept = u * (1 - threshold / T.switch(drop, T.ones_like(norms), norms))
    return T.switch(drop, T.zeros_like(u), kept)


def _full(new, param):
    """The update `new` as a tensor of `param`'s dimensions.

    An update rule may reset a parameter to a number; per-unit rules need
    it broadcast to the parameter's shape (in the parameter's dtype).
    """
    if _backend.is_numeric(new):
        new = _ops.like(new, param)
    if new.ndim != param.ndim:
        new = _backend.tensor_module(param).zeros_like(param) + new
    return new


def _what(param):
    """A parameter for messages: ``parameter 'W'``."""
    return 'parameter %s' % _param_name(param)


def _unit_axes(norm_axes, ndim, argname, what):
    """The axes of a unit of a tensor of `ndim` dimensions (max_norm's).

    `norm_axes` if given (validated), else Lasagne's ``norm_constraint``
    convention; a shape without one is an error naming the tensor (`what`).
    """
    if norm_axes is not None:
        return _validate.axes(norm_axes, ndim, argname, what)
    axes = _default_unit_axes(ndim)
    if axes is None:
        raise ValueError(
            "%s: %s has %d dimension(s), and units are defined for 2 (a "
            "dense layer's W: each column, axis 0) to 5 (a convolution's "
            "W: each filter, every axis but the first); give %s for it, or "
            "leave it out of params" % (argname, what, ndim, argname))
    return axes


def _default_unit_axes(ndim):
    """Lasagne's ``norm_constraint`` axes for `ndim` dimensions, or None.

    ``(0,)`` for a matrix, every axis but the first for 3 to 5 dimensions.
    """
    if ndim == 2:
        return (0,)
    if 3 <= ndim <= 5:
        return tuple(range(1, ndim))
    return None


def _factor(coeff, learning_rate):
    """``coeff * learning_rate`` (learning_rate None means 1), validated."""
    if learning_rate is None:
        return coeff
    learning_rate = _validate.coefficient(learning_rate, 'learning_rate')
    if _is_zero(coeff) or _is_zero(learning_rate):
        return 0
    if not (_backend.is_symbolic(coeff) or
            _backend.is_symbolic(learning_rate)):
        # in float64: numpy 2 multiplies two float16 (or float32) scalars
        # in their own dtype, where 1e-3 * 1e-5 underflows to 0
        return float(coeff) * float(learning_rate)
    return coeff * learning_rate


def _is_zero(value):
    return not _backend.is_symbolic(value) and value == 0


def _select(updates, params, tags, network_filter=None):
    """The parameters `params` stands for; each must be a key of `updates`.

    `network_filter`, if given, filters the parameters of a network (such
    as :func:`_graph.without_vectors`); parameters given one by one are
    kept: the caller's rule decides what they mean.
    """
    _validate.mapping(updates, 'updates',
                      'a mapping from parameters to their new values, such '
                      'as the OrderedDict that lasagne.updates.sgd returns')
    params = _params(params, tags, network_filter)
    _check_keys(updates, params)
    return params


def _apply(updates, params, coeff, rule, axes=None):
    """A copy of `updates` with ``rule(updates[p], p, coeff, axes[i])``.

    A coefficient of 0 changes nothing: the copy is returned as it is.
    """
    result = collections.OrderedDict(updates)
    if _is_zero(coeff):
        return result
    for param, param_axes in zip(params, axes or [None] * len(params)):
        old = updates[param]
        result[param] = _keep_dtype(rule(old, param, coeff, param_axes), old)
    return result


def _params(params, tags, network_filter):
    """The parameter list that `params` (variables or layers) stands for,
    a network's passed through `network_filter` (None: all of them)."""
    tags = _validate.tags(tags)
    if _backend.is_symbolic(params):
        return [params]
    if _graph.is_layer(params):
        return _network_params([params], tags, network_filter)
    items = _validate.iterable(
        params, 'params', 'a list of parameters, or a layer or a list of '
        'layers')
    layers = [_graph.is_layer(item) for item in items]
    if items and all(layers):
        return _network_params(items, tags, network_filter)
    if any(layers):
        raise TypeError("params: expected a list of parameters or a list of "
                        "layers, got a mix of both")
    for i, item in enumerate(items):
        if not _backend.is_symbolic(item):
            raise TypeError("params[%d]: expected a parameter (a shared "
                            "variable) or a layer, got %s"
                            % (i, _validate.describe(item)))
    return _graph.unique(items)


def _network_params(layers, tags, network_filter):
    params = _graph.network_params(layers, tags)
    return network_filter(params) if network_filter else params


def _warn_if_rounded_away(factor, params):
    """Warn once if ``w - factor * w`` rounds back to ``w`` in a dtype.

    For each float dtype of `params`, the factor as that dtype holds it is
    compared with :func:`_smallest_decay`; at or under a quarter of the
    epsilon no weight changes at all. Symbolic factors are not checked.
    """
    if _backend.is_symbolic(factor) or factor == 0:
        return
    dtypes = dict.fromkeys(str(p.dtype) for p in params
                           if str(p.dtype).startswith('float'))
    parts = []
    for dtype in dtypes:
        held = np.asarray(factor, dtype=dtype)[()]
        smallest = _smallest_decay(dtype)
        if held < smallest:
            which = ('every %s weight' % dtype
                     if held <= np.finfo(dtype).eps / 4
                     else 'some %s weights' % dtype)
            parts.append("leaves %s unchanged (w - f * w rounds back to w); "
                         "the smallest product that takes effect on every "
                         "%s weight is %s, half %s's machine epsilon less "
                         "one unit in the last place"
                         % (which, dtype, smallest, dtype))
    if parts:
        warnings.warn(PrecisionWarning(
            "decay * learning_rate = %.6g %s. Use a larger decay or "
            "learning rate, or float64 parameters (docs/errors.rst: 'A "
            "decay that rounds away')" % (factor, '; and '.join(parts))),
            stacklevel=3)


def _smallest_decay(dtype):
    """The smallest ``decay * lr`` that changes every weight of `dtype`.

    The float just below half the machine epsilon: with ``f`` that or
    more, ``w - f * w`` differs from ``w`` for every normal ``w`` whose
    product ``f * w`` is normal, whether the multiply and the subtraction
    are rounded separately (numpy) or fused into one rounding (C compilers
    with FMA, Theano's float16). Checked by brute force in
    tests/test_updates.py.
    """
    dtype = np.dtype(dtype).type
    half = dtype(np.finfo(dtype).eps / 2)
    return np.nextafter(half, dtype(0))


class _MissingUpdate(KeyError, ValueError):
    """A parameter with no entry in the updates (KeyError and ValueError)."""

    def __str__(self):
        return str(self.args[0])


def _check_keys(updates, params):
    missing = [p for p in params if p not in updates]
    if missing:
        names = ', '.join(_param_name(p) for p in missing)
        raise _MissingUpdate(
            "params: %d parameter(s) not in updates: %s. Pass only "
            "parameters that the updates train (for a layer, check its "
            "tags), or add them to the optimizer's params"
            % (len(missing), names))


def _param_name(param):
    name = getattr(param, 'name', None)
    return repr(name) if name else _validate.describe(param)


def _keep_dtype(expr, old):
    """`expr` in the dtype of `old`, the value it replaces."""
    dtype = getattr(old, 'dtype', None)
    if dtype is None or str(expr.dtype) == str(dtype):
        return expr
    return _backend.cast(expr, str(dtype))
