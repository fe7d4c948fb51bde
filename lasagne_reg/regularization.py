"""
Functions to apply regularization to the weights in a network.

A drop-in replacement for :mod:`lasagne.regularization`: the same six
functions with the same signatures, defaults and values. Change the import
and nothing else:

.. code-block:: python

    # from lasagne.regularization import regularize_network_params, l2
    from lasagne_reg.regularization import regularize_network_params, l2

Penalty functions take a tensor and return its penalty (:func:`l1`,
:func:`l2`); :func:`apply_penalty` applies one to a tensor or to many; the
layer helpers apply one to the parameters of layers
(:func:`regularize_layer_params`, :func:`regularize_layer_params_weighted`)
or of a whole network (:func:`regularize_network_params`).

Where Lasagne's expressions fail, these do not: sums of any number of terms
compile in every Theano mode (Lasagne's fail at 32 terms in the pure-Python
linker and its gradient recurses once per term), an error raised inside a
penalty reaches the caller unchanged (Lasagne retries the penalty on the whole
list and reports that error instead), and coefficients do not upcast a
float32 graph to float64. :func:`l1` and :func:`l2` of a float tensor are
one node each that reads the tensor once and adds in float64 (faster than
Lasagne's ``sum`` of squares in the C modes, and at least as accurate:
:doc:`performance` has the figures). Everywhere else the expressions are
Lasagne's own, node for node.

Examples
--------
Lasagne's own example, run as a script: on Theano 1.0.5 and Lasagne 0.1,
:func:`lasagne_reg.compat.install` comes first (see :doc:`backends`).

>>> import lasagne_reg.compat
>>> _ = lasagne_reg.compat.install()  # before importing theano or lasagne
>>> import lasagne
>>> import theano.tensor as T
>>> import theano
>>> from lasagne.nonlinearities import softmax
>>> from lasagne.layers import InputLayer, DenseLayer, get_output
>>> from lasagne_reg.regularization import regularize_layer_params_weighted, l2, l1
>>> from lasagne_reg.regularization import regularize_layer_params
>>> layer_in = InputLayer((100, 20))
>>> layer1 = DenseLayer(layer_in, num_units=3)
>>> layer2 = DenseLayer(layer1, num_units=5, nonlinearity=softmax)
>>> x = T.matrix('x')  # shp: num_batch x num_features
>>> y = T.ivector('y') # shp: num_batch
>>> l_out = get_output(layer2, x)
>>> loss = T.mean(T.nnet.categorical_crossentropy(l_out, y))
>>> layers = {layer1: 0.1, layer2: 0.5}
>>> l2_penalty = regularize_layer_params_weighted(layers, l2)
>>> l1_penalty = regularize_layer_params(layer2, l1) * 1e-4
>>> loss = loss + l2_penalty + l1_penalty
"""
from . import _backend, _graph, _kernels, _ops, _validate

__all__ = [
    'l1',
    'l2',
    'apply_penalty',
    'regularize_layer_params',
    'regularize_layer_params_weighted',
    'regularize_network_params',
]


class _Tags(dict):
    """A dict that cannot be changed: the shared default of ``tags``.

    Lasagne's default ``{'regularizable': True}`` is a plain dict shared by
    every call; a caller that mutated it changed the default for everyone.
    This one compares, prints and unpacks like that dict but refuses changes.
    """

    def _refuse(self, *args, **kwargs):
        raise TypeError("the default tags of lasagne_reg are read-only; pass "
                        "your own dict as tags= instead")

    __setitem__ = __delitem__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse
    __ior__ = _refuse

    def __reduce__(self):
        return (dict, (dict(self),))


_REGULARIZABLE = _Tags(regularizable=True)


def l1(x):
    """Computes the L1 norm of a tensor.

    Parameters
    ----------
    x : Theano tensor, or numpy array
        Symbolic variables of any Theano-family backend; numpy input gives a
        numpy scalar, computed without compiling anything.

    Returns
    -------
    Theano scalar
        l1 norm (sum of absolute values of elements), in the dtype of `x`.
        For a float tensor, one node that reads `x` once and adds in
        float64 (not Lasagne's ``T.sum(abs(x))``); its gradient is
        ``sign(x)``.

    Examples
    --------
    >>> import numpy as np
    >>> from lasagne_reg.regularization import l1
    >>> print(l1(np.array([[1., -2.], [0., 3.]], dtype='float32')))
    6.0
    """
    if _backend.is_numeric(x):
        return _ops.reduce_numeric(x, lambda a: abs(a).sum())
    return _kernels.l1(_validate.tensor(x))


