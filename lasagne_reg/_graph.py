"""Walking Lasagne layer graphs and selecting parameters by tag.

Lasagne layers go through Lasagne's own ``get_all_params`` so that whatever
the installed Lasagne does (``unwrap_shared`` in master, custom tags) is what
the user gets. Any other object that follows Lasagne's layer protocol
(``get_params(**tags)`` plus ``input_layer`` or ``input_layers``) is walked
here with the same rules: topological order, inputs first in the order they
are listed, each layer once, each parameter once.
"""
import sys
import warnings

from . import _validate


def is_layer(obj):
    """True for objects that follow Lasagne's layer protocol."""
    return callable(getattr(obj, 'get_params', None))


def as_layer_list(layer, argname='layer'):
    """A list of layers from one layer or any iterable of layers."""
    if is_layer(layer):
        return [layer]
    layers = _validate.iterable(layer, argname, 'a layer or an iterable of layers')
    for i, item in enumerate(layers):
        if not is_layer(item):
            raise TypeError("%s[%d]: expected a layer (an object with a "
                            "get_params(**tags) method), got %s"
                            % (argname, i, _validate.describe(item)))
    return layers


def layer_params(layer, tags):
    """``layer.get_params(**tags)`` as a list."""
    return list(layer.get_params(**tags))


def _incoming(layer):
    if hasattr(layer, 'input_layers'):
        return list(layer.input_layers)
    if hasattr(layer, 'input_layer'):
        return [layer.input_layer]
    return []


def all_layers(layers):
    """Every layer feeding into `layers` (a list), in topological order.

    Depth-first, inputs before the layers they feed, inputs in the order a
    layer lists them; ``None`` inputs are ignored and cycles do not loop.
    Iterative, so deep networks do not hit the recursion limit.
    """
    result, finished, entered = [], set(), set()
    # stack of (layer, expanded): a layer is emitted when popped expanded.
    stack = [(lay, False) for lay in reversed(layers)]
    while stack:
        lay, expanded = stack.pop()
        if lay is None or id(lay) in finished:
            continue
        if expanded or id(lay) in entered:
            finished.add(id(lay))
            result.append(lay)
            continue
        entered.add(id(lay))
        stack.append((lay, True))
        stack.extend((inp, False) for inp in reversed(_incoming(lay)))
    return result


def unique(items):
    """`items` without repeats (by identity), first occurrence kept."""
    seen, out = set(), []
    for item in items:
        if id(item) not in seen:
            seen.add(id(item))
            out.append(item)
    return out


def _lasagne_layer_class():
    """Lasagne's ``Layer`` class if Lasagne is already imported, else None."""
    layers = sys.modules.get('lasagne.layers')
    return getattr(layers, 'Layer', None)


def network_params(layers, tags):
    """All parameters of the network below `layers` selected by `tags`.

    Network order, each parameter once, as ``lasagne.layers.get_all_params``.
    """
    base = _lasagne_layer_class()
    if base is not None and all(isinstance(lay, base) for lay in layers):
        from lasagne.layers import get_all_params
        return list(get_all_params(layers, **tags))
    params = []
    for lay in all_layers(layers):
        params.extend(layer_params(lay, tags))
    return unique(params)


def warn_if_nothing_selected(layers, tags, selected):
    """Warn when `tags` select no parameter anywhere in the graph.

    A filter that matches nothing in a network that has parameters is almost
    always a misspelt tag; the penalty is still 0, as in Lasagne. Checked only
    when the layers themselves gave nothing (`selected` is empty); then the
    whole graph below `layers` is looked at, so a bias-only layer of a network
    with weights does not warn.
    """
    if selected or not tags or network_params(layers, tags):
        return
    everything = network_params(layers, {})
    if everything:
        warnings.warn("tags=%r select none of the %d parameters of the "
                      "network, so the penalty is 0; is a tag name "
                      "misspelt? (Lasagne's tags are 'regularizable' and "
                      "'trainable')" % (dict(tags), len(everything)),
                      UserWarning, stacklevel=3)
