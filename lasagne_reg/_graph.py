"""Walking Lasagne layer graphs and selecting parameters by tag.

Lasagne layers go through Lasagne's own ``get_all_params`` so that whatever
the installed Lasagne does (``unwrap_shared`` in master, custom tags) is what
the user gets. Any other object that follows Lasagne's layer protocol
(``get_params(**tags)`` plus ``input_layer`` or ``input_layers``) is walked
here with the same rules: topological order, inputs first in the order they
are listed, each layer once, each parameter once.
"""
import collections.abc
import sys
import warnings

from . import _validate


def is_layer(obj):
    """True for objects that follow Lasagne's layer protocol."""
    return callable(getattr(obj, 'get_params', None))


def as_layer_list(layer, argname):
    """A list of layers from one layer or any iterable of layers."""
    if is_layer(layer):
        return [layer]
    from ._backend import is_tensor
    if is_tensor(layer):
        # an array is iterable: without this, its rows would be reported
        # one by one as "not a layer"
        raise TypeError("%s: expected a layer or an iterable of layers, got "
                        "%s; to penalize a tensor or an array, call the "
                        "penalty on it (l2(x)) or apply_penalty(x, l2)"
                        % (argname, _validate.describe_tensor(layer)))
    layers = _validate.iterable(layer, argname, 'a layer or an iterable of layers')
    for i, item in enumerate(layers):
        if not is_layer(item):
            raise TypeError("%s[%d]: expected a layer (an object with a "
                            "get_params(**tags) method), got %s"
                            % (argname, i, _validate.describe(item)))
    return layers


def describe_layer(layer, position, count):
    """A layer for messages: its name, or its class, position and shape.

    ``DenseLayer 'hidden'`` for a named layer; ``DenseLayer #2 of 3, output
    shape (None, 10)`` for an unnamed one (`position` counts from 1 in the
    collection of `count` layers the user passed).
    """
    text = type(layer).__name__
    name = getattr(layer, 'name', None)
    if name:
        return '%s %r' % (text, name)
    text += ' #%d of %d' % (position, count)
    try:
        shape = layer.output_shape
    except Exception:    # no shape, or one that cannot be inferred
        shape = None
    if shape is not None:
        text += ', output shape %s' % (tuple(shape),)
    return text


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
    # a layer is pushed again under its inputs; met again once entered (its
    # inputs done, or a cycle back to it), it is emitted
    stack = list(reversed(layers))
    while stack:
        lay = stack.pop()
        if lay is None or id(lay) in finished:
            continue
        if id(lay) in entered:
            finished.add(id(lay))
            result.append(lay)
            continue
        entered.add(id(lay))
        stack.append(lay)
        stack.extend(reversed(_incoming(lay)))
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


def without_vectors(params):
    """`params` less those with fewer than two dimensions.

    Biases, normalization scales and shifts, PReLU slopes, LSTM peepholes:
    the parameters that weight decay and per-unit constraints leave alone.
    """
    return [p for p in params if p.ndim >= 2]


def warn_if_nothing_selected(layers, tags, selected):
    """Warn when `tags` select no parameter anywhere in the graph.

    The penalty is still 0, as in Lasagne. Checked only when the layers
    themselves gave nothing (`selected` is empty); then the whole graph below
    `layers` is looked at, so a bias-only layer of a network with weights
    does not warn. The message says what the network has: a tag that no
    parameter carries is probably misspelt; otherwise the combination asked
    for matches no parameter.
    """
    if selected or not tags or network_params(layers, tags):
        return
    everything = network_params(layers, {})
    if not everything:
        return
    found = _tag_sets(all_layers(layers))
    known = set().union(*found)
    # with no tag anywhere, no tag name is a misspelling: say what there is
    unknown = [t for t in tags if known and t not in known]
    message = ("tags=%r select none of the %d parameters of the network, "
               "so the penalty is 0" % (dict(tags), len(everything)))
    if unknown:
        import difflib
        close = [m for t in unknown
                 for m in difflib.get_close_matches(t, sorted(known), 1)]
        message += ("; no parameter has the tag %s: is it misspelt?%s (tags "
                    "in this network: %s)"
                    % (', '.join(map(repr, unknown)),
                       ' Did you mean %s?' % ', '.join(map(repr, close))
                       if close else '', ', '.join(sorted(known))))
    elif found:
        counts = {}
        for tagset in found:
            key = ('tagged ' + ' and '.join(sorted(tagset)) if tagset
                   else 'without tags')
            counts[key] = counts.get(key, 0) + 1
        message += ("; the network has %s"
                    % ', '.join('%d %s' % (n, key) for key, n in
                                sorted(counts.items(), key=lambda kv: -kv[1])))
    else:
        message += ("; is a tag name misspelt? (Lasagne's tags are "
                    "'regularizable' and 'trainable')")
    warnings.warn(message, UserWarning, stacklevel=3)


def _tag_sets(layers):
    """The tag set of each parameter of `layers`, where layers expose them.

    Lasagne layers (and protocol layers that copy them) keep ``params``, a
    mapping from each parameter to its set of tags; a layer without one
    makes the answer unknown (an empty list).
    """
    tagsets, seen = [], set()
    for lay in layers:
        params = getattr(lay, 'params', None)
        if not isinstance(params, collections.abc.Mapping):
            return []
        for param, ptags in params.items():
            if not isinstance(ptags, collections.abc.Iterable):
                return []
            if id(param) not in seen:
                seen.add(id(param))
                tagsets.append(set(ptags))
    return tagsets
