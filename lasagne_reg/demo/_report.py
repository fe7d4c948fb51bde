"""The demo's results table."""
from ..report import _table
from ._training import Result


def format_table(results):
    """The results as a text table, one row per setting.

    Parameters
    ----------
    results : list of Result

    Returns
    -------
    str
        Columns: setting, train and test accuracy (%), the penalty term in
        the loss after training ("-" when the setting adds none), the L2
        norm of all weights, the share of weights that are exactly 0, and
        how many inputs and hidden units are pruned (all their outgoing
        weights exactly 0; "-" when the result does not say).
    """
    results = _checked_results(results)
    header = ('setting', 'train acc', 'test acc', 'penalty', 'weight norm',
              'zeros', 'inputs 0', 'units 0')
    rows = [header]
    for r in results:
        rows.append((r.setting,
                     '%.1f%%' % (100 * r.train_accuracy),
                     '%.1f%%' % (100 * r.test_accuracy),
                     '-' if r.penalty is None else '%.4f' % r.penalty,
                     '%.2f' % r.weight_norm,
                     '%.1f%%' % (100 * r.zero_fraction),
                     _count(r.zero_inputs), _count(r.zero_units)))
    return _table(rows, left=1, rule=True)


def _count(indices):
    return '-' if indices is None else str(len(indices))


def _checked_results(results):
    """`results` as a list of at least one Result, or a clear error."""
    expected = 'a list of lasagne_reg.demo.Result'
    if isinstance(results, Result):
        raise TypeError('results: expected %s, got one Result (put it in a '
                        'list)' % expected)
    try:
        results = list(results)
    except TypeError:
        raise TypeError('results: expected %s, got %r'
                        % (expected, results)) from None
    for i, r in enumerate(results):
        if not isinstance(r, Result):
            raise TypeError('results[%d]: expected a Result, got %r' % (i, r))
    if not results:
        raise ValueError('results: expected at least one Result, got none')
    return results
