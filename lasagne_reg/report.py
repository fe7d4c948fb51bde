"""
Where a network's penalty comes from: per-parameter breakdown and table.

:func:`penalty_breakdown` gives one penalty expression per parameter, whose
sum is :func:`~lasagne_reg.regularize_network_params`;
:func:`format_breakdown` prints their values as a small table for training
logs.

Compile the breakdown once and format the values at every log line:

>>> import theano
>>> from lasagne.init import Constant
>>> from lasagne.layers import InputLayer, DenseLayer
>>> from lasagne_reg import penalty_breakdown, format_breakdown, l2
>>> hidden = DenseLayer(InputLayer((None, 4)), num_units=3, W=Constant(0.5),
...                     name='hidden')
>>> net = DenseLayer(hidden, num_units=2, W=Constant(1.0), name='out')
>>> breakdown = penalty_breakdown(net, l2)
>>> penalties = theano.function([], list(breakdown.values()))
>>> for epoch in range(1):  # in the training loop
...     print(format_breakdown(breakdown, penalties()))
param     shape   penalty   share
hidden.W  (4, 3)        3   33.3%
out.W     (3, 2)        6   66.7%
total                   9  100.0%
"""
import collections
import collections.abc
import importlib
import numbers

import numpy as np

from . import _backend, _graph, _validate
from .regularization import _REGULARIZABLE

__all__ = ['penalty_breakdown', 'format_breakdown']


def penalty_breakdown(layer, penalty, tags=_REGULARIZABLE, **kwargs):
    """The penalty of each parameter of a network, separately.

    Parameters
    ----------
    layer : a :class:`Layer` instance, or a list of layers
        Parameters of these layers and all layers below them, as for
        :func:`~lasagne_reg.regularize_network_params`.
    penalty : callable
        A penalty function such as ``l1`` or ``l2``.
    tags : dict
        Tag specifications which filter the parameters of the layers. By
        default, only parameters with the `regularizable` tag are included.
    **kwargs
        keyword arguments passed to penalty.

    Returns
    -------
    OrderedDict
        Each parameter variable mapped to ``penalty(param, **kwargs)``, in
        network order, each parameter once (a tied weight appears once).
        The values sum to ``regularize_network_params(layer, penalty, tags,
        **kwargs)``.

    Examples
    --------
    >>> from lasagne.layers import InputLayer, DenseLayer
    >>> from lasagne_reg import penalty_breakdown, l1
    >>> hidden = DenseLayer(InputLayer((None, 4)), num_units=3, name='hidden')
    >>> net = DenseLayer(hidden, num_units=2, name='out')
    >>> breakdown = penalty_breakdown(net, l1)
    >>> [param.name for param in breakdown]
    ['hidden.W', 'out.W']
    >>> value = float(breakdown[net.W].eval())
    >>> bool(abs(value - abs(net.W.get_value()).sum()) < 1e-6)
    True
    """
    _validate.penalty(penalty)
    tags = _validate.tags(tags)
    layers = _graph.as_layer_list(layer, 'layer')
    return collections.OrderedDict(
        (param, penalty(param, **kwargs))
        for param in _graph.network_params(layers, tags))


