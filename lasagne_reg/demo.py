"""The main job: one small Lasagne network, trained once per regularizer.

``python -m lasagne_reg.demo`` (``make demo`` installs what it needs and runs
it) trains the same multilayer perceptron on scikit-learn's handwritten
digits (1797 8x8 images, 10 classes; the data ship inside scikit-learn, so
nothing is downloaded) once per setting:

==========================  ===============================================
``none``                    the data loss alone
``l2``                      ``+ c * regularize_network_params(net, l2)``
``l1``                      ``+ c * regularize_network_params(net, l1)``
``l1_l2``                   ``+ regularize_network_params(net, l1_l2,
                            l1=a, l2=b)`` (elastic net)
``group_lasso``             ``+ c * regularize_network_params(net,
                            group_lasso, axis=1)`` (one group per input)
``decoupled_weight_decay``  Adam's updates through
                            ``decoupled_weight_decay`` (AdamW)
``l1_proximal``             Adam's updates through ``l1_proximal``
                            (soft thresholding: exact zeros)
==========================  ===============================================

The strengths are in :data:`STRENGTHS`. Every run starts from the same
initial weights and sees the same minibatches in the same order (fixed
seeds), so the differences between rows come from the regularizer alone and
a rerun prints the same numbers. Each run shows a progress bar (tqdm); then
one table is printed (setting, train and test accuracy, the penalty term in
the loss, the L2 norm of all weights, the fraction of weights that are
exactly zero) and a figure is written (matplotlib): test accuracy per epoch
and a histogram of the weights for each setting.

The network is built from Lasagne's layers, which need ``theano.tensor.nnet``:
the demo runs on Theano 1.0.5 with Lasagne 0.1 (it calls
:func:`lasagne_reg.compat.install` first). ``--backend pytensor`` or
``--backend aesara`` stop with an error that says so: those backends have no
``tensor.nnet`` for Lasagne, although lasagne_reg's penalties and update
transforms work on them.

Examples
--------
>>> from lasagne_reg import demo
>>> print(' '.join(demo.SETTINGS))
none l2 l1 l1_l2 group_lasso decoupled_weight_decay l1_proximal
>>> demo.main(['--backend', 'pytensor'])
Traceback (most recent call last):
...
SystemExit: 2
"""
import argparse
import contextlib
import numbers
import os
import sys
import tempfile
import threading
import time

import numpy as np

from .report import _table

__all__ = ['SETTINGS', 'STRENGTHS', 'Result', 'load_digits', 'train',
           'format_table', 'plot', 'main']

#: Every setting, in the order the demo runs them.
SETTINGS = ('none', 'l2', 'l1', 'l1_l2', 'group_lasso',
            'decoupled_weight_decay', 'l1_proximal')

#: Strength of each setting: the penalty's coefficient in the loss (for
#: ``l1_l2`` its ``l1`` and ``l2`` arguments), the ``decay`` of
#: ``decoupled_weight_decay`` (multiplied by the learning rate, as in AdamW),
#: or the ``strength`` of ``l1_proximal`` (the soft threshold applied to
#: each weight after each step).
STRENGTHS = {
    'none': None,
    'l2': 1e-3,
    'l1': 3e-4,
    'l1_l2': {'l1': 1e-4, 'l2': 1e-3},
    'group_lasso': 3e-3,
    'decoupled_weight_decay': 0.3,
    'l1_proximal': 1e-3,
}

EPOCHS = 30
SEED = 0
HIDDEN_UNITS = 64
BATCH_SIZE = 64
LEARNING_RATE = 0.01
TEST_FRACTION = 0.25
FIGURE = 'lasagne_reg_demo.png'

_BACKENDS = ('theano', 'pytensor', 'aesara')
# module -> the package that provides it
_NEEDED = (('theano', 'Theano'), ('lasagne', 'Lasagne'), ('tqdm', 'tqdm'),
           ('matplotlib', 'matplotlib'), ('sklearn', 'scikit-learn'))


