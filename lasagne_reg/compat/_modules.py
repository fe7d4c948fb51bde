"""The modules compat serves and refuses: the registry, and the finders that apply it.

:data:`MODULES` is the one list of them: each row names a module, what
serves it (a maker, in ``_standins.py`` or ``_py312.py``) or that it is
refused, why, and when (a condition of ``_stack.py``, or that nothing on
this interpreter provides the module). :func:`install` registers the rows
whose condition holds and returns their names for
``InstallReport.modules`` (a refused one as ``'name (refused)'``).

Served modules come from :class:`CompatFinder`, placed last on
``sys.meta_path``: it answers only for its names, and only when every other
finder (the file system included) found nothing. A row marked
``old_code_only`` is served only while a module of Lasagne or Theano is
being imported: any other import gets the ImportError it would get without
compat, so code that tries ``import pkg_resources`` and falls back keeps
falling back.

Refused modules come from :class:`RefusingFinder`, placed first: it raises
ImportError (the row's why) for its names, whatever provides them. The one
refused is the C loop of ``theano.scan``, whose C source (Cython 0.28 for
Theano 1.0.5, 0.29.21 for Theano-PyMC) does not compile on Python 3.11
(``fatal error: longintrepr.h: No such file or directory``, then the frame
and code-object APIs 3.11 changed); Theano lets that compile error escape
from every function that contains a scan. Refused with an ImportError, it
makes Theano run the scan loop in Python, as it does when no compiler is
there; the scan's inner function is still compiled C.

Examples
--------
>>> from lasagne_reg import _variant
>>> from lasagne_reg.compat import _stack
>>> pymc = _stack.Stack((3, 11), 1, _variant.THEANO_PYMC)
>>> [row.name_on(pymc) for row in MODULES if row.serve is REFUSED]
['theano.scan.scan_perform_ext']
"""
import importlib.abc
import importlib.machinery
import importlib.util
import sys

from .. import _variant
from . import _py312, _standins
from ._stack import ALWAYS, PYTHON_3_11, THEANO_PYMC, When

REFUSED = None     # what "serves" a refused module

# the packages whose imports may get an old_code_only module
OLD_CODE = ('lasagne', 'theano')


class Module:
    """One row of :data:`MODULES`.

    Parameters
    ----------
    name : str or callable
        The module's full name, or ``name(variant)`` for a name that
        depends on the Theano installed (Theano 1.0.5's where there is none).
    serve : callable or None
        ``serve()`` makes the module; :data:`REFUSED` (None) refuses it.
    why : str
        Why it is served (for people); for a refused module, the
        ImportError's message, with ``{variant.distribution}`` and
        ``{variant.cython}`` filled in.
    when : When
        The condition under which the row applies.
    old_code_only : bool
        Served only while Lasagne or Theano import it.
    """

    def __init__(self, name, serve, why, when, old_code_only=False):
        self.name = name
        self.serve = serve
        self.why = why
        self.when = when
        self.old_code_only = old_code_only

    def name_on(self, stack):
        """The module's full name on `stack`."""
        if callable(self.name):
            return self.name(_theano_of(stack))
        return self.name

    def why_on(self, stack):
        """`why`, with the Theano installed on `stack` filled in."""
        return self.why.format(variant=_theano_of(stack))

    def __repr__(self):
        if callable(self.name):
            return 'Module(%s(variant))' % self.name.__name__
        return 'Module(%r)' % self.name


def _theano_of(stack):
    """The variant whose names a row takes: the one installed, Theano
    1.0.5's where there is none."""
    return stack.variant or _variant.THEANO


# -- when a module is missing ---------------------------------------------------

def _has_module(name):
    """True if the file system has module `name` (a dotted name), without
    importing it or its parent."""
    parent, _, child = name.rpartition('.')
    try:
        spec = importlib.util.find_spec(parent)
    except ImportError:
        return False
    locations = spec and spec.submodule_search_locations
    return bool(locations) and importlib.machinery.PathFinder.find_spec(
        name, locations) is not None


def _missing(name):
    """True if no finder on sys.meta_path provides `name` (not imported)."""
    if name in sys.modules:
        return False
    parent = name.rpartition('.')[0]
    if parent:
        return not _has_module(name)
    try:
        return importlib.util.find_spec(name) is None
    except (ImportError, ValueError):
        return True


def missing(name):
    """The condition "nothing on this interpreter provides `name`"."""
    return When('where nothing provides %s' % name,
                lambda stack: _missing(name))


def _setuptools_lacks_pkg_resources():
    """True where no real ``pkg_resources`` is there: none on the path, or
    the one imported is compat's own stand-in."""
    loaded = sys.modules.get(_standins.PKG_RESOURCES)
    if loaded is not None:
        spec = getattr(loaded, '__spec__', None)
        return isinstance(getattr(spec, 'loader', None), CompatFinder)
    return importlib.machinery.PathFinder.find_spec(
        _standins.PKG_RESOURCES) is None


NO_NUMPY_LINALG = When('where numpy has no numpy.linalg.linalg (2.4 and later)',
                       lambda stack: not _has_module(_standins.NUMPY_LINALG))

NO_PKG_RESOURCES = When('where setuptools does not ship pkg_resources (82 and '
                        'later)', lambda stack: _setuptools_lacks_pkg_resources())

SCAN_REFUSAL = ("lasagne_reg.compat: {variant.distribution}'s C scan loop "
                "({variant.cython} output) does not compile on Python 3.11+; "
                "Theano runs the scan loop in Python instead")


