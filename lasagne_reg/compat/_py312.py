"""What the stand-ins of the modules Python 3.12 removed contain.

Theano 1.0.5 imports them; which is served, and when (each only where
nothing else provides it), is the registry's (``_modules.py``). On Python
3.11 every real module is there and none of these is used: this module is
measured on Python 3.12 (``make mutation-py312``), apart from the other
stand-ins (``_standins.py``).

* ``distutils`` (gone from the standard library in 3.12; a 3.12 venv has no
  setuptools). Theano imports ``distutils.sysconfig`` (``get_config_var``,
  ``get_python_inc``, ``get_python_version``, ``get_python_lib``,
  ``get_config_h_filename``) in ``theano/gof/cmodule.py`` and
  ``distutils.spawn.find_executable`` in ``theano/configdefaults.py``. The
  stand-in computes them from :mod:`sysconfig` and :func:`shutil.which`.
  Where setuptools is installed, its own ``distutils`` (through its
  ``distutils-precedence.pth`` finder, which comes first) serves instead.
* ``numpy.distutils`` (numpy has none on Python 3.12+). Theano calls
  ``numpy.distutils.misc_util.get_numpy_include_dirs()`` to compile its C
  code and reads ``numpy.distutils.__config__.blas_opt_info`` for a default
  ``blas.ldflags``. The stand-in gives numpy's include directory and empty
  BLAS information: numpy's own OpenBLAS (ILP64) cannot serve Theano, whose
  BLAS ``compat`` chooses (``blas.ldflags``, see ``_flags.py``).
* ``imp`` (removed in 3.12). ``theano/tests/breakpoint.py`` imports it and
  uses ``imp.find_module``; ``theano.gpuarray.opt`` imports that module and
  scan's rewrites import ``theano.gpuarray``, so without ``imp`` every
  ``theano.scan`` (recurrent layers, ``theano.gradient.hessian``) fails.
"""
import importlib
import importlib.machinery
import os
import shutil
import sys
import sysconfig

from . import _standins

DISTUTILS = 'distutils'
NUMPY_DISTUTILS = 'numpy.distutils'
IMP = 'imp'

_WHERE = 'Python 3.12+'

# what each stand-in is, for its docstring (after "Provided by
# lasagne_reg.compat (Python 3.12+): ")
_DOCS = {
    DISTUTILS: 'the parts of distutils Theano 1.0.5 uses, over sysconfig '
               'and shutil.which.',
    DISTUTILS + '.sysconfig': 'distutils.sysconfig over sysconfig.',
    DISTUTILS + '.spawn': 'find_executable over shutil.which.',
    NUMPY_DISTUTILS: 'what Theano 1.0.5 reads of numpy.distutils.',
    NUMPY_DISTUTILS + '.misc_util': "numpy's include directory.",
    NUMPY_DISTUTILS + '.__config__':
        "no BLAS for Theano in numpy's build information (numpy's OpenBLAS "
        "is ILP64; compat chooses Theano's BLAS through blas.ldflags).",
    IMP: 'imp.find_module over importlib.machinery.PathFinder.',
}


def _module(name, **attributes):
    """The stand-in `name`, its docstring from _DOCS."""
    return _standins.module(name, _DOCS[name], _WHERE, **attributes)


def _package(name, children):
    """A package module whose `children` are imported on first attribute
    access (PEP 562), as the real packages import them in ``__init__``."""
    def __getattr__(attr):
        if attr in children:
            return importlib.import_module(name + '.' + attr)
        raise AttributeError('module %r has no attribute %r' % (name, attr))

    return _module(name, __path__=[], __getattr__=__getattr__)


# distutils ---------------------------------------------------------------

def get_config_var(name):
    """``distutils.sysconfig.get_config_var``: :func:`sysconfig.get_config_var`."""
    return sysconfig.get_config_var(name)


def get_config_vars(*names):
    """``distutils.sysconfig.get_config_vars``."""
    return sysconfig.get_config_vars(*names)


def get_python_version():
    """``distutils.sysconfig.get_python_version``: ``'X.Y'``."""
    return '%d.%d' % sys.version_info[:2]