class Result:
    """What one training run gives.

    Attributes
    ----------
    setting : str
        The setting's name, one of :data:`SETTINGS`.
    train_accuracy : float
        Fraction of the training digits classified correctly after the
        last epoch.
    test_accuracy : float
        The same on the held-out digits.
    penalty : float or None
        Value of the term the setting adds to the loss, after the last
        epoch; None for settings that regularize through the updates.
    weight_norm : float
        L2 norm of all regularizable weights, taken together.
    zero_fraction : float
        Fraction of the regularizable weights that are exactly 0.
    test_curve : numpy array
        Test accuracy before training and after each epoch.
    weights : numpy array
        Every regularizable weight, flattened, after training.
    input_norms : numpy array or None
        For each input (pixel), the L2 norm of its outgoing weights in the
        first layer: the groups ``group_lasso(W, axis=1)`` penalizes.
    """

    def __init__(self, setting, train_accuracy, test_accuracy, penalty,
                 weights, test_curve, input_norms=None):
        self.setting = setting
        self.train_accuracy = float(train_accuracy)
        self.test_accuracy = float(test_accuracy)
        self.penalty = None if penalty is None else float(penalty)
        self.weights = weights
        self.weight_norm = float(np.sqrt(np.sum(weights.astype(float) ** 2)))
        self.zero_fraction = float(np.mean(weights == 0))
        self.test_curve = np.asarray(test_curve, dtype=float)
        self.input_norms = (None if input_norms is None
                            else np.asarray(input_norms, dtype=float))

    def __repr__(self):
        return ('Result(%r, train_accuracy=%.4f, test_accuracy=%.4f, '
                'weight_norm=%.4f, zero_fraction=%.4f)'
                % (self.setting, self.train_accuracy, self.test_accuracy,
                   self.weight_norm, self.zero_fraction))


# -- data -------------------------------------------------------------------

def load_digits(seed=SEED, dtype='float64'):
    """scikit-learn's digits, scaled to [0, 1] and split into train and test.

    Parameters
    ----------
    seed : int
        Seed of the stratified split (a quarter of the images for testing).
    dtype : str
        dtype of the images (use Theano's ``floatX``).

    Returns
    -------
    tuple
        ``(X_train, y_train, X_test, y_test)``: images as rows of 64 pixels,
        labels as int32.
    """
    from sklearn.datasets import load_digits as _sklearn_digits
    from sklearn.model_selection import train_test_split
    digits = _sklearn_digits()
    X = (digits.data / 16.0).astype(dtype)
    y = digits.target.astype('int32')
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=TEST_FRACTION, random_state=seed, stratify=y)
    return X_train, y_train, X_test, y_test


# -- one setting --------------------------------------------------------------

def _network(n_in, n_out, seed):
    """input -> dense ReLU -> dense softmax, with Lasagne's default init."""
    import lasagne
    from lasagne.layers import DenseLayer, InputLayer
    lasagne.random.set_rng(np.random.RandomState(seed))
    net = InputLayer((None, n_in))
    net = DenseLayer(net, num_units=HIDDEN_UNITS,
                     nonlinearity=lasagne.nonlinearities.rectify)
    return DenseLayer(net, num_units=n_out,
                      nonlinearity=lasagne.nonlinearities.softmax)


def _loss_term(setting, net):
    """The penalty `setting` adds to the loss (symbolic), or None."""
    from lasagne_reg import group_lasso, l1_l2
    from lasagne_reg.regularization import l1, l2, regularize_network_params
    strength = STRENGTHS[setting]
    if setting == 'l2':
        return strength * regularize_network_params(net, l2)
    if setting == 'l1':
        return strength * regularize_network_params(net, l1)
    if setting == 'l1_l2':
        return regularize_network_params(net, l1_l2, **strength)
    if setting == 'group_lasso':
        return strength * regularize_network_params(net, group_lasso, axis=1)
    return None


def _transformed(setting, updates, net):
    """`updates` with the setting's update transform applied, if any."""
    from lasagne_reg import decoupled_weight_decay, l1_proximal
    strength = STRENGTHS[setting]
    # given the network, both change the updates of its regularizable
    # parameters (the weights, not the biases)
    if setting == 'decoupled_weight_decay':
        return decoupled_weight_decay(updates, net, strength,
                                      learning_rate=LEARNING_RATE)
    if setting == 'l1_proximal':
        return l1_proximal(updates, net, strength)
    return updates