def format_breakdown(breakdown, values=None):
    """A penalty breakdown as a small text table for training logs.

    One row per parameter (name, shape, penalty value, share of the total)
    and a total row. Values are printed with 5 significant digits.

    Parameters
    ----------
    breakdown : mapping
        Parameters to their penalties, as :func:`penalty_breakdown` returns.
        A penalty may be a symbolic expression or a number.
    values : sequence or mapping, optional
        The penalties' values, already evaluated: a sequence in the order of
        `breakdown` (what a function compiled on ``list(breakdown.values())``
        returns) or a mapping from parameters to values. This is the way to
        log at every epoch: compile once, format each time. Without it the
        symbolic penalties are evaluated here, with one function compiled
        for all of them (a compile on each call).

    Returns
    -------
    str
        The table, lines separated by newlines, no trailing newline. A
        parameter without a name is shown as ``-``, an unknown shape as
        ``?``; the share is ``-`` when the total is 0.

    Examples
    --------
    >>> import numpy as np
    >>> import theano
    >>> from collections import OrderedDict
    >>> from lasagne_reg import format_breakdown, l1
    >>> W = theano.shared(np.ones((4, 3)), name='W')
    >>> V = theano.shared(np.full((3, 2), -2.0))
    >>> breakdown = OrderedDict([(W, l1(W)), (V, l1(V))])
    >>> print(format_breakdown(breakdown))
    param  shape   penalty   share
    W      (4, 3)       12   50.0%
    -      (3, 2)       12   50.0%
    total               24  100.0%

    With values evaluated elsewhere:

    >>> print(format_breakdown(breakdown, [1.5, 0.5]))
    param  shape   penalty   share
    W      (4, 3)      1.5   75.0%
    -      (3, 2)      0.5   25.0%
    total                2  100.0%
    """
    _validate.mapping(breakdown, 'breakdown',
                      'a mapping from parameters to penalties, as '
                      'penalty_breakdown returns')
    params = list(breakdown)
    numbers_ = _values(breakdown, params, values)
    total = float(sum(numbers_))
    rows = [('param', 'shape', 'penalty', 'share')]
    for param, value in zip(params, numbers_):
        rows.append((_name(param), _shape(param), _number(value),
                     _share(value, total)))
    rows.append(('total', '', _number(total), _share(total, total)))
    return _table(rows)


def _values(breakdown, params, values):
    """The penalties of `params` as floats."""
    if values is None:
        return _evaluate([breakdown[p] for p in params])
    if isinstance(values, collections.abc.Mapping):
        missing = [p for p in params if p not in values]
        if missing:
            raise ValueError("values: no value for %d parameter(s) of "
                             "breakdown, first %s"
                             % (len(missing), _validate.describe(missing[0])))
        values = [values[p] for p in params]
    else:
        values = _validate.iterable(
            values, 'values', 'the evaluated penalties, a sequence in the '
            'order of breakdown or a mapping from parameters to values')
        if len(values) != len(params):
            raise ValueError("values: expected %d values (one per parameter "
                             "of breakdown), got %d"
                             % (len(params), len(values)))
    return [_as_float(v, 'values[%d]' % i) for i, v in enumerate(values)]


def _evaluate(penalties):
    """Symbolic penalties evaluated by one compiled function; numbers kept."""
    symbolic = [p for p in penalties if _backend.is_symbolic(p)]
    if symbolic:
        root = importlib.import_module(_backend.backend(symbolic[0]))
        computed = iter(root.function([], symbolic)())
        penalties = [next(computed) if _backend.is_symbolic(p) else p
                     for p in penalties]
    return [_as_float(v, 'breakdown[%d]' % i)
            for i, v in enumerate(penalties)]


def _as_float(value, argname):
    array = np.asarray(value)
    if array.ndim != 0 or not isinstance(array[()], (numbers.Real, np.number)):
        raise TypeError("%s: expected a real scalar penalty, got %s"
                        % (argname, _validate.describe(value)))
    return float(array)


def _name(param):
    return str(getattr(param, 'name', None) or '-')


def _shape(param):
    shape = getattr(param, 'shape', None)
    if isinstance(shape, tuple):
        return str(shape)
    get_value = getattr(param, 'get_value', None)
    if get_value is not None:
        return str(tuple(np.shape(get_value(borrow=True))))
    return '?'


def _number(value):
    return '%.5g' % value


def _share(value, total):
    if total == 0 or not np.isfinite(total):
        return '-'
    return '%.1f%%' % (100.0 * value / total)


def _table(rows, left=2, rule=False):
    """Rows of strings as aligned columns, for logs and terminals.

    The first `left` columns are aligned left (text), the others right
    (numbers); with `rule`, a dashed line goes under the header row.
    """
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ['  '.join(cell.ljust(w) if i < left else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths))).rstrip()
             for row in rows]
    if rule:
        lines.insert(1, '  '.join('-' * w for w in widths))
    return '\n'.join(lines)