def get_python_inc(plat_specific=0, prefix=None):
    """``distutils.sysconfig.get_python_inc``: the C headers' directory."""
    if prefix is None:
        key = 'platinclude' if plat_specific else 'include'
        return sysconfig.get_paths()[key]
    return os.path.join(prefix, 'include', 'python' + get_python_version()
                        + (sysconfig.get_config_var('abiflags') or ''))


def get_python_lib(plat_specific=0, standard_lib=0, prefix=None):
    """``distutils.sysconfig.get_python_lib`` (POSIX layout)."""
    if prefix is None:
        if standard_lib:
            prefix = sys.base_exec_prefix if plat_specific else sys.base_prefix
        else:
            prefix = sys.exec_prefix if plat_specific else sys.prefix
    libdir = sys.platlibdir if plat_specific else 'lib'
    library = os.path.join(prefix, libdir, 'python' + get_python_version())
    return library if standard_lib else os.path.join(library, 'site-packages')


def get_config_h_filename():
    """``distutils.sysconfig.get_config_h_filename``."""
    return sysconfig.get_config_h_filename()


def find_executable(executable, path=None):
    """``distutils.spawn.find_executable``: :func:`shutil.which`."""
    return shutil.which(executable, path=path)


def make_distutils():
    return _package(DISTUTILS, ('sysconfig', 'spawn'))


def make_distutils_sysconfig():
    return _module(DISTUTILS + '.sysconfig', **{f.__name__: f for f in (
        get_config_var, get_config_vars, get_python_version, get_python_inc,
        get_python_lib, get_config_h_filename)})


def make_distutils_spawn():
    return _module(DISTUTILS + '.spawn', find_executable=find_executable)


# numpy.distutils ---------------------------------------------------------

def get_numpy_include_dirs():
    """``numpy.distutils.misc_util.get_numpy_include_dirs``."""
    import numpy
    return [numpy.get_include()]


def make_numpy_distutils():
    return _package(NUMPY_DISTUTILS, ('misc_util', '__config__'))


def make_numpy_misc_util():
    return _module(NUMPY_DISTUTILS + '.misc_util',
                   get_numpy_include_dirs=get_numpy_include_dirs)


def make_numpy_config():
    return _module(NUMPY_DISTUTILS + '.__config__', blas_opt_info={},
                   lapack_opt_info={})


# imp ---------------------------------------------------------------------

# imp's constants (the third item of find_module's description)
PY_SOURCE, PY_COMPILED, C_EXTENSION, PKG_DIRECTORY = 1, 2, 3, 5


def find_module(name, path=None):
    """``imp.find_module``: ``(file, pathname, (suffix, mode, type))``.

    Raises ImportError when `name` is not found on `path` (default
    ``sys.path``), as ``imp`` did. The file is open for a module file and
    None for a package.
    """
    spec = importlib.machinery.PathFinder.find_spec(name, path)
    if spec is None or spec.origin is None:
        raise ImportError('No module named %r' % name, name=name)
    if spec.submodule_search_locations is not None:
        return None, os.path.dirname(spec.origin), ('', '', PKG_DIRECTORY)
    origin = spec.origin
    for suffixes, mode, kind in (
            (importlib.machinery.SOURCE_SUFFIXES, 'r', PY_SOURCE),
            (importlib.machinery.BYTECODE_SUFFIXES, 'rb', PY_COMPILED),
            (importlib.machinery.EXTENSION_SUFFIXES, 'rb', C_EXTENSION)):
        for suffix in suffixes:
            if origin.endswith(suffix):
                if mode == 'r':
                    handle = open(origin, mode, encoding='utf-8')
                else:
                    handle = open(origin, mode)
                return handle, origin, (suffix, mode, kind)
    raise ImportError('No module named %r' % name, name=name)


def make_imp():
    return _module(IMP, find_module=find_module, PY_SOURCE=PY_SOURCE,
                   PY_COMPILED=PY_COMPILED, C_EXTENSION=C_EXTENSION,
                   PKG_DIRECTORY=PKG_DIRECTORY)
