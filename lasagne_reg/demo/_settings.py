"""The demo's settings, one table: name -> strength, loss term, transform.

A setting regularizes through a term added to the loss, through a transform
of the optimizer's updates, or not at all. Adding a setting is one row of
:data:`_TABLE`.
"""
import typing

from lasagne_reg import (
    decoupled_weight_decay,
    group_lasso,
    group_lasso_proximal,
    l1_l2,
    l1_proximal,
    max_norm,
    regularize_network_params,
)
from lasagne_reg.regularization import l1, l2

EPOCHS = 30
SEED = 0
HIDDEN_UNITS = 64
BATCH_SIZE = 64
LEARNING_RATE = 0.01
TEST_FRACTION = 0.25
FIGURE = 'lasagne_reg_demo.png'


class _Setting(typing.NamedTuple):
    """One row of the table."""

    #: the coefficient, or the keyword arguments of the penalty (l1_l2),
    #: or the transform's strength; None for the data loss alone
    strength: object = None
    #: ``loss_term(net, strength)``: the symbolic term added to the loss
    loss_term: typing.Callable | None = None
    #: ``transform(updates, net, strength)``: the updates, transformed
    transform: typing.Callable | None = None


def _scaled(penalty, **kwargs):
    """The loss term ``strength * regularize_network_params(net, penalty)``."""
    def loss_term(net, strength):
        return strength * regularize_network_params(net, penalty, **kwargs)
    return loss_term


def _elastic_net(net, strength):
    """l1_l2's own coefficients are its arguments: no outer factor."""
    return regularize_network_params(net, l1_l2, **strength)


# given the network, the transforms change the updates of its regularizable
# parameters (the weights, not the biases)
def _decay(updates, net, strength):
    return decoupled_weight_decay(updates, net, strength,
                                  learning_rate=LEARNING_RATE)


def _proximal(updates, net, strength):
    return l1_proximal(updates, net, strength)


def _max_norm(updates, net, strength):
    """Each unit's incoming weights (a column of W) of norm at most strength."""
    return max_norm(updates, net, strength)


def _group_proximal(updates, net, strength):
    """One group per row of each W: an input pixel's outgoing weights in the
    first layer, a hidden unit's in the second."""
    return group_lasso_proximal(updates, net, strength,
                                learning_rate=LEARNING_RATE, axis=1)


#: setting -> (strength, loss term, update transform), in the order the demo
#: runs them
_TABLE = {
    'none': _Setting(),
    'l2': _Setting(1e-3, loss_term=_scaled(l2)),
    'l1': _Setting(3e-4, loss_term=_scaled(l1)),
    'l1_l2': _Setting({'l1': 1e-4, 'l2': 1e-3}, loss_term=_elastic_net),
    'group_lasso': _Setting(3e-3, loss_term=_scaled(group_lasso, axis=1)),
    'decoupled_weight_decay': _Setting(0.3, transform=_decay),
    'l1_proximal': _Setting(1e-3, transform=_proximal),
    'max_norm': _Setting(2.0, transform=_max_norm),
    'group_lasso_proximal': _Setting(0.3, transform=_group_proximal),
}

SETTINGS = tuple(_TABLE)
STRENGTHS = {name: row.strength for name, row in _TABLE.items()}


def loss_term(setting, net):
    """The penalty `setting` adds to the loss (symbolic), or None."""
    row = _TABLE[setting]
    if row.loss_term is None:
        return None
    return row.loss_term(net, STRENGTHS[setting])


def transformed(setting, updates, net):
    """`updates` with the setting's update transform applied, if any."""
    row = _TABLE[setting]
    if row.transform is None:
        return updates
    return row.transform(updates, net, STRENGTHS[setting])