def _compile(setting, net):
    """(train step, evaluate) Theano functions for `setting`."""
    import lasagne
    import theano
    import theano.tensor as T
    from lasagne.layers import get_all_params, get_output
    x, y = T.matrix('x'), T.ivector('y')
    probabilities = get_output(net, x)
    loss = T.mean(T.nnet.categorical_crossentropy(probabilities, y))
    term = _loss_term(setting, net)
    if term is not None:
        loss = loss + term
    params = get_all_params(net, trainable=True)
    updates = lasagne.updates.adam(loss, params, learning_rate=LEARNING_RATE)
    updates = _transformed(setting, updates, net)
    step = theano.function([x, y], loss, updates=updates)
    outputs = [T.argmax(probabilities, axis=1)]
    if term is not None:
        outputs.append(term)
    evaluate = theano.function([x], outputs)
    return step, evaluate


def _accuracy(evaluate, X, y):
    return float(np.mean(evaluate(X)[0] == y))


def train(setting, data, epochs=EPOCHS, seed=SEED, progress=True):
    """Train the demo's network with one setting.

    Parameters
    ----------
    setting : str
        One of :data:`SETTINGS`.
    data : tuple
        ``(X_train, y_train, X_test, y_test)`` as :func:`load_digits` gives.
    epochs : int
        Passes over the training set, in minibatches of 64.
    seed : int
        Seed of the initial weights and of the minibatch order.
    progress : bool
        Report progress on stderr: the time Theano takes to compile the
        setting's functions, then a tqdm bar over the epochs.

    Returns
    -------
    Result
    """
    return _train(setting, data, epochs, seed, progress, label=setting)


def _train(setting, data, epochs, seed, progress, label):
    if setting not in SETTINGS:
        raise ValueError('setting: expected one of %s, got %r'
                         % (', '.join(SETTINGS), setting))
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral):
        raise TypeError('epochs: expected an int, got %r' % (epochs,))
    if epochs < 0:
        raise ValueError('epochs: expected a non-negative int, got %r'
                         % (epochs,))
    from lasagne.layers import get_all_param_values
    from tqdm import tqdm
    X_train, y_train, X_test, y_test = data
    with _phase('%s: building and compiling its Theano functions' % label,
                enabled=progress):
        net = _network(X_train.shape[1], int(y_train.max()) + 1, seed)
        step, evaluate = _compile(setting, net)
    order = np.random.RandomState(seed)
    curve = [_accuracy(evaluate, X_test, y_test)]
    bar = tqdm(range(epochs), desc='%s: training' % label, unit='epoch',
               disable=not progress, file=sys.stderr)
    for _ in bar:
        batches = order.permutation(len(X_train))
        for start in range(0, len(batches), BATCH_SIZE):
            index = batches[start:start + BATCH_SIZE]
            step(X_train[index], y_train[index])
        curve.append(_accuracy(evaluate, X_test, y_test))
        bar.set_postfix(test_acc='%.3f' % curve[-1])
    bar.close()
    outputs = evaluate(X_train)
    values = get_all_param_values(net, regularizable=True)
    weights = np.concatenate([w.ravel() for w in values])
    # the first weight matrix has one row per input pixel
    input_norms = np.sqrt(np.sum(values[0].astype(float) ** 2, axis=1))
    return Result(setting, np.mean(outputs[0] == y_train), curve[-1],
                  outputs[1] if len(outputs) > 1 else None, weights, curve,
                  input_norms=input_norms)


@contextlib.contextmanager
def _phase(text, enabled=True, stream=None):
    """Say on stderr that a slow step runs, then how long it took.

    On a terminal, one line whose elapsed seconds tick while the step runs,
    so a long compile is visibly alive. Elsewhere (a log, a pipe), a line
    when the step starts and one with its time when it ends, so that
    whatever the step itself prints in between cannot garble them.
    """
    if not enabled:
        yield
        return
    stream = sys.stderr if stream is None else stream
    start = time.perf_counter()
    live = getattr(stream, 'isatty', lambda: False)()
    stop = threading.Event()

    def tick():
        while not stop.wait(1.0):
            stream.write('\r%s ... %.0f s' % (text, time.perf_counter() - start))
            stream.flush()

    stream.write('%s ...%s' % (text, '' if live else '\n'))
    stream.flush()
    ticker = None
    if live:
        ticker = threading.Thread(target=tick, daemon=True)
        ticker.start()
    try:
        yield
    finally:
        stop.set()
        if ticker is not None:
            ticker.join()
        elapsed = time.perf_counter() - start
        stream.write('\r%s ... %.1f s\n' % (text, elapsed) if live
                     else '%s: %.1f s\n' % (text, elapsed))
        stream.flush()


