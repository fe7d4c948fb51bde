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

What it changes (docs/backends.rst says why, with the messages each
measure answers), each stated once, in the module that decides it:

* ``THEANO_FLAGS``: the BLAS link, numpy 2's macros, the spelling of the
  Theano installed (``_flags.py``; the BLAS is found by ``_blas.py``). Your
  own flags stay: a flag you set, in ``THEANO_FLAGS`` or a ``.theanorc``, is
  never replaced, and your ``gcc.cxxflags`` are kept ahead of ours.
* numpy names Theano 1.0.5 uses, where numpy lacks them (``_aliases.py``).
* modules served where old code needs them and nothing provides them, and
  one refused (scan's C loop): the registry ``_modules.py``, each with why
  and when; the stand-ins' contents are in ``_standins.py`` and
  ``_py312.py``.
* functions of Theano replaced, reversibly (``_patch.py``): the registry
  ``_patched.py``, each with why and when; the replacements are in the
  module of their mechanism (``_numpy2.py``, ``_cops.py``).
* on Python 3.12+, ``python -m lasagne_reg.compat enable`` first builds
  Theano 1.0.5, whose sdist does not build there as shipped (``_build.py``).

Which Theano is installed (Theano 1.0.5 or Theano-PyMC) is read once,
without importing it, by :mod:`lasagne_reg._variant`; what a process needs
is decided from that, its Python and its numpy (``_stack.py``).

Examples
--------
>>> import lasagne_reg.compat
>>> report = lasagne_reg.compat.install()
>>> import theano, lasagne
>>> lasagne_reg.compat.install().changed   # the second call changes nothing
False
"""
import warnings

from . import _aliases, _flags, _modules, _patch, _patched, _stack

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
        ``_patched.py``.
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
    return _apply('lasagne_reg.compat.install()', stacklevel=3)


def _install_from_hook():
    """install(), as run by the start-up hook at the first import of theano."""
    return _apply('lasagne_reg compat (enabled in this environment)',
                  stacklevel=6)


def _apply(who, stacklevel):
    """What install() does; what cannot take effect is a RuntimeWarning
    from `who`, pointing `stacklevel` frames up (at the user's code)."""
    report = InstallReport()
    stack = _stack.current()
    if stack.variant is not None:
        report.theano = '%s %s' % (stack.variant.distribution,
                                   stack.variant.version)
    _flags.install(report, stack)
    report.numpy_aliases = _aliases.restore()
    report.modules = _modules.install(stack)
    report.patched = _patch.apply(_patched.wanted(stack))
    if report.not_applied:
        warnings.warn('%s: %s' % (who, '; '.join(report.not_applied)),
                      RuntimeWarning, stacklevel=stacklevel)
    return report
