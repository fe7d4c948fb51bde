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
import numbers
import os
import sys

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


class Result(object):
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
    """

    def __init__(self, setting, train_accuracy, test_accuracy, penalty,
                 weights, test_curve):
        self.setting = setting
        self.train_accuracy = float(train_accuracy)
        self.test_accuracy = float(test_accuracy)
        self.penalty = None if penalty is None else float(penalty)
        self.weights = weights
        self.weight_norm = float(np.sqrt(np.sum(weights.astype(float) ** 2)))
        self.zero_fraction = float(np.mean(weights == 0))
        self.test_curve = np.asarray(test_curve, dtype=float)

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
        Show a tqdm progress bar (on stderr).

    Returns
    -------
    Result
    """
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
    net = _network(X_train.shape[1], int(y_train.max()) + 1, seed)
    step, evaluate = _compile(setting, net)
    order = np.random.RandomState(seed)
    curve = [_accuracy(evaluate, X_test, y_test)]
    width = max(len(name) for name in SETTINGS)
    bar = tqdm(range(epochs), desc=setting.ljust(width), unit='epoch',
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
    weights = np.concatenate([w.ravel() for w in get_all_param_values(
        net, regularizable=True)])
    return Result(setting, np.mean(outputs[0] == y_train), curve[-1],
                  outputs[1] if len(outputs) > 1 else None, weights, curve)


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
    """Write the demo's figure (PNG) to `path`.

    Top row: test accuracy per epoch (one curve per setting), the L2 norm of
    the weights and the share of exact zeros. Below: a histogram of each
    setting's weights on a shared axis (log counts), exact zeros in red.

    Parameters
    ----------
    results : list of Result
    path : str
        File to write; its directory must exist.
    """
    results = _checked_results(results)
    # the Agg canvas directly, not pyplot: matplotlib's global backend and
    # figure list stay as the caller had them
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    ncols = 4
    nrows = 1 + -(-len(results) // ncols)
    fig = Figure(figsize=(13, 0.4 + 3 * nrows))
    FigureCanvasAgg(fig)
    fig.suptitle("lasagne_reg demo: a Lasagne MLP on scikit-learn's digits, "
                 "%d epochs per setting" % (len(results[0].test_curve) - 1))
    grid = fig.add_gridspec(nrows, ncols, hspace=0.6, wspace=0.3, left=0.05,
                            right=0.98, top=1 - 0.9 / (0.4 + 3 * nrows),
                            bottom=0.06)
    top = grid[0, :].subgridspec(1, 3, width_ratios=[2, 1, 1], wspace=0.55)
    _plot_curves(fig.add_subplot(top[0]), results)
    norms = fig.add_subplot(top[1])
    _plot_bars(norms, results, [r.weight_norm for r in results],
               'weight norm (L2)')
    zeros = fig.add_subplot(top[2], sharey=norms)
    _plot_bars(zeros, results, [100 * r.zero_fraction for r in results],
               'exact zeros (%)')
    zeros.tick_params(axis='y', labelleft=False)
    limit = max(float(np.max(np.abs(r.weights))) for r in results)
    bins = np.linspace(-limit, limit, 81)
    for i, r in enumerate(results):
        ax = fig.add_subplot(grid[1 + i // ncols, i % ncols])
        _plot_histogram(ax, r, bins)
    fig.savefig(path, dpi=72)


def _color(i):
    return 'C%d' % (i % 10)


def _plot_curves(ax, results):
    for i, r in enumerate(results):
        epochs = np.arange(1, len(r.test_curve))
        ax.plot(epochs, 100 * r.test_curve[1:], color=_color(i),
                label='%s (%.1f%%)' % (r.setting, 100 * r.test_accuracy))
    ax.set_xlabel('epoch')
    ax.set_ylabel('test accuracy (%)')
    ax.grid(alpha=0.3)
    ax.legend(loc='lower right', ncol=2, fontsize='x-small')
    ax.set_title('Test accuracy per epoch')


def _plot_bars(ax, results, values, title):
    positions = np.arange(len(results))
    ax.barh(positions, values, color=[_color(i) for i in positions])
    ax.set_yticks(positions)
    ax.set_yticklabels([r.setting for r in results], fontsize='x-small')
    ax.set_ylim(len(results) - 0.5, -0.5)
    ax.tick_params(axis='x', labelsize='small')
    ax.set_title(title)


def _plot_histogram(ax, result, bins):
    nonzero = result.weights[result.weights != 0]
    ax.hist(nonzero, bins=bins, color='tab:blue', label='nonzero')
    zeros = int(np.sum(result.weights == 0))
    if zeros:
        width = 3 * (bins[1] - bins[0])
        ax.bar([0.0], [zeros], width=width, color='tab:red',
               label='exactly 0')
        ax.legend(loc='upper right', fontsize='x-small')
    ax.set_yscale('log')
    ax.set_title('%s\nnorm %.1f, zeros %.1f%%'
                 % (result.setting, result.weight_norm,
                    100 * result.zero_fraction), fontsize='medium')
    ax.set_xlabel('weight', fontsize='small')
    ax.tick_params(labelsize='small')


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
        parser.error('the demo needs %s, not installed in this Python: '
                     'pip install -r requirements/theano.txt -r '
                     'requirements/demo.txt (make demo does this)'
                     % ', '.join(missing))


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
    import lasagne_reg.compat
    lasagne_reg.compat.install()
    import theano
    data = load_digits(args.seed, dtype=theano.config.floatX)
    results = [train(name, data, epochs=args.epochs, seed=args.seed)
               for name in args.settings]
    print(format_table(results))
    os.makedirs(args.out, exist_ok=True)
    path = os.path.abspath(os.path.join(args.out, FIGURE))
    plot(results, path)
    print('Figure written to %s' % path)
    return results


if __name__ == '__main__':
    main()
