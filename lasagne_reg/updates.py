"""
Transforms of update dictionaries: decoupled weight decay and proximal L1.

Both take the ``OrderedDict`` that ``lasagne.updates.sgd``, ``adam`` and the
others return (or any mapping from parameters to their new values) and
return a new ``OrderedDict`` with the same keys in the same order: the
entries of the chosen parameters are changed, every other entry (an
optimizer's moment estimates, parameters not chosen) is passed through as
it was. The mapping passed in is never changed.

Apply them to the optimizer's updates, before ``theano.function``:

>>> import theano, theano.tensor as T
>>> import lasagne
>>> from lasagne.layers import InputLayer, DenseLayer
>>> from lasagne.layers import get_output, get_all_params
>>> from lasagne_reg import decoupled_weight_decay, l1_proximal
>>> net = DenseLayer(InputLayer((None, 4)), num_units=3)
>>> x = T.matrix('x')
>>> loss = get_output(net, x).mean()
>>> params = get_all_params(net, trainable=True)
>>> updates = lasagne.updates.adam(loss, params, learning_rate=0.001)
>>> updates = decoupled_weight_decay(updates, net, decay=0.01,
...                                  learning_rate=0.001)       # AdamW
>>> updates = l1_proximal(updates, net, strength=1e-5)         # sparsity
>>> train = theano.function([x], loss, updates=updates)

Which parameters a transform changes is given by `params`: a list of
parameters, or a layer (or list of layers) whose network's parameters are
selected with `tags`, by default the regularizable ones (weights, not
biases), as :func:`~lasagne_reg.regularize_network_params` selects them.
"""
import collections

from . import _backend, _graph, _ops, _validate
from .regularization import _REGULARIZABLE

__all__ = ['decoupled_weight_decay', 'l1_proximal']


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
    return _transform(updates, params, tags, _factor(decay, learning_rate),
                      _decay_rule)


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
    return _transform(updates, params, tags,
                      _factor(strength, learning_rate), _proximal_rule)


def _decay_rule(new, param, coeff):
    return new - _ops.like(coeff, param) * param


def _proximal_rule(new, param, coeff):
    T = _backend.tensor_module(param)
    # in the parameter's dtype: `new` may be a plain number (a reset)
    threshold = _ops.like(coeff, param)
    # new - clip(new, -t, t) is sign(new) * max(|new| - t, 0), with +0.0
    # (not -0.0) where the weight is thresholded to zero
    return new - T.clip(new, -threshold, threshold)


def _factor(coeff, learning_rate):
    """``coeff * learning_rate`` (learning_rate None means 1), validated."""
    if learning_rate is None:
        return coeff
    learning_rate = _validate.coefficient(learning_rate, 'learning_rate')
    if _is_zero(coeff) or _is_zero(learning_rate):
        return 0
    return coeff * learning_rate


def _is_zero(value):
    return not _backend.is_symbolic(value) and value == 0


def _transform(updates, params, tags, coeff, rule):
    """A copy of `updates` with ``rule(updates[p], p, coeff)`` for each p."""
    _validate.mapping(updates, 'updates',
                      'a mapping from parameters to their new values, such '
                      'as the OrderedDict that lasagne.updates.sgd returns')
    params = _params(params, tags)
    _check_keys(updates, params)
    result = collections.OrderedDict(updates)
    if _is_zero(coeff):
        return result
    for param in params:
        old = updates[param]
        result[param] = _keep_dtype(rule(old, param, coeff), old)
    return result


def _params(params, tags):
    """The parameter list that `params` (variables or layers) stands for."""
    tags = _validate.tags(tags)
    if _backend.is_symbolic(params):
        return [params]
    if _graph.is_layer(params):
        return _graph.network_params([params], tags)
    items = _validate.iterable(
        params, 'params', 'a list of parameters, or a layer or a list of '
        'layers')
    layers = [_graph.is_layer(item) for item in items]
    if items and all(layers):
        return _graph.network_params(items, tags)
    if any(layers):
        raise TypeError("params: expected a list of parameters or a list of "
                        "layers, got a mix of both")
    for i, item in enumerate(items):
        if not _backend.is_symbolic(item):
            raise TypeError("params[%d]: expected a parameter (a shared "
                            "variable) or a layer, got %s"
                            % (i, _validate.describe(item)))
    return _graph.unique(items)


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
