"""Make Theano 1.0.5 and Lasagne 0.1 import, and run fast, on today's stack.

Nothing here runs on ``import lasagne_reg`` or ``import lasagne_reg.compat``.
There are two explicit ways to turn it on:

* once per environment, from a shell: ``python -m lasagne_reg.compat
  enable``. Every later Python process of that environment runs
  :func:`install` just before its first ``import theano`` or ``import
  lasagne``; processes that never import them pay nothing noticeable.
  ``python -m lasagne_reg.compat disable`` turns it off again, and
  ``python -m lasagne_reg.compat status`` says what the environment has and
  what is missing.
* per process, in code: call :func:`install` before ``import theano``
  (calling it again does nothing more).

What it changes, all documented in docs/backends.rst:

* ``THEANO_FLAGS`` gets ``blas.ldflags`` and ``gcc.cxxflags`` (decided in
  ``_flags.py``): an optimized BLAS (``scipy-openblas32``) when one is
  installed, else an empty ``blas.ldflags`` (Theano's own detection fails on
  current numpy); on numpy 2, the macros Theano's C code needs from numpy
  1's ``npy_3kcompat.h``. Your own flags stay: a flag you set, in
  ``THEANO_FLAGS`` or a ``.theanorc``, is never replaced, and your
  ``gcc.cxxflags`` are kept ahead of ours.
* numpy regains, where they are missing, five names Theano 1.0.5 uses
  (``np.bool``, ``np.complex``, ``np.product``, ``np.cast``,
  ``np.sctype2char``), and two modules old code imports become importable
  (``theano.tensor.signal.downsample``; ``pkg_resources`` when setuptools
  no longer ships it): see ``_shims.py``. On Python 3.12+, ``distutils``,
  ``numpy.distutils`` and ``imp`` where missing (``_py312.py``); there
  ``python -m lasagne_reg.compat enable`` first builds Theano 1.0.5, whose
  sdist does not build as shipped (``_build.py``). On Python 3.13+,
  ``theano.misc.pkl_utils.dump``/``load`` work again (``_py313.py``).
* on Theano-PyMC (PyMC3's Theano, also ``import theano``;
  :mod:`lasagne_reg._variant` tells them apart without importing it) the flags are spelled
  ``blas__ldflags`` and ``gcc__cxxflags``, and Lasagne gets ``theano.gof``
  and ``MRG_RandomStreams`` back: see ``_pymc.py``.

Examples
--------
>>> import lasagne_reg.compat
>>> report = lasagne_reg.compat.install()
>>> import theano, lasagne
>>> lasagne_reg.compat.install().changed   # the second call changes nothing
False
"""
import warnings

from .. import _variant
from . import _cops, _flags, _numpy2, _patch, _py313, _pymc, _shims

__all__ = ['install', 'InstallReport']


class InstallReport:
    """What one call of :func:`install` did.

    Attributes
    ----------
    flags : dict
        THEANO_FLAGS entries this call added or extended.
    numpy_aliases : list of str
        numpy attributes this call restored.
    modules : list of str
        Module names this call made importable.
    patched : list of str
        Functions of Theano this call replaced (or will replace when their
        module is imported), each as ``'module.attribute (reason)'``; see
        ``_patch.py``.
    blas : str
        The BLAS Theano uses in this process, in words.
    not_applied : list of str
        What could not take effect, and why (for example flags set after
        ``import theano``, or no optimized BLAS installed).
    theano : str
        The installed Theano, as distribution and version
        (``'Theano 1.0.5'``, ``'Theano-PyMC 1.1.2'``), or ``''`` where none
        is installed.
    """

    def __init__(self):
        self.flags = {}
        self.numpy_aliases = []
        self.modules = []
        self.patched = []
        self.blas = ''
        self.not_applied = []
        self.theano = ''

    @property
    def changed(self):
        """True if this call changed anything."""
        return bool(self.flags or self.numpy_aliases or self.modules
                    or self.patched)

    def __repr__(self):
        return ('InstallReport(flags=%r, numpy_aliases=%r, modules=%r, '
                'patched=%r, blas=%r, not_applied=%r, theano=%r)'
                % (self.flags, self.numpy_aliases, self.modules, self.patched,
                   self.blas, self.not_applied, self.theano))


def install():
    """Make Theano 1.0.5 and Lasagne 0.1 importable and fast; idempotent.

    Call it before ``import theano`` (``python -m lasagne_reg.compat enable``
    does that for every process of an environment). Called later, it still
    restores the numpy names and the modules, and warns (RuntimeWarning)
    about what can no longer take effect: the Theano flags once ``theano``
    is imported, and everything after an ``import theano`` that failed in
    this process (restart the interpreter then).

    Returns
    -------
    InstallReport
        What this call changed, which BLAS Theano uses, and what it could
        not do.
    """
    report = _apply()
    if report.not_applied:
        warnings.warn('lasagne_reg.compat.install(): ' +
                      '; '.join(report.not_applied), RuntimeWarning,
                      stacklevel=2)
    return report


def _install_from_hook():
    """install(), as run by the start-up hook at the first import of theano."""
    report = _apply()
    if report.not_applied:
        warnings.warn('lasagne_reg compat (enabled in this environment): ' +
                      '; '.join(report.not_applied), RuntimeWarning,
                      stacklevel=5)
    return report


def _apply():
    report = InstallReport()
    variant = _variant.installed()
    if variant is not None:
        report.theano = '%s %s' % (variant.distribution, variant.version)
    _flags.install(report, variant)
    report.numpy_aliases = _shims.restore_numpy_aliases()
    report.modules = _shims.install_modules() + _pymc.install_modules(variant)
    report.patched = _patch.apply(_patches())
    return report


# the compat modules that replace Theano functions: each has patches(),
# which returns the Patch list that the installed stack needs (none where
# it needs none)
_PATCH_SOURCES = (_pymc, _numpy2, _cops, _py313)


def _patches():
    return [patch for source in _PATCH_SOURCES for patch in source.patches()]
