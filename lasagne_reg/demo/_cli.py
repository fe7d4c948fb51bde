"""The command line: options, environment checks, and the run itself."""
import argparse
import importlib.util
import os
import sys
import tempfile

from ._figure import plot
from ._report import format_table
from ._settings import EPOCHS, FIGURE, SEED, SETTINGS
from ._training import _phase, _train, load_digits

_BACKENDS = ('theano', 'pytensor', 'aesara')
# module -> the package that provides it
_NEEDED = (('theano', 'Theano'), ('lasagne', 'Lasagne'), ('tqdm', 'tqdm'),
           ('matplotlib', 'matplotlib'), ('sklearn', 'scikit-learn'))


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
