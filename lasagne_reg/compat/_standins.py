"""What the modules compat serves contain, and how one is made.

Which module is served, why and when is the registry's
(``_modules.py``; the ``pickle`` of ``pkl_utils`` is a patch of
``_patched.py``); this module makes them. The stand-ins of ``distutils``,
``numpy.distutils`` and ``imp`` (Python 3.12+) are in ``_py312.py``, which
is measured on that Python. Every stand-in says who provides it in its
docstring, so that a user who meets one in a traceback or ``help()`` knows
it is not the real module.

* ``theano.tensor.signal.downsample``: Theano < 0.9's ``max_pool_2d`` on top
  of ``theano.tensor.signal.pool.pool_2d``.
* ``pkg_resources``: ``get_distribution`` (on :mod:`importlib.metadata`) and
  the ``DistributionNotFound`` Theano's ``gpuarray`` catches. Once Lasagne
  has imported it, it is in ``sys.modules`` for everyone, so it also has
  ``fixup_namespace_packages`` (a no-op: no namespace package was declared
  through it; pytest's ``monkeypatch.syspath_prepend`` calls it), and
  asking it for anything else raises an AttributeError that says what it
  is.
* ``numpy.linalg.linalg``: ``numpy.linalg`` under its numpy 1 name.
* ``theano.gof`` on Theano-PyMC: its names are looked up, on use, in
  Theano-PyMC's ``theano.graph`` and ``theano.link`` (``Op`` is ``COp`` and
  ``Type`` is ``CType``, the classes with C code, as ``theano.gof``'s were;
  ``PureOp`` and ``PureType`` are Theano-PyMC's ``Op`` and ``Type``).
* ``pickle`` for ``theano.misc.pkl_utils`` (Python 3.13+): ``dump`` and
  ``load`` set ``persistent_id`` on a ``pickle.Pickler`` and
  ``persistent_load`` on a ``pickle.Unpickler``, which Python 3.13 made
  read-only on the C classes (``AttributeError: '_pickle.Pickler' object
  attribute 'persistent_id' is read-only``). This ``pickle``'s ``Pickler``
  and ``Unpickler`` are subclasses of the real ones with nothing added: an
  instance of a subclass takes the attribute, and the C pickler uses it as
  before, writing the same bytes. Everything else is the real module's.

Examples
--------
>>> spawn = module('distutils.spawn', 'find_executable over shutil.which.',
...                find_executable=len)
>>> spawn.__doc__
'Provided by lasagne_reg.compat: find_executable over shutil.which.'
>>> spawn.find_executable('abc')
3
>>> import io, pickle
>>> pickled = io.BytesIO()
>>> p = make_pickle().Pickler(pickled, protocol=2)
>>> p.persistent_id = lambda obj: 'five' if obj == 5 else None
>>> p.dump([5, 6])
>>> u = make_pickle().Unpickler(io.BytesIO(pickled.getvalue()))
>>> u.persistent_load = lambda pid: pid.upper()
>>> u.load()
['FIVE', 6]
>>> make_pickle().dumps is pickle.dumps
True
"""
import importlib
import importlib.metadata
import pickle
import types

import numpy as np

PROVIDED = 'Provided by lasagne_reg.compat'


def module(name, doc, where=None, **attributes):
    """A new module `name` whose docstring says compat provides it.

    Parameters
    ----------
    name : str
        The module's full name.
    doc : str
        What it is: the docstring is ``'Provided by lasagne_reg.compat: '``
        and `doc`.
    where : str, optional
        Where it is served, put in the docstring's prefix (``'Python
        3.12+'`` gives ``'Provided by lasagne_reg.compat (Python 3.12+): '``).
    **attributes
        Set on the module (``__getattr__`` included, PEP 562).

    Returns
    -------
    types.ModuleType
    """
    prefix = PROVIDED + (' (%s)' % where if where else '') + ': '
    made = types.ModuleType(name, prefix + doc)
    for attribute, value in attributes.items():
        setattr(made, attribute, value)
    return made


# theano.tensor.signal.downsample -------------------------------------------

DOWNSAMPLE = 'theano.tensor.signal.downsample'


def _max_pool_2d(input, ds, ignore_border=None, st=None, padding=(0, 0),
                 mode='max'):
    """Theano < 0.9's ``downsample.max_pool_2d`` on top of ``pool_2d``."""
    from theano.tensor.signal.pool import pool_2d
    return pool_2d(input, ws=ds, ignore_border=ignore_border, stride=st,
                   pad=padding, mode=mode)


def make_downsample():
    return module(DOWNSAMPLE, 'Theano < 0.9 pooling names over pool_2d.',
                  max_pool_2d=_max_pool_2d)


# pkg_resources ----------------------------------------------------------------

PKG_RESOURCES = 'pkg_resources'