def l2(x):
    """Computes the squared L2 norm of a tensor.

    Lasagne's convention: the sum of squares, without TensorFlow's 1/2.

    Parameters
    ----------
    x : Theano tensor, or numpy array
        Symbolic variables of any Theano-family backend; numpy input gives a
        numpy scalar, computed without compiling anything.

    Returns
    -------
    Theano scalar
        squared l2 norm (sum of squared values of elements), in the dtype
        of `x`. For a float tensor, one node that reads `x` once and adds in
        float64 (not Lasagne's ``T.sum(x ** 2)``); its gradient is ``2 * x``.

    Examples
    --------
    >>> import numpy as np
    >>> from lasagne_reg.regularization import l2
    >>> print(l2(np.array([[1., -2.], [0., 3.]], dtype='float32')))
    14.0
    """
    if _backend.is_numeric(x):
        return _ops.reduce_numeric(x, lambda a: (a ** 2).sum())
    return _kernels.l2(_validate.tensor(x))


def apply_penalty(tensor_or_tensors, penalty, **kwargs):
    """
    Computes the total cost for applying a specified penalty
    to a tensor or group of tensors.

    Parameters
    ----------
    tensor_or_tensors : Theano tensor or list of tensors
        One tensor (symbolic, or a numpy array), or any iterable of them:
        list, tuple, generator, ``dict.values()``... Which of the two it is
        is decided by its type: the penalty is called once per tensor and
        is never retried on the whole collection, so an error raised inside
        the penalty reaches the caller as it was raised.
    penalty : callable
    **kwargs
        keyword arguments passed to penalty.

    Returns
    -------
    Theano scalar
        a scalar expression for the total penalty cost; 0 for an empty
        iterable, as in Lasagne.

    Examples
    --------
    >>> import numpy as np
    >>> from lasagne_reg.regularization import apply_penalty, l2
    >>> tensors = [np.ones(3, dtype='float32'), np.full(2, 2, dtype='float32')]
    >>> print(apply_penalty(tensors, l2))
    11.0
    >>> apply_penalty([], l2)
    0
    """
    _validate.penalty(penalty)
    _validate.penalty_kwargs(penalty, kwargs, tags_hint=False)
    return _penalize(tensor_or_tensors, penalty, kwargs, 'tensor_or_tensors')


def _penalize(tensor_or_tensors, penalty, kwargs, argname):
    """apply_penalty's work, with the user's argument name in messages."""
    if _backend.is_tensor(tensor_or_tensors):
        return _validate.penalty_term(
            penalty(tensor_or_tensors, **kwargs), penalty, tensor_or_tensors)
    tensors = _validate.iterable(
        tensor_or_tensors, argname,
        'a tensor, a numpy array, or an iterable of them')
    _validate.one_backend(tensors, argname)
    return _ops.sum_terms([_validate.penalty_term(penalty(x, **kwargs),
                                                  penalty, x)
                           for x in tensors])


def regularize_layer_params(layer, penalty,
                            tags=_REGULARIZABLE, **kwargs):
    """
    Computes a regularization cost by applying a penalty to the parameters
    of a layer or group of layers.

    Parameters
    ----------
    layer : a :class:`Layer` instances or list of layers.
        Any iterable of layers works (tuple, generator, the
        ``OrderedDict.values()`` that nolearn passes). Only these layers'
        own parameters count, not those of the layers below them. As in
        Lasagne, parameters are collected layer by layer with
        ``layer.get_params(**tags)`` and not deduplicated: a weight shared by
        two of the layers is penalized twice.
    penalty : callable
    tags: dict
        Tag specifications which filter the parameters of the layer or layers.
        By default, only parameters with the `regularizable` tag are included.
    **kwargs
        keyword arguments passed to penalty.

    Returns
    -------
    Theano scalar
        a scalar expression for the cost

    Examples
    --------
    >>> from lasagne.layers import InputLayer, DenseLayer
    >>> from lasagne_reg.regularization import regularize_layer_params, l2
    >>> l_in = InputLayer((None, 4))
    >>> l_hid = DenseLayer(l_in, num_units=3)
    >>> l_out = DenseLayer(l_hid, num_units=2)
    >>> penalty = regularize_layer_params([l_hid, l_out], l2)
    >>> value = float(penalty.eval())
    >>> w1, w2 = l_hid.W.get_value(), l_out.W.get_value()
    >>> bool(abs(value - ((w1 ** 2).sum() + (w2 ** 2).sum())) < 1e-4)
    True
    """
    _validate.penalty(penalty)
    _validate.penalty_kwargs(penalty, kwargs, tags_hint=True)
    tags = _validate.tags(tags)
    layers = _graph.as_layer_list(layer, 'layer')
    params = []
    for lay in layers:
        params += _graph.layer_params(lay, tags)
    _graph.warn_if_nothing_selected(layers, tags, params)
    return _penalize(params, penalty, kwargs, 'layer')


