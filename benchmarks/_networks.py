"""Duck-typed layer networks: Lasagne's layer protocol without Lasagne.

The one definition of such layers in the repository, shared by the
benchmarks (``run.py``, ``compile.py``: the backends without Lasagne) and
the tests (``tests/_support.py``). A layer has ``input_layer`` (or
``input_layers``) and ``get_params(**tags)`` with Lasagne's tag rule
(``Layer.get_params``): a tag given True must be among the parameter's tags,
a tag given False must not be.

Examples
--------
>>> W, b = object(), object()
>>> layer = Dense(None, W, b)
>>> layer.get_params() == [W, b]
True
>>> layer.get_params(regularizable=True) == [W]
True
>>> layer.get_params(trainable=True, regularizable=False) == [b]
True
"""
import collections


def select(params, tags):
    """Lasagne's tag rule: the parameters of `params` (parameter -> its set
    of tags) that have every tag given True and none given False."""
    only = {t for t, v in tags.items() if v}
    exclude = {t for t, v in tags.items() if not v}
    return [p for p, ptags in params.items()
            if only <= ptags and not (exclude & ptags)]


class DuckLayer:
    """A layer that follows Lasagne's protocol without being a Lasagne Layer.

    `incoming` is a layer, None (the input) or a list or tuple of layers;
    `params` pairs each parameter with its tags.
    """

    def __init__(self, incoming, params=(), name=None):
        if isinstance(incoming, (list, tuple)):
            self.input_layers = list(incoming)
        else:
            self.input_layer = incoming
        self.params = collections.OrderedDict(
            (p, set(tags)) for p, tags in params)
        self.name = name

    def get_params(self, **tags):
        return select(self.params, tags)


class Dense(DuckLayer):
    """A dense layer's parameters, tagged as Lasagne's ``DenseLayer`` tags
    them: ``W`` trainable and regularizable, ``b`` trainable."""

    def __init__(self, incoming, W, b, name=None):
        super().__init__(incoming, [(W, ('trainable', 'regularizable')),
                                    (b, ('trainable',))], name=name)
        self.W, self.b = W, b


def dense_stack(root, weights, name='W'):
    """A chain of :class:`Dense` layers over the float32 arrays `weights`.

    `root` is the backend's module (``theano``, ``pytensor``, ``aesara``),
    whose ``shared`` makes the parameters (``W0``, ``W1``, ... and zero
    biases ``b0``, ...). Returns (the last layer, the weights' shared
    variables, in order).
    """
    import numpy as np
    layer, shared = None, []
    for i, w in enumerate(weights):
        W = root.shared(w, name='%s%d' % (name, i))
        b = root.shared(np.zeros(w.shape[1], np.float32), name='b%d' % i)
        layer = Dense(layer, W, b)
        shared.append(W)
    return layer, shared
