"""lasagne_reg: Lasagne's regularization for every Theano, and more.

``import lasagne_reg.regularization as reg`` is the drop-in replacement for
``lasagne.regularization``. Importing this package imports no backend and
patches nothing; see :mod:`lasagne_reg.compat` for the explicit
compatibility measures old stacks need.
"""
from . import regularization
from ._backend import backend
from .penalties import group_lasso, l1_l2, orthogonality, regularize_activity
from .regularization import (
    apply_penalty,
    l1,
    l2,
    regularize_layer_params,
    regularize_layer_params_weighted,
    regularize_network_params,
)
from .report import format_breakdown, format_sparsity, penalty_breakdown, sparsity_breakdown
from .updates import (
    PrecisionWarning,
    decay_params,
    decoupled_weight_decay,
    group_lasso_proximal,
    l1_proximal,
    max_norm,
)

__version__ = '0.1.0'

__all__ = [
    'backend',
    'regularization',
    'l1',
    'l2',
    'apply_penalty',
    'regularize_layer_params',
    'regularize_layer_params_weighted',
    'regularize_network_params',
    'l1_l2',
    'group_lasso',
    'orthogonality',
    'regularize_activity',
    'decay_params',
    'decoupled_weight_decay',
    'l1_proximal',
    'max_norm',
    'group_lasso_proximal',
    'PrecisionWarning',
    'penalty_breakdown',
    'format_breakdown',
    'sparsity_breakdown',
    'format_sparsity',
]