# -- report -------------------------------------------------------------------

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
        norm of all weights, and the share of weights that are exactly 0.
    """
    results = _checked_results(results)
    header = ('setting', 'train acc', 'test acc', 'penalty', 'weight norm',
              'zeros')
    rows = [header]
    for r in results:
        rows.append((r.setting,
                     '%.1f%%' % (100 * r.train_accuracy),
                     '%.1f%%' % (100 * r.test_accuracy),
                     '-' if r.penalty is None else '%.4f' % r.penalty,
                     '%.2f' % r.weight_norm,
                     '%.1f%%' % (100 * r.zero_fraction)))
    return _table(rows, left=1, rule=True)


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


def plot(results, path):
    """Write the demo's figure (PNG, 120 dpi, 1200 pixels wide) to `path`.

    One row per setting in the top three panels: the final train and test
    accuracy, the L2 norm of all weights, and the share of weights near 0
    (smaller than :data:`NEAR_ZERO` in absolute value) and exactly 0. Below,
    for each setting, a histogram of its weights (log counts, exact zeros in
    red) and, when the results have them, a map of the inputs (the 8x8
    pixels): the norm of each pixel's outgoing weights in the first layer,
    the groups that ``group_lasso(W, axis=1)`` penalizes.

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
    heights = [3.2] + [2.1] * hist_rows + ([2.3] if maps else [])
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


def _square_side(size):
    side = int(round(np.sqrt(size)))
    return side if side * side == size and side > 1 else 0