class DistributionNotFound(Exception):
    """``pkg_resources.DistributionNotFound`` (Theano's gpuarray catches it)."""


def _get_distribution(name):
    """``pkg_resources.get_distribution`` on top of importlib.metadata."""
    try:
        version = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        raise DistributionNotFound(name) from None
    return types.SimpleNamespace(project_name=name, version=version)


def _fixup_namespace_packages(path_item, parent=None):
    """``pkg_resources.fixup_namespace_packages``: nothing to do, since no
    namespace package was declared through this module."""


def _pkg_resources_getattr(name):
    raise AttributeError(
        "module 'pkg_resources' is lasagne_reg.compat's stand-in for Lasagne "
        "0.1 and Theano (this setuptools no longer ships pkg_resources): it "
        "has get_distribution, DistributionNotFound and "
        "fixup_namespace_packages, not %r (code that needs it needs "
        "setuptools<82)" % name)


def make_pkg_resources():
    return module(
        PKG_RESOURCES, 'the get_distribution of old setuptools.',
        get_distribution=_get_distribution,
        DistributionNotFound=DistributionNotFound,
        fixup_namespace_packages=_fixup_namespace_packages,
        __getattr__=_pkg_resources_getattr)


# numpy.linalg.linalg ------------------------------------------------------------

NUMPY_LINALG = 'numpy.linalg.linalg'


def make_numpy_linalg():
    return module(NUMPY_LINALG, 'numpy.linalg under its numpy 1 name.',
                  **{name: getattr(np.linalg, name) for name in dir(np.linalg)
                     if not name.startswith('__')})


# theano.gof on Theano-PyMC ----------------------------------------------------

GOF = 'theano.gof'

# where theano.gof's names went in Theano-PyMC, searched in this order
GOF_HOMES = ('theano.graph.basic', 'theano.graph.op', 'theano.graph.type',
             'theano.graph.fg', 'theano.graph.utils', 'theano.graph.opt',
             'theano.graph.optdb', 'theano.graph.toolbox',
             'theano.graph.params_type', 'theano.graph.null_type',
             'theano.graph.destroyhandler', 'theano.link.c.interface',
             'theano.link.c.basic', 'theano.link.c.cmodule',
             'theano.link.basic', 'theano.link.vm', 'theano.link.utils')

# theano.gof names whose Theano-PyMC namesake is another name
GOF_RENAMED = {'Op': ('theano.graph.op', 'COp'),
               'PureOp': ('theano.graph.op', 'Op'),
               'Type': ('theano.graph.type', 'CType'),
               'PureType': ('theano.graph.type', 'Type'),
               'graph': ('theano.graph.basic', None),
               'op': ('theano.graph.op', None),
               'fg': ('theano.graph.fg', None),
               'opt': ('theano.graph.opt', None),
               'toolbox': ('theano.graph.toolbox', None),
               'utils': ('theano.graph.utils', None),
               'cmodule': ('theano.link.c.cmodule', None)}


def _gof_name(name):
    """theano.gof's `name` in Theano-PyMC (AttributeError if none)."""
    if name in GOF_RENAMED:
        home, attribute = GOF_RENAMED[name]
        found = importlib.import_module(home)
        return found if attribute is None else getattr(found, attribute)
    for home in GOF_HOMES:
        found = importlib.import_module(home)
        if name in vars(found):
            return vars(found)[name]
    raise AttributeError("module %r has no attribute %r (lasagne_reg.compat "
                         "looked in Theano-PyMC's %s)"
                         % (GOF, name, ', '.join(GOF_HOMES)))


def make_gof():
    """The module served as ``theano.gof`` on Theano-PyMC."""
    def __getattr__(name):
        if name.startswith('__'):
            raise AttributeError(name)
        value = _gof_name(name)
        setattr(made, name, value)
        return value

    made = module(GOF, 'Theano 1.0.5 names over theano.graph and '
                  'theano.link of Theano-PyMC.', __getattr__=__getattr__)
    return made


# pickle for theano.misc.pkl_utils (Python 3.13+) --------------------------------

class _Pickler(pickle.Pickler):
    """pickle.Pickler, whose instances take a ``persistent_id``."""


class _Unpickler(pickle.Unpickler):
    """pickle.Unpickler, whose instances take a ``persistent_load``."""


def _real_pickle(name):
    return getattr(pickle, name)


def make_pickle():
    """``pickle`` with the two subclasses; every other name is pickle's."""
    return module(pickle.__name__, "the standard pickle, with Pickler and "
                  "Unpickler whose instances take persistent_id and "
                  "persistent_load (Theano's pkl_utils sets them)",
                  'Python 3.13+', Pickler=_Pickler, Unpickler=_Unpickler,
                  __getattr__=_real_pickle)
