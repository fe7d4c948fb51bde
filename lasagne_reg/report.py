"""
Where a network's penalty comes from, and what the regularizers pruned.

:func:`penalty_breakdown` gives one penalty expression per parameter, whose
sum is :func:`~lasagne_reg.regularize_network_params`;
:func:`format_breakdown` prints their values as a small table for training
logs. :func:`sparsity_breakdown` counts each parameter's exact zeros and
finds its units (or groups) that are zero as a whole, and
:func:`format_sparsity` prints them.

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
from .updates import _default_unit_axes, _params, _what

__all__ = ['penalty_breakdown', 'format_breakdown', 'sparsity_breakdown',
           'format_sparsity', 'Sparsity']


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


class Sparsity(collections.namedtuple(
        'Sparsity', 'shape zeros size axes units zero_units')):
    """What :func:`sparsity_breakdown` finds in one parameter.

    Attributes
    ----------
    shape : tuple
        The parameter's shape.
    zeros : int
        How many of its entries are exactly 0 (``-0.0`` included).
    size : int
        How many entries it has.
    axes : tuple of ints, or None
        The axes a unit spans; None where the parameter has no units (a
        vector).
    units : int or None
        How many units it has (None: no units).
    zero_units : tuple or None
        The index of each unit whose weights are all exactly 0, in
        increasing order: ints when one axis indexes the units (the
        inputs of a dense ``W`` with ``axis=1``), tuples of ints when
        several do. None: no units.
    """

    __slots__ = ()


def sparsity_breakdown(params, axis=None, tags=_REGULARIZABLE):
    """Each parameter's exact zeros, and its units that are zero as a whole.

    What :func:`~lasagne_reg.l1_proximal` (single weights),
    :func:`~lasagne_reg.group_lasso_proximal` (whole groups) and pruning
    set to exactly 0, read from the parameters' current values. A unit is
    what :func:`~lasagne_reg.max_norm` calls one (a column of a dense
    ``W``, a filter of a convolution's), or a group along `axis` as
    :func:`~lasagne_reg.group_lasso` takes it: ``axis=1`` on a dense
    ``W`` of shape ``(num_inputs, num_units)`` makes the units its rows,
    the inputs, and answers "which inputs did the group lasso drop".

    Parameters
    ----------
    params : variable, list of variables, layer or list of layers
        The parameters: these variables, or the parameters of the network
        below these layers selected by `tags`. Shared variables are read
        with ``get_value``; other expressions are evaluated (one function
        compiled for all of them).
    axis : int, tuple of ints or None
        The axis, or axes, a unit spans, for every parameter with two or
        more dimensions. None: :func:`~lasagne_reg.max_norm`'s units
        (axis 0 of a matrix, every axis but the first of a 3-d to 5-d
        tensor; other shapes have none). Vectors (biases, scales) have no
        units: only their zeros are counted.
    tags : dict
        Tags that select the parameters when `params` is made of layers;
        regularizable parameters by default.

    Returns
    -------
    OrderedDict
        Each parameter mapped to its :class:`Sparsity`, in network order,
        each parameter once.

    Raises
    ------
    ValueError
        An axis of `axis` is out of range for a parameter; the message
        names it.

    Examples
    --------
    >>> import numpy as np
    >>> import theano
    >>> from lasagne_reg import sparsity_breakdown
    >>> W = theano.shared(np.array([[0., 0.], [1., 0.], [0., 0.]]), name='W')
    >>> found = sparsity_breakdown([W], axis=1)  # rows: the inputs
    >>> found[W].zeros, found[W].units, found[W].zero_units
    (5, 3, (0, 2))
    >>> sparsity_breakdown([W])[W].zero_units   # columns: the units
    (1,)
    """
    params = _params(params, tags, None)
    values = _current_values(params)
    result = collections.OrderedDict()
    for param, value in zip(params, values):
        ndim = np.ndim(value)
        if ndim < 2:
            axes = None
        elif axis is not None:
            axes = _validate.axes(axis, ndim, 'axis', _what(param))
        else:
            axes = _default_unit_axes(ndim)
        result[param] = _sparsity(np.asarray(value), axes)
    return result


def _sparsity(value, axes):
    zeros = int(np.count_nonzero(value == 0))
    if axes is None:
        return Sparsity(value.shape, zeros, value.size, None, None, None)
    is_zero = np.all(value == 0, axis=axes)
    found = np.argwhere(is_zero)
    if is_zero.ndim == 1:
        zero_units = tuple(int(i) for i in found[:, 0])
    else:
        zero_units = tuple(tuple(int(i) for i in row) for row in found)
    return Sparsity(value.shape, zeros, value.size, axes, int(is_zero.size),
                    zero_units)


def _current_values(params):
    """The values of `params`: shared variables read, the rest evaluated."""
    values = [p.get_value(borrow=True) if hasattr(p, 'get_value') else None
              for p in params]
    others = [p for p, v in zip(params, values) if v is None]
    if others:
        root = importlib.import_module(_backend.backend(others[0]))
        computed = iter(root.function([], others)())
        values = [next(computed) if v is None else v for v in values]
    return values


def format_sparsity(breakdown, most=20):
    """A sparsity breakdown as a text table: zeros, zero units, which ones.

    One row per parameter (name, shape, exact zeros, their share, the
    units that are zero as a whole out of all units, and which they are)
    and a total row. Runs of consecutive unit indices are shown as ranges
    (``3-7``).

    Parameters
    ----------
    breakdown : mapping
        Parameters to their :class:`Sparsity`, as
        :func:`sparsity_breakdown` returns.
    most : int
        The most runs of indices shown per parameter; the rest are counted
        (``... and 12 more``).

    Returns
    -------
    str
        The table, lines separated by newlines, no trailing newline. A
        parameter without units shows ``-`` in the last two columns.

    Examples
    --------
    >>> import numpy as np
    >>> import theano
    >>> from lasagne_reg import sparsity_breakdown, format_sparsity
    >>> W = np.ones((8, 3))
    >>> W[[0, 1, 2, 5]] = 0.0                     # four inputs dropped
    >>> W = theano.shared(W, name='hidden.W')
    >>> print(format_sparsity(sparsity_breakdown([W], axis=1)))
    param     shape   zeros  share  zero units  which
    hidden.W  (8, 3)     12  50.0%        4/8   0-2, 5
    total                12  50.0%
    """
    _validate.mapping(breakdown, 'breakdown',
                      'a mapping from parameters to Sparsity, as '
                      'sparsity_breakdown returns')
    rows = [('param', 'shape', 'zeros', 'share', 'zero units', 'which')]
    zeros = size = 0
    for i, (param, found) in enumerate(breakdown.items()):
        if not isinstance(found, Sparsity):
            raise TypeError("breakdown[%d]: expected a Sparsity, as "
                            "sparsity_breakdown gives, got %s"
                            % (i, _validate.describe(found)))
        zeros += found.zeros
        size += found.size
        if found.units is None:
            units = which = '-'
        else:
            units = '%d/%d' % (len(found.zero_units), found.units)
            which = _runs(found.zero_units, most)
        rows.append((_name(param), str(tuple(found.shape)), str(found.zeros),
                     _share(found.zeros, found.size), units, which))
    rows.append(('total', '', str(zeros), _share(zeros, size), '', ''))
    return _table(rows, text=(5,))


def _runs(indices, most):
    """Unit indices as text: runs of consecutive ints as ranges."""
    if indices and not isinstance(indices[0], int):
        runs = [str(index) for index in indices]
    else:
        runs, start = [], None
        for i, index in enumerate(indices):
            if start is None:
                start = index
            if i + 1 == len(indices) or indices[i + 1] != index + 1:
                runs.append(str(start) if start == index
                            else '%d-%d' % (start, index))
                start = None
    if len(runs) > most:
        runs = runs[:most] + ['... and %d more' % (len(runs) - most)]
    return ', '.join(runs)


def _table(rows, left=2, rule=False, text=()):
    """Rows of strings as aligned columns, for logs and terminals.

    The first `left` columns, and those listed in `text`, are aligned left
    (text), the others right (numbers); with `rule`, a dashed line goes
    under the header row.
    """
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ['  '.join(cell.ljust(w) if i < left or i in text
                       else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths))).rstrip()
             for row in rows]
    if rule:
        lines.insert(1, '  '.join('-' * w for w in widths))
    return '\n'.join(lines)
