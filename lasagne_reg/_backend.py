"""Which Theano-family backend is in use.

The library's functions (penalties, update transforms, the report) get
their backend's modules from here (:func:`tensor_module`,
:func:`submodule`; the report imports the backend this module names, to
compile), lazily, on first use, so that ``import lasagne_reg`` never
imports a backend (and :func:`lasagne_reg.compat.install` can still set
Theano flags afterwards). Two parts of the package import Theano
themselves, when run: :mod:`lasagne_reg.demo`, which trains a Lasagne
network, and :mod:`lasagne_reg.compat`, which makes Theano import.

Rules, in order:

1. ``LASAGNE_REG_BACKEND=theano|pytensor|aesara`` forces a backend; naming one
   that is not installed is an error.
2. A symbolic variable belongs to the backend whose classes built it; that
   backend is used for it.
3. With no variable to look at, the first installed of Theano, PyTensor,
   Aesara.
"""
import importlib
import importlib.util
import numbers
import os

import numpy as np

BACKENDS = ('theano', 'pytensor', 'aesara')
ENV_VAR = 'LASAGNE_REG_BACKEND'


def _forced():
    """The backend named by ``LASAGNE_REG_BACKEND``, or None.

    Only the name is checked here; whether it is installed is checked where
    it matters (no variable shows it), off the path every penalty takes.
    """
    name = os.environ.get(ENV_VAR, '').strip().lower()
    if not name:
        return None
    if name not in BACKENDS:
        hint = _MODES.get(name)
        hint = ('%s is a PyTensor mode, not a backend: set %s=pytensor (or '
                'unset it) and compile with %s' % (name, ENV_VAR, hint)
                if hint else 'or unset it, and the backend of your '
                'variables is used')
        raise ValueError("%s=%r: expected one of %s; %s"
                         % (ENV_VAR, name, ', '.join(BACKENDS), hint))
    return name


# names users put in LASAGNE_REG_BACKEND that are modes of PyTensor (and
# where they go instead)
_MODES = {
    'jax': "mode='JAX' (pip install jax)",
    'numba': "mode='NUMBA' (PyTensor's default)",
    'c': "mode='FAST_RUN' and linker=cvm (mode='CVM')",
    'cvm': "mode='CVM'",
    'fast_run': "mode='FAST_RUN'",
    'fast_compile': "mode='FAST_COMPILE'",
}


def _require_installed(name):
    if importlib.util.find_spec(name) is None:
        raise ImportError("%s=%s, but %s is not installed in this Python "
                          "environment: pip install 'lasagne_reg[%s]', or "
                          "unset %s" % (ENV_VAR, name, name, name, ENV_VAR))
    return name


def _installed():
    """The first installed backend in the order Theano, PyTensor, Aesara."""
    for name in BACKENDS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ImportError("lasagne_reg needs a Theano-family backend: install "
                      "one of %s (for example pip install 'lasagne_reg[theano]')"
                      % ', '.join(BACKENDS))


def backend_of(x):
    """Name of the backend whose classes built `x`, or None.

    Looks only at the type of `x` (and its bases), so it imports nothing.
    """
    for cls in type(x).__mro__:
        root = (cls.__module__ or '').split('.', 1)[0]
        if root in BACKENDS:
            return root
    return None


def is_symbolic(x):
    """True if `x` is a variable of one of the Theano-family backends."""
    return backend_of(x) is not None


def is_tensor(x):
    """True for one tensor: a symbolic variable or a numpy array."""
    return isinstance(x, np.ndarray) or is_symbolic(x)


def is_numeric(x):
    """True for the non-symbolic values the penalties accept.

    numpy arrays, numpy scalars and real Python numbers (not bool).
    """
    if isinstance(x, (np.ndarray, np.generic)):
        return True
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def backend(x=None):
    """Name of the backend in use: ``'theano'``, ``'pytensor'`` or ``'aesara'``.

    Parameters
    ----------
    x : optional
        A symbolic variable. Its own backend is returned; with
        ``LASAGNE_REG_BACKEND`` set to another backend this is an error,
        since variables of one backend cannot enter another's graph.

    Returns
    -------
    str
        The backend's package name.

    Examples
    --------
    >>> import lasagne_reg
    >>> lasagne_reg.backend() in ('theano', 'pytensor', 'aesara')
    True
    """
    forced = _forced()
    own = backend_of(x)     # None for None, arrays and numbers
    if own is not None:
        if forced is not None and forced != own:
            raise ValueError("%s=%s, but the tensor passed in is a %s "
                             "variable (%r); unset %s (each variable then "
                             "uses its own backend) or set it to %s"
                             % (ENV_VAR, forced, own, x, ENV_VAR, own))
        return own
    return _require_installed(forced) if forced else _installed()


def tensor_module(x=None):
    """The ``tensor`` module (``theano.tensor`` ...) of `x`'s backend."""
    return importlib.import_module(backend(x) + '.tensor')


def submodule(name, path):
    """The module ``name.path`` of the backend `name` (``'pytensor'``,
    ``'link.c.op'`` gives ``pytensor.link.c.op``), imported on first use."""
    return importlib.import_module(name + '.' + path)


def cast(x, dtype):
    """`x` (symbolic or numeric) as `dtype`, without changing its kind."""
    if is_symbolic(x):
        if x.dtype == dtype:
            return x
        return tensor_module(x).cast(x, dtype)
    return np.asarray(x, dtype=dtype)[()]


def constant(value, dtype, like):
    """`value` as a constant of `dtype` in the graph of the variable `like`."""
    return tensor_module(like).constant(np.asarray(value, dtype=dtype))