def regularize_layer_params_weighted(layers, penalty,
                                     tags=_REGULARIZABLE, **kwargs):
    """
    Computes a regularization cost by applying a penalty to the parameters
    of a layer or group of layers, weighted by a coefficient for each layer.

    Parameters
    ----------
    layers : dict
        A mapping from :class:`Layer` instances to coefficients. A
        coefficient may be a number or a symbolic scalar (a shared variable
        for a schedule); a number is cast to the dtype of the penalty, so a
        float32 network stays float32. As in Lasagne, a weight shared by two
        of the layers is penalized once per layer, with that layer's
        coefficient.
    penalty : callable
    tags: dict
        Tag specifications which filter the parameters of the layer or layers.
        By default, only parameters with the `regularizable` tag are included.
    **kwargs
        keyword arguments passed to penalty.

    Returns
    -------
    Theano scalar
        a scalar expression for the cost

    Examples
    --------
    >>> from lasagne.layers import InputLayer, DenseLayer
    >>> from lasagne_reg.regularization import regularize_layer_params_weighted, l2
    >>> l_in = InputLayer((None, 4))
    >>> l_hid = DenseLayer(l_in, num_units=3)
    >>> l_out = DenseLayer(l_hid, num_units=2)
    >>> penalty = regularize_layer_params_weighted({l_hid: 0.1, l_out: 0.5}, l2)
    >>> value = float(penalty.eval())
    >>> w1, w2 = l_hid.W.get_value(), l_out.W.get_value()
    >>> bool(abs(value - (0.1 * (w1 ** 2).sum() + 0.5 * (w2 ** 2).sum())) < 1e-4)
    True
    """
    _validate.penalty(penalty)
    _validate.penalty_kwargs(penalty, kwargs, tags_hint=True)
    tags = _validate.tags(tags)
    _validate.mapping(layers, 'layers',
                      'a mapping from layers to coefficients, such as '
                      '{layer1: 0.1, layer2: 0.5}')
    chosen = []    # (layer, coefficient, selected params) per key
    for i, (lay, coeff) in enumerate(layers.items()):
        if not _graph.is_layer(lay):
            raise TypeError("layers: expected layers as keys (objects with a "
                            "get_params(**tags) method), got key %s"
                            % _validate.describe(lay))
        where = 'layers[%s]' % _graph.describe_layer(lay, i + 1, len(layers))
        coeff = _validate.coefficient(coeff, where,
                                      what="the layer's coefficient")
        chosen.append((lay, coeff, _graph.layer_params(lay, tags)))
    _graph.warn_if_nothing_selected(
        [lay for lay, _, _ in chosen], tags,
        [p for _, _, params in chosen for p in params])
    _validate.one_backend([p for _, _, params in chosen for p in params],
                          'layers')
    return _ops.sum_terms([
        _ops.scale(coeff, _penalize(params, penalty, kwargs, 'layers'))
        for _, coeff, params in chosen])


def regularize_network_params(layer, penalty,
                              tags=_REGULARIZABLE, **kwargs):
    """
    Computes a regularization cost by applying a penalty to the parameters
    of all layers in a network.

    Parameters
    ----------
    layer : a :class:`Layer` instance.
        Parameters of this layer and all layers below it will be penalized,
        each parameter once even when layers share it. A list of output
        layers works too. Lasagne layers are walked with
        ``lasagne.layers.get_all_params``; other objects that follow
        Lasagne's layer protocol (``get_params(**tags)`` and
        ``input_layer`` or ``input_layers``) in the same order.
    penalty : callable
    tags: dict
        Tag specifications which filter the parameters of the layer or layers.
        By default, only parameters with the `regularizable` tag are included.
    **kwargs
        keyword arguments passed to penalty.

    Returns
    -------
    Theano scalar
        a scalar expression for the cost

    Examples
    --------
    >>> from lasagne.layers import InputLayer, DenseLayer
    >>> from lasagne_reg.regularization import regularize_network_params, l1
    >>> l_in = InputLayer((None, 4))
    >>> l_hid = DenseLayer(l_in, num_units=3)
    >>> l_out = DenseLayer(l_hid, num_units=2)
    >>> penalty = regularize_network_params(l_out, l1)
    >>> value = float(penalty.eval())
    >>> w1, w2 = l_hid.W.get_value(), l_out.W.get_value()
    >>> bool(abs(value - (abs(w1).sum() + abs(w2).sum())) < 1e-4)
    True
    """
    _validate.penalty(penalty)
    _validate.penalty_kwargs(penalty, kwargs, tags_hint=True)
    tags = _validate.tags(tags)
    layers = _graph.as_layer_list(layer, 'layer')
    params = _graph.network_params(layers, tags)
    _graph.warn_if_nothing_selected(layers, tags, params)
    return _penalize(params, penalty, kwargs, 'layer')