def _scan_c_loop(variant):
    return variant.scan_c_loop


# -- the registry ------------------------------------------------------------------

#: Every module compat serves or refuses, in the order install() reports them.
MODULES = (
    Module(_standins.DOWNSAMPLE, _standins.make_downsample,
           "removed in Theano 0.9; Lasagne 0.1's pooling layers import it",
           ALWAYS),
    Module(_standins.PKG_RESOURCES, _standins.make_pkg_resources,
           "gone from setuptools 82; Lasagne 0.1's __init__ reads its version "
           "with it, Theano's gpuarray catches its DistributionNotFound",
           NO_PKG_RESOURCES, old_code_only=True),
    Module(_standins.NUMPY_LINALG, _standins.make_numpy_linalg,
           "private since numpy 2.0, gone in 2.4; Theano's scan rewrites "
           "import its LinAlgError (through theano.gpuarray.linalg): without "
           "it no theano.scan compiles", NO_NUMPY_LINALG),
    Module(_py312.DISTUTILS, _py312.make_distutils,
           "gone from the standard library in Python 3.12 (setuptools' own "
           "serves where it is installed); Theano imports its sysconfig and "
           "spawn", missing(_py312.DISTUTILS)),
    Module(_py312.DISTUTILS + '.sysconfig', _py312.make_distutils_sysconfig,
           "Theano's cmodule.py compiles with its paths",
           missing(_py312.DISTUTILS)),
    Module(_py312.DISTUTILS + '.spawn', _py312.make_distutils_spawn,
           "Theano's configdefaults.py finds g++ with find_executable",
           missing(_py312.DISTUTILS)),
    Module(_py312.NUMPY_DISTUTILS, _py312.make_numpy_distutils,
           "numpy has none on Python 3.12+", missing(_py312.NUMPY_DISTUTILS)),
    Module(_py312.NUMPY_DISTUTILS + '.misc_util', _py312.make_numpy_misc_util,
           "Theano compiles its C code with get_numpy_include_dirs()",
           missing(_py312.NUMPY_DISTUTILS)),
    Module(_py312.NUMPY_DISTUTILS + '.__config__', _py312.make_numpy_config,
           "Theano reads blas_opt_info for a default blas.ldflags",
           missing(_py312.NUMPY_DISTUTILS)),
    Module(_py312.IMP, _py312.make_imp,
           "removed in Python 3.12; theano/tests/breakpoint.py imports it, on "
           "the way from scan's rewrites (theano.gpuarray.opt) to every "
           "theano.scan", missing(_py312.IMP)),
    Module(_standins.GOF, _standins.make_gof,
           "Theano-PyMC moved it to theano.graph and theano.link; Lasagne "
           "uses theano.gof.Variable", THEANO_PYMC),
    Module(_scan_c_loop, REFUSED, SCAN_REFUSAL, PYTHON_3_11),
)

#: Modules served only while Lasagne or Theano import them.
FOR_OLD_CODE_ONLY = {row.name for row in MODULES if row.old_code_only}


# -- the finders -------------------------------------------------------------------

def _old_code_importing():
    """Whether a module of Lasagne or Theano is being imported right now:
    importlib marks each module's spec ``_initializing`` while its code
    runs, so an import made from that code (or code it calls) sees it."""
    for name, loaded in list(sys.modules.items()):
        spec = getattr(loaded, '__spec__', None)
        if (name.split('.')[0] in OLD_CODE
                and getattr(spec, '_initializing', False)):
            return True
    return False


class CompatFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves the registry's modules when nothing else provides them.

    It sits last on ``sys.meta_path``: it is asked only after every other
    finder (the file system included) found nothing.
    """

    def __init__(self):
        self.makers = {}

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in self.makers or (
                fullname in FOR_OLD_CODE_ONLY and not _old_code_importing()):
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec):
        return self.makers[spec.name]()

    def exec_module(self, module):
        pass


class RefusingFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Refuses, with an ImportError, the modules it names, whatever provides
    them. It sits first on ``sys.meta_path``."""

    def __init__(self):
        self.reasons = {}

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in self.reasons:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec):
        raise ImportError(self.reasons[spec.name], name=spec.name)

    def exec_module(self, module):
        pass


def finder(kind=CompatFinder):
    """The one finder of `kind` on ``sys.meta_path``, placed on first use:
    last for CompatFinder, first for RefusingFinder."""
    for found in sys.meta_path:
        if isinstance(found, kind):
            return found
    found = kind()
    if kind is RefusingFinder:
        sys.meta_path.insert(0, found)
    else:
        sys.meta_path.append(found)
    return found


def install(stack):
    """Serve and refuse the modules of :data:`MODULES` whose condition
    holds on `stack` (a ``_stack.Stack``); return the names newly served,
    and those newly refused as ``'name (refused)'``."""
    # every condition first: serving distutils would make it "not missing"
    # for the distutils.sysconfig row that follows
    wanted = [(row.name_on(stack), row) for row in MODULES if row.when(stack)]
    added = []
    for name, row in wanted:
        if row.serve is REFUSED:
            refused = finder(RefusingFinder)
            if name not in refused.reasons:
                refused.reasons[name] = row.why_on(stack)
                added.append(name + ' (refused)')
        else:
            served = finder()
            if name not in served.makers:
                served.makers[name] = row.serve
                added.append(name)
    return added
