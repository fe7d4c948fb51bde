"""The attributes of Theano compat replaces: the patch registry.

:data:`PATCHES` is the one list of them, in the order ``install()`` applies
and reports them: each row is the condition under which it applies (a
``When`` of ``_stack.py``) and a :class:`~lasagne_reg.compat._patch.Patch`:
the module, the attribute, the maker (a function of the original, kept in
the module of its mechanism) and the reason, which
``InstallReport.patched`` and ``python -m lasagne_reg.compat status`` show.

* Theano-PyMC's names that Lasagne (0.1 and master) uses: ``theano.gof``
  (``lasagne.utils`` reads ``theano.gof.Variable``; compat serves the module,
  ``_modules.py``, and sets it on ``theano`` once imported) and
  ``MRG_RandomStreams`` (``DropoutLayer``, ``GaussianNoiseLayer``), which
  Theano-PyMC renamed ``MRG_RandomStream``.
* Theano's Python code under numpy 2's semantics: the makers are in
  ``_numpy2.py``, which says what each restores.
* Ops' C code on numpy 2: the makers are in ``_cops.py``.
* Python 3.13: ``theano.misc.pkl_utils`` gets a ``pickle`` whose picklers
  take ``persistent_id`` and ``persistent_load`` again (``_standins.py``).

Examples
--------
>>> from lasagne_reg import _variant
>>> from lasagne_reg.compat import _stack
>>> theano_on_numpy_1 = _stack.Stack((3, 11), 1, _variant.THEANO)
>>> wanted(theano_on_numpy_1)
[]
>>> [p.name for p in wanted(_stack.Stack((3, 11), 1, _variant.THEANO_PYMC))]
['theano.gof', 'theano.sandbox.rng_mrg.MRG_RandomStreams']
"""
import importlib

import numpy as np

from . import _cops, _numpy2, _stack, _standins
from ._patch import Patch
from ._stack import NUMPY_2, PYTHON_3_13, THEANO_PYMC


def _set_gof(original):
    return importlib.import_module(_standins.GOF)


def _mrg_alias(original):
    return importlib.import_module('theano.sandbox.rng_mrg').MRG_RandomStream


def _pickle(original):
    return _standins.make_pickle()


_SUBTENSOR = 'theano.tensor.subtensor'
_SCALAR = 'theano.scalar.basic'
_BASIC = 'theano.tensor.basic'
_EXTRA = 'theano.tensor.extra_ops'
_CONV = 'theano.tensor.nnet.conv'
_RAVEL_AXIS = 'numpy 2: axis=None is NPY_RAVEL_AXIS, not NPY_MAXDIMS'
_C_CODE_CHANGED = 'numpy 2: C code changed'