def _plot_summary(sub, results):
    """Accuracy, weight norm and weights at or near 0: one row per setting."""
    acc, norm, zero = sub.subplots(1, 3, sharey=True,
                                   gridspec_kw={'wspace': 0.08})
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
    acc.legend(loc='lower left')

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
    zero.legend(loc='upper right')


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
    different from one at 0.05 (only small); the label under each map counts
    the pixels below :data:`PIXEL_OFF`.
    """
    from matplotlib.colors import LogNorm
    side = _square_side(results[0].input_norms.size)
    top = max(float(np.max(r.input_norms)) for r in results)
    scale = LogNorm(vmin=1e-3, vmax=max(top, 1e-2), clip=True)
    axes = np.atleast_1d(sub.subplots(1, len(results)))
    for ax, r in zip(axes, results):
        image = ax.imshow(r.input_norms.reshape(side, side), cmap='viridis',
                          norm=scale)
        ax.set_title(r.setting.replace('_', '_\n', 1)
                     if len(r.setting) > 12 else r.setting, fontsize=9)
        ax.set_xlabel('%d off' % np.sum(r.input_norms < PIXEL_OFF),
                      fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    bar = sub.colorbar(image, ax=list(axes), shrink=0.8)
    bar.set_label('norm (log)', fontsize=9)
    sub.suptitle("Input pixels (8x8): norm of each pixel's outgoing weights "
                 "(dark: the pixel is off, norm < %g)" % PIXEL_OFF,
                 fontsize=11)


# -- command line -------------------------------------------------------------

def _parser():
    parser = argparse.ArgumentParser(
        prog='python -m lasagne_reg.demo',
        description="Train a small Lasagne MLP on scikit-learn's digits once "
                    "per regularization setting, print a table and write a "
                    "figure. Fixed seeds: a rerun prints the same numbers.",
        epilog="Settings: " + ', '.join(SETTINGS) + ". The network uses "
               "Lasagne's layers, which need theano.tensor.nnet, so the demo "
               "runs on Theano 1.0.5 + Lasagne 0.1 only; --backend pytensor "
               "or aesara stops with an error saying so (lasagne_reg's "
               "penalties themselves work on those backends).")
    parser.add_argument('--epochs', type=_positive_int, default=EPOCHS,
                        help='passes over the training set (default %d)'
                             % EPOCHS)
    parser.add_argument('--settings', type=_setting_list,
                        default=list(SETTINGS), metavar='NAME[,NAME...]',
                        help='comma-separated settings to run (default: all)')
    parser.add_argument('--out', default='demo-output', metavar='DIR',
                        help='directory for the figure (default demo-output, '
                             'created if missing)')
    parser.add_argument('--backend', default='theano', choices=_BACKENDS,
                        help='only theano can run Lasagne layers (default '
                             'theano)')
    parser.add_argument('--seed', type=int, default=SEED,
                        help='seed of the data split, the initial weights '
                             'and the minibatch order (default %d)' % SEED)
    return parser


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError('expected a positive integer, got %r'
                                         % text) from None
    if value < 1:
        raise argparse.ArgumentTypeError('expected a positive integer, got %r'
                                         % text)
    return value


def _setting_list(text):
    names = [name.strip() for name in text.split(',') if name.strip()]
    unknown = [name for name in names if name not in SETTINGS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            'unknown setting(s) %s; choose from %s'
            % (', '.join(map(repr, unknown)) or "''", ', '.join(SETTINGS)))
    return names


def _check_environment(parser, backend):
    """Stop with a clear message when the demo cannot run here."""
    if backend != 'theano':
        parser.error("--backend %s: the demo builds its network from "
                     "Lasagne's layers, which need theano.tensor.nnet, and "
                     "%s has no tensor.nnet. Run the demo on Theano 1.0.5 + "
                     "Lasagne 0.1 (--backend theano); lasagne_reg's penalties "
                     "and update transforms do work on %s."
                     % (backend, backend, backend))
    import importlib.util
    missing = [package for module, package in _NEEDED
               if importlib.util.find_spec(module) is None]
    if missing:
        extras = 'theano,demo' if set(missing) & {'Theano', 'Lasagne'} \
            else 'demo'
        parser.error("the demo needs %s, not installed in this Python "
                     "(%s). Install them with: pip install 'lasagne_reg[%s]' "
                     "(in a clone of the repository, make demo does this)"
                     % (', '.join(missing), sys.executable, extras))


def _output_path(parser, directory):
    """The figure's path in `directory`, made and checked before training."""
    path = os.path.abspath(os.path.join(directory, FIGURE))
    fix = ('give a directory you can write to, such as --out %s'
           % os.path.join(tempfile.gettempdir(), 'lasagne_reg_demo'))
    try:
        os.makedirs(directory, exist_ok=True)
        if os.path.isdir(path):
            raise IsADirectoryError(21, 'the figure\'s path %s is a '
                                        'directory' % path)
        with tempfile.TemporaryFile(dir=directory):
            pass
        if os.path.exists(path) and not os.access(path, os.W_OK):
            raise PermissionError(13, '%s exists and is read-only' % path)
    except FileExistsError:
        parser.error('--out %s: expected a directory for the figure, but it '
                     'is a file; %s' % (directory, fix))
    except OSError as error:
        parser.error('--out %s: cannot write the figure there (%s); %s'
                     % (directory, error.strerror or error, fix))
    return path


def main(argv=None):
    """Run the demo: ``python -m lasagne_reg.demo [options]``.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (default ``sys.argv[1:]``); ``--help`` lists
        them.

    Returns
    -------
    list of Result
        One per setting run, in the order given.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    _check_environment(parser, args.backend)
    path = _output_path(parser, args.out)
    count = len(args.settings)
    sys.stderr.write(
        'lasagne_reg demo: %d setting(s), %d epoch(s) each; the figure goes '
        'to %s\nEach setting first compiles its Theano functions (C code: '
        'several seconds each on a first run, cached after).\n'
        % (count, args.epochs, path))
    with _phase('importing Theano and Lasagne (a first run compiles '
                "Theano's C runtime)"):
        import lasagne_reg.compat
        lasagne_reg.compat.install()
        import lasagne  # noqa: F401
        import theano
    with _phase("loading scikit-learn's digits"):
        data = load_digits(args.seed, dtype=theano.config.floatX)
    results = [_train(name, data, args.epochs, args.seed, progress=True,
                      label='[%d/%d] %s' % (i + 1, count, name))
               for i, name in enumerate(args.settings)]
    print(format_table(results))
    sys.stdout.flush()
    try:
        with _phase('writing the figure (matplotlib)'):
            plot(results, path)
    except OSError as error:
        parser.exit(1, '%s: error: could not write the figure to %s (%s)\n'
                    % (parser.prog, path, error))
    print('Figure written to %s' % path)
    return results


if __name__ == '__main__':
    main()
