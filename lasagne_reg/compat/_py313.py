"""What Python 3.13 changed under Theano 1.0.5's feet (Python >= 3.13 only).

* ``theano.misc.pkl_utils.dump`` and ``load`` (saving a model with its
  shared variables to a zip file, and reading it back) set
  ``persistent_id`` on a ``pickle.Pickler`` and ``persistent_load`` on a
  ``pickle.Unpickler``. Python 3.13 made those attributes of the C classes
  read-only (``AttributeError: '_pickle.Pickler' object attribute
  'persistent_id' is read-only``), so both failed. ``pkl_utils`` gets a
  ``pickle`` of its own whose ``Pickler`` and ``Unpickler`` are subclasses
  of the real ones with nothing added: an instance of a subclass takes the
  attribute, and the C pickler uses it as before, writing the same bytes.
  Everything else in that ``pickle`` is the real module's.

Examples
--------
>>> import io, pickle
>>> pickled = io.BytesIO()
>>> p = _pickle_module().Pickler(pickled, protocol=2)
>>> p.persistent_id = lambda obj: 'five' if obj == 5 else None
>>> p.dump([5, 6])
>>> u = _pickle_module().Unpickler(io.BytesIO(pickled.getvalue()))
>>> u.persistent_load = lambda pid: pid.upper()
>>> u.load()
['FIVE', 6]
>>> _pickle_module().dumps is pickle.dumps
True
"""
import pickle
import sys

from .. import _variant
from . import _patch, _standin

__all__ = ['patches']


class _Pickler(pickle.Pickler):
    """pickle.Pickler, whose instances take a ``persistent_id``."""


class _Unpickler(pickle.Unpickler):
    """pickle.Unpickler, whose instances take a ``persistent_load``."""


_DOC = ("the standard pickle, with Pickler and Unpickler whose instances "
        "take persistent_id and persistent_load (Theano's pkl_utils sets "
        "them)")
_WHERE = 'Python 3.13+'
_REASON = 'Python 3.13: pkl_utils.dump/load set persistent_id/_load again'


def _real(name):
    return getattr(pickle, name)


def _pickle_module():
    """``pickle`` with the two subclasses; every other name is pickle's."""
    return _standin.module(pickle.__name__, _DOC, _WHERE, Pickler=_Pickler,
                           Unpickler=_Unpickler, __getattr__=_real)


def patches(version_info=None):
    """The Python-3.13 patches, or none before 3.13 and for Theano-PyMC.

    Returns
    -------
    list of lasagne_reg.compat._patch.Patch
    """
    version = sys.version_info if version_info is None else version_info
    if (tuple(version) < (3, 13)
            or _variant.installed() is _variant.THEANO_PYMC):
        return []       # Theano-PyMC's pkl_utils: not checked on 3.13
    return [_patch.Patch('theano.misc.pkl_utils', 'pickle',
                         lambda original: _pickle_module(), _REASON)]