#: Every patch compat sets: (when, Patch).
PATCHES = (
    # Theano-PyMC's names
    (THEANO_PYMC, Patch(
        'theano', 'gof', _set_gof,
        'Theano-PyMC moved theano.gof to theano.graph; Lasagne uses '
        'theano.gof.Variable')),
    (THEANO_PYMC, Patch(
        'theano.sandbox.rng_mrg', 'MRG_RandomStreams', _mrg_alias,
        "Theano-PyMC's name is MRG_RandomStream; Lasagne imports "
        "MRG_RandomStreams")),
    # Theano's Python code under numpy 2's semantics (_numpy2)
    (NUMPY_2, Patch(
        _SCALAR, 'NumpyAutocaster.__call__', _numpy2.make_autocaster_call,
        'numpy 2: Python literals get the dtype numpy 1 gave them')),
    (NUMPY_2, Patch(
        'theano', '_asarray', _numpy2.make_asarray,
        'numpy 2: out-of-range Python ints wrap around as on numpy 1')),
    (NUMPY_2, Patch(
        _SCALAR, 'Cast.impl', _numpy2.make_cast_impl,
        'numpy 2: casting Python ints wraps around as on numpy 1')),
    (NUMPY_2, Patch(
        'theano.sandbox.rng_mrg', 'mrg_next_value', _numpy2.make_mrg_next_value,
        'numpy 2: MRG random streams in Python mode (int32 & 0xffffffff)')),
    (NUMPY_2, Patch(
        _SUBTENSOR, 'IncSubtensor.perform', _numpy2.make_inc_subtensor_perform,
        'numpy 2: setting an int element wraps around as on numpy 1')),
    (NUMPY_2, Patch(
        'theano.tensor.raw_random', 'copy', _numpy2.make_random_copy,
        'numpy 2: a copied RandomState has its own generator again')),
    (NUMPY_2, Patch(
        _SCALAR, 'Inv.impl', _numpy2.make_inv_impl,
        'numpy 2: inv in Python keeps float64 and complex128 precision')),
    (NUMPY_2, Patch(
        _SCALAR, 'Deg2Rad.L_op', _numpy2.make_angle_l_op(np.pi / 180),
        'numpy 2: the gradient of deg2rad builds its constant again')),
    (NUMPY_2, Patch(
        _SCALAR, 'Rad2Deg.L_op', _numpy2.make_angle_l_op(180. / np.pi),
        'numpy 2: the gradient of rad2deg builds its constant again')),
    # the package's name, which the callers that pass variables use;
    # theano.scalar.basic's own callers pass dtype names
    (NUMPY_2, Patch(
        'theano.scalar', 'upcast', _numpy2.make_upcast,
        "numpy 2: upcast takes variables' dtypes as numpy 1 did")),
    # Ops' C code on numpy 2 (_cops)
    (NUMPY_2, Patch(
        _SUBTENSOR, 'AdvancedIncSubtensor1.c_support_code',
        _cops.make_inc1_support_code,
        'numpy 2: PyArrayMapIterObject is private; a public-API loop')),
    (NUMPY_2, Patch(
        _SUBTENSOR, 'AdvancedIncSubtensor1.c_code', _cops.make_inc1_c_code,
        'numpy 2: calls the public-API loop')),
    (NUMPY_2, Patch(
        _SUBTENSOR, 'AdvancedIncSubtensor1.c_code_cache_version',
        _cops.make_tagged_version, _C_CODE_CHANGED)),
    (NUMPY_2, Patch(_BASIC, 'MaxAndArgmax.c_code',
                    _cops.make_ravel_axis_c_code, _RAVEL_AXIS)),
    (NUMPY_2, Patch(_BASIC, 'MaxAndArgmax.c_code_cache_version',
                    _cops.make_tagged_version, _C_CODE_CHANGED)),
    (NUMPY_2, Patch(_BASIC, 'Argmax.c_code',
                    _cops.make_ravel_axis_c_code, _RAVEL_AXIS)),
    (NUMPY_2, Patch(_BASIC, 'Argmax.c_code_cache_version',
                    _cops.make_tagged_version, _C_CODE_CHANGED)),
    (NUMPY_2, Patch(_SUBTENSOR, 'AdvancedSubtensor1.c_code',
                    _cops.make_ravel_axis_c_code, _RAVEL_AXIS)),
    (NUMPY_2, Patch(_SUBTENSOR, 'AdvancedSubtensor1.c_code_cache_version',
                    _cops.make_tagged_version, _C_CODE_CHANGED)),
    (NUMPY_2, Patch(_EXTRA, 'CumOp.c_code',
                    _cops.make_ravel_axis_c_code, _RAVEL_AXIS)),
    (NUMPY_2, Patch(_EXTRA, 'CumOp.c_code_cache_version',
                    _cops.make_tagged_version, _C_CODE_CHANGED)),
    (NUMPY_2, Patch(
        _EXTRA, 'CumOp.c_axis', _cops.make_c_axis,
        'numpy 2: np.MAXDIMS is gone; axis=None is NPY_RAVEL_AXIS')),
    (NUMPY_2, Patch(
        _SCALAR, 'Scalar.c_support_code', _cops.make_complex_support_code,
        "numpy 2: npy_complex has no .real/.imag in C++")),
    (NUMPY_2, Patch(
        _SCALAR, 'Scalar.c_code_cache_version', _cops.make_tagged_version,
        'numpy 2: complex C structs changed')),
    (NUMPY_2, Patch(
        _EXTRA, 'Unique.perform', _cops.make_unique_perform,
        'numpy 2: np.unique gives the inverse in the input shape')),
    (NUMPY_2, Patch(
        _CONV, 'ConvOp.c_headers', _cops.make_without_noprefix,
        'numpy 2: numpy/noprefix.h is gone; ConvOp uses none of it')),
    (NUMPY_2, Patch(
        _CONV, 'ConvOp.c_code_cache_version', _cops.make_tagged_version,
        'numpy 2: C headers changed')),
    # Python 3.13 (Theano-PyMC's pkl_utils is not checked on 3.13)
    (PYTHON_3_13, Patch(
        'theano.misc.pkl_utils', 'pickle', _pickle,
        'Python 3.13: pkl_utils.dump/load set persistent_id/_load again')),
)


def wanted(stack=None, source=None):
    """The patches whose condition holds on `stack`.

    Parameters
    ----------
    stack : lasagne_reg.compat._stack.Stack, optional
        Default: this process's.
    source : module, optional
        Only the patches whose maker is in this module (``_numpy2``,
        ``_cops``).

    Returns
    -------
    list of lasagne_reg.compat._patch.Patch
    """
    stack = _stack.current() if stack is None else stack
    return [patch for when, patch in PATCHES if when(stack) and (
        source is None or patch.make.__module__ == source.__name__)]
