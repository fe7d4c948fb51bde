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
``max_norm``                Adam's updates through ``max_norm``: each
                            unit's incoming weights of norm at most c
``group_lasso_proximal``    Adam's updates through
                            ``group_lasso_proximal`` with ``axis=1``:
                            whole inputs and hidden units pruned to 0
==========================  ===============================================

The strengths are in :data:`STRENGTHS`. Every run starts from the same
initial weights and sees the same minibatches in the same order (fixed
seeds), so the differences between rows come from the regularizer alone and
a rerun prints the same numbers. Each run shows a progress bar (tqdm); then
one table is printed (setting, train and test accuracy, the penalty term in
the loss, the L2 norm of all weights, the fraction of weights that are
exactly zero, the inputs and hidden units pruned to exactly zero) and a
figure is written (matplotlib): accuracy, weight norms, zeros and pruned
units per setting, a histogram of each setting's weights and a map of the
input pixels each setting keeps.

The network is built from Lasagne's layers, which need ``theano.tensor.nnet``:
the demo runs on Theano 1.0.5 with Lasagne 0.1 (it calls
:func:`lasagne_reg.compat.install` first). ``--backend pytensor`` or
``--backend aesara`` stop with an error that says so: those backends have no
``tensor.nnet`` for Lasagne, although lasagne_reg's penalties and update
transforms work on them.

The package, one concern per module: ``_settings`` (the table of settings:
strength, loss term, update transform; the training constants),
``_training`` (:class:`Result`, :func:`load_digits`, :func:`train` and the
progress lines), ``_report`` (:func:`format_table`), ``_figure``
(:func:`plot`) and ``_cli`` (:func:`main`: options and environment checks).
Importing it imports no backend and none of the demo's extra packages.

Examples
--------
>>> from lasagne_reg import demo
>>> print(' '.join(demo.SETTINGS))
none l2 l1 l1_l2 group_lasso decoupled_weight_decay l1_proximal max_norm group_lasso_proximal
>>> demo.main(['--backend', 'pytensor'])
Traceback (most recent call last):
...
SystemExit: 2
"""
# DPI, NEAR_ZERO, PIXEL_OFF and the _settings constants: importable from
# here as before (not in __all__)
from . import _settings
from ._cli import main
from ._figure import DPI, NEAR_ZERO, PIXEL_OFF, plot  # noqa: F401
from ._report import format_table
from ._settings import (  # noqa: F401
    BATCH_SIZE,
    EPOCHS,
    FIGURE,
    HIDDEN_UNITS,
    LEARNING_RATE,
    SEED,
    TEST_FRACTION,
)
from ._training import Result, load_digits, train

__all__ = ['SETTINGS', 'STRENGTHS', 'Result', 'load_digits', 'train',
           'format_table', 'plot', 'main']

#: Every setting, in the order the demo runs them.
SETTINGS = _settings.SETTINGS

#: Strength of each setting: the penalty's coefficient in the loss (for
#: ``l1_l2`` its ``l1`` and ``l2`` arguments), the ``decay`` of
#: ``decoupled_weight_decay`` (multiplied by the learning rate, as in AdamW),
#: the ``strength`` of ``l1_proximal`` (the soft threshold applied to
#: each weight after each step), the limit of ``max_norm``, or the
#: ``strength`` of ``group_lasso_proximal`` (multiplied by the learning
#: rate: the threshold on each row's norm after each step).
STRENGTHS = _settings.STRENGTHS

