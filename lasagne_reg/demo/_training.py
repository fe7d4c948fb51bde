"""Training one setting: the data, the network, its functions, the run."""
import contextlib
import dataclasses
import numbers
import sys
import threading
import time

import numpy as np

from .. import sparsity_breakdown
from . import _settings
from ._settings import (
    BATCH_SIZE,
    EPOCHS,
    HIDDEN_UNITS,
    LEARNING_RATE,
    SEED,
    TEST_FRACTION,
)


@dataclasses.dataclass(eq=False, repr=False)
class Result:
    """What one training run gives.

    ``Result(setting, train_accuracy, test_accuracy, penalty, weights,
    test_curve, input_norms=None, zero_inputs=None, zero_units=None)``;
    ``weight_norm`` and ``zero_fraction`` are computed from ``weights``.

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
    zero_inputs : tuple of int or None
        The inputs (pixels) whose outgoing weights in the first layer are
        all exactly 0: pruned, as :func:`lasagne_reg.sparsity_breakdown`
        finds them (``axis=1``).
    zero_units : tuple of int or None
        The hidden units whose outgoing weights (their row of the second
        layer's ``W``) are all exactly 0: pruned from the network.
    """

    setting: str
    train_accuracy: float
    test_accuracy: float
    penalty: float | None
    weights: np.ndarray
    test_curve: np.ndarray
    input_norms: np.ndarray | None = None
    zero_inputs: tuple | None = None
    zero_units: tuple | None = None
    weight_norm: float = dataclasses.field(init=False)
    zero_fraction: float = dataclasses.field(init=False)

    def __post_init__(self):
        self.train_accuracy = float(self.train_accuracy)
        self.test_accuracy = float(self.test_accuracy)
        self.penalty = None if self.penalty is None else float(self.penalty)
        weights = self.weights
        self.weight_norm = float(np.sqrt(np.sum(weights.astype(float) ** 2)))
        self.zero_fraction = float(np.mean(weights == 0))
        self.test_curve = np.asarray(self.test_curve, dtype=float)
        if self.input_norms is not None:
            self.input_norms = np.asarray(self.input_norms, dtype=float)
        for name in ('zero_inputs', 'zero_units'):
            if getattr(self, name) is not None:
                setattr(self, name, tuple(int(i) for i in getattr(self, name)))

    def __repr__(self):
        return (f'Result({self.setting!r}, '
                f'train_accuracy={self.train_accuracy:.4f}, '
                f'test_accuracy={self.test_accuracy:.4f}, '
                f'weight_norm={self.weight_norm:.4f}, '
                f'zero_fraction={self.zero_fraction:.4f})')


# -- data ---------------------------------------------------------------------

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


def _compile(setting, net):
    """(train step, evaluate) Theano functions for `setting`."""
    import lasagne
    import theano
    import theano.tensor as T
    from lasagne.layers import get_all_params, get_output
    x, y = T.matrix('x'), T.ivector('y')
    probabilities = get_output(net, x)
    loss = T.mean(T.nnet.categorical_crossentropy(probabilities, y))
    term = _settings.loss_term(setting, net)
    if term is not None:
        loss = loss + term
    params = get_all_params(net, trainable=True)
    updates = lasagne.updates.adam(loss, params, learning_rate=LEARNING_RATE)
    updates = _settings.transformed(setting, updates, net)
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
    if setting not in _settings.SETTINGS:
        raise ValueError('setting: expected one of %s, got %r'
                         % (', '.join(_settings.SETTINGS), setting))
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral):
        raise TypeError(f'epochs: expected an int, got {epochs!r}')
    if epochs < 0:
        raise ValueError(f'epochs: expected a non-negative int, got {epochs!r}')
    from lasagne.layers import get_all_param_values
    from tqdm import tqdm
    X_train, y_train, X_test, y_test = data
    with _phase(f'{label}: building and compiling its Theano functions',
                enabled=progress):
        net = _network(X_train.shape[1], int(y_train.max()) + 1, seed)
        step, evaluate = _compile(setting, net)
    order = np.random.RandomState(seed)
    curve = [_accuracy(evaluate, X_test, y_test)]
    bar = tqdm(range(epochs), desc=f'{label}: training', unit='epoch',
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
    # the first weight matrix has one row per input pixel, the second one
    # per hidden unit: the rows that are exactly 0 are pruned
    input_norms = np.sqrt(np.sum(values[0].astype(float) ** 2, axis=1))
    first, second = sparsity_breakdown(net, axis=1).values()
    return Result(setting, np.mean(outputs[0] == y_train), curve[-1],
                  outputs[1] if len(outputs) > 1 else None, weights, curve,
                  input_norms=input_norms, zero_inputs=first.zero_units,
                  zero_units=second.zero_units)


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
