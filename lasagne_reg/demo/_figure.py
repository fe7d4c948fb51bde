"""The demo's figure (matplotlib, imported only when a figure is drawn)."""
import numpy as np

from ._report import _checked_results

#: Weights smaller than this in absolute value count as "near 0" in the
#: figure (the soft threshold of ``l1_proximal`` in :data:`STRENGTHS`).
NEAR_ZERO = 1e-3
#: An input pixel whose outgoing weights have a smaller L2 norm than this
#: counts as switched off in the figure.
PIXEL_OFF = 0.01
#: Resolution of the figure: 10 inches wide, so 1200 pixels.
DPI = 120

_STYLE = {'font.size': 10, 'axes.titlesize': 11, 'axes.labelsize': 10,
          'xtick.labelsize': 9, 'ytick.labelsize': 10, 'legend.fontsize': 9}


def plot(results, path):
    """Write the demo's figure (PNG, 120 dpi, 1200 pixels wide) to `path`.

    One row per setting in the top panels: the final train and test
    accuracy, the L2 norm of all weights, the share of weights near 0
    (smaller than :data:`NEAR_ZERO` in absolute value) and exactly 0, and,
    when the results have them, the inputs and hidden units pruned (all
    their outgoing weights exactly 0). Below, for each setting, a histogram
    of its weights (log counts, exact zeros in red) and, when the results
    have them, a map of the inputs (the 8x8 pixels): the norm of each
    pixel's outgoing weights in the first layer, the groups that
    ``group_lasso(W, axis=1)`` penalizes, with the pixels pruned to exactly
    0 in red.

    Parameters
    ----------
    results : list of Result
    path : str
        File to write; its directory must exist.
    """
    results = _checked_results(results)
    # the Agg canvas directly, not pyplot: matplotlib's global backend and
    # figure list stay as the caller had them; rc_context restores its
    # settings afterwards
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    maps = all(r.input_norms is not None and
               _square_side(r.input_norms.size) for r in results)
    hist_rows = -(-(len(results) + 1) // 4)
    # the summary grows with the settings (a row each), below it a legend
    heights = [1.6 + 0.32 * len(results)] + [2.1] * hist_rows + \
        ([2.3] if maps else [])
    with matplotlib.rc_context(_STYLE):
        fig = Figure(figsize=(10, 0.6 + sum(heights)), layout='constrained')
        FigureCanvasAgg(fig)
        fig.suptitle("lasagne_reg demo: a Lasagne MLP on scikit-learn's "
                     "digits, %d epochs per setting"
                     % (len(results[0].test_curve) - 1), fontsize=13)
        parts = fig.subfigures(len(heights), 1, height_ratios=heights)
        _plot_summary(parts[0], results)
        _plot_histograms(parts[1:1 + hist_rows], results)
        if maps:
            _plot_input_maps(parts[-1], results)
        fig.savefig(path, dpi=DPI)


def _square_side(size):
    side = int(round(np.sqrt(size)))
    return side if side * side == size and side > 1 else 0


def _plot_summary(sub, results):
    """Accuracy, weight norm, weights at or near 0 and, when the results
    say, the units pruned: one row per setting."""
    pruned = all(r.zero_inputs is not None and r.zero_units is not None
                 for r in results)
    panels = sub.subplots(1, 4 if pruned else 3, sharey=True,
                          gridspec_kw={'wspace': 0.08})
    acc, norm, zero = panels[:3]
    if pruned:
        _plot_pruned(panels[3], results)
    rows = np.arange(len(results))
    names = [r.setting for r in results]
    train = [100 * r.train_accuracy for r in results]
    test = [100 * r.test_accuracy for r in results]
    acc.plot(train, rows, 'o', color='tab:gray', label='train')
    acc.plot(test, rows, 'D', color='tab:blue', label='test')
    for y, value in zip(rows, test):
        acc.annotate('%.1f' % value, (value, y), xytext=(-6, 0),
                     textcoords='offset points', ha='right', va='center',
                     fontsize=9, color='tab:blue')
    low = min(train + test)
    acc.set_xlim(max(0.0, np.floor(low) - 3), 100.5)
    acc.set_yticks(rows)
    acc.set_yticklabels(names)
    acc.set_ylim(len(results) - 0.5, -0.5)
    acc.set_xlabel('accuracy (%)')
    acc.set_title('Accuracy after training')
    acc.grid(axis='x', alpha=0.3)
    _legend_below(acc)

    norms = [r.weight_norm for r in results]
    norm.barh(rows, norms, color='tab:blue', height=0.6)
    for y, value in zip(rows, norms):
        norm.annotate('%.1f' % value, (value, y), xytext=(3, 0),
                      textcoords='offset points', va='center', fontsize=9)
    norm.set_xlim(0, 1.2 * max(max(norms), 1e-12))
    norm.set_xlabel('L2 norm of all weights')
    norm.set_title('Weight norm')
    norm.tick_params(axis='y', left=False)

    near = [100 * np.mean(np.abs(r.weights) < NEAR_ZERO) for r in results]
    exact = [100 * r.zero_fraction for r in results]
    zero.barh(rows - 0.2, near, height=0.4, color='tab:gray',
              label='|w| < %g' % NEAR_ZERO)
    zero.barh(rows + 0.2, exact, height=0.4, color='tab:red',
              label='exactly 0')
    for offset, values in ((-0.2, near), (0.2, exact)):
        for y, value in zip(rows + offset, values):
            zero.annotate('%.0f%%' % value, (value, y), xytext=(3, 0),
                          textcoords='offset points', va='center',
                          fontsize=9)
    zero.set_xlim(0, min(100.0, max(10.0, 1.3 * max(near + exact))))
    zero.set_xlabel('share of weights (%)')
    zero.set_title('Weights at or near 0')
    zero.tick_params(axis='y', left=False)
    _legend_below(zero)


def _plot_pruned(ax, results):
    """How many inputs and hidden units each setting pruned to exactly 0."""
    rows = np.arange(len(results))
    inputs = [len(r.zero_inputs) for r in results]
    units = [len(r.zero_units) for r in results]
    ax.barh(rows - 0.2, inputs, height=0.4, color='tab:purple',
            label='input pixels')
    ax.barh(rows + 0.2, units, height=0.4, color='tab:orange',
            label='hidden units')
    for offset, values in ((-0.2, inputs), (0.2, units)):
        for y, value in zip(rows + offset, values):
            ax.annotate('%d' % value, (value, y), xytext=(3, 0),
                        textcoords='offset points', va='center', fontsize=9)
    ax.set_xlim(0, max(10, 1.3 * max(inputs + units)))
    ax.set_xlabel('how many')
    ax.set_title('Units pruned to 0')
    ax.tick_params(axis='y', left=False)
    _legend_below(ax)


def _legend_below(ax):
    """The panel's legend under its x label, out of the bars' way."""
    ax.legend(loc='upper center', bbox_to_anchor=(0.5, -0.2), ncol=2,
              frameon=False, handlelength=1.2, columnspacing=0.8)


def _plot_histograms(subs, results):
    """A histogram of each setting's weights, on one shared axis."""
    limit = max(float(np.max(np.abs(r.weights))) for r in results)
    limit = limit if limit > 0 else 1.0
    bins = np.linspace(-limit, limit, 61)
    top = max(len(r.weights) for r in results)
    cells = [ax for sub in subs for ax in sub.subplots(1, 4)]
    for i, ax in enumerate(cells):
        if i >= len(results):
            ax.axis('off')
            continue
        r = results[i]
        nonzero = r.weights[r.weights != 0]
        ax.hist(nonzero, bins=bins, color='tab:blue', label='nonzero')
        zeros = int(np.sum(r.weights == 0))
        if zeros:
            ax.bar([0.0], [zeros], width=2 * (bins[1] - bins[0]),
                   color='tab:red', label='exactly 0')
        ax.set_yscale('log')
        ax.set_ylim(0.7, 2 * top)
        ax.set_title(r.setting, fontsize=10)
        ax.set_xlabel('weight value', fontsize=9)
        if i % 4 == 0:
            ax.set_ylabel('count (log scale)', fontsize=9)
    key = cells[len(results)] if len(results) < len(cells) else None
    if key is not None:
        key.legend(handles=[
            _patch('tab:blue', 'nonzero weights'),
            _patch('tab:red', 'weights exactly 0')],
            loc='center', title='Histograms of\nall weights', frameon=False)


def _patch(color, label):
    from matplotlib.patches import Patch
    return Patch(color=color, label=label)


def _plot_input_maps(sub, results):
    """For each setting, the norm of each input pixel's outgoing weights.

    Log colour scale, so that a pixel shrunk to 0.001 (switched off) looks
    different from one at 0.05 (only small); pixels pruned to exactly 0 are
    red. The label under each map counts the pixels below
    :data:`PIXEL_OFF` and, when the result says, those exactly 0.
    """
    from matplotlib.colors import ListedColormap, LogNorm
    side = _square_side(results[0].input_norms.size)
    top = max(float(np.max(r.input_norms)) for r in results)
    scale = LogNorm(vmin=1e-3, vmax=max(top, 1e-2), clip=True)
    red = ListedColormap(['tab:red'])
    axes = np.atleast_1d(sub.subplots(1, len(results)))
    for ax, r in zip(axes, results):
        image = ax.imshow(r.input_norms.reshape(side, side), cmap='viridis',
                          norm=scale)
        label = '%d off' % np.sum(r.input_norms < PIXEL_OFF)
        if r.zero_inputs is not None:
            pruned = np.zeros(r.input_norms.size, dtype=bool)
            pruned[list(r.zero_inputs)] = True
            ax.imshow(np.ma.masked_where(~pruned, pruned).reshape(side, side),
                      cmap=red, vmin=0, vmax=1)
            label += ', %d = 0' % len(r.zero_inputs)
        ax.set_title(r.setting.replace('_', '_\n', 1)
                     if len(r.setting) > 12 else r.setting, fontsize=9)
        ax.set_xlabel(label, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    bar = sub.colorbar(image, ax=list(axes), shrink=0.8)
    bar.set_label('norm (log)', fontsize=9)
    sub.suptitle("Input pixels (8x8): norm of each pixel's outgoing weights "
                 "(dark: the pixel is off, norm < %g; red: pruned, exactly 0)"
                 % PIXEL_OFF, fontsize=11)
