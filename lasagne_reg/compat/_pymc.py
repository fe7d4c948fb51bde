"""What Theano-PyMC 1.1.2 (PyMC3's Theano, installed as ``theano``) needs.

Applies only where ``_variant.installed()`` is Theano-PyMC; on Theano 1.0.5
:func:`patches` and :func:`install_modules` do nothing.

* Its flags are spelled ``blas__ldflags`` and ``gcc__cxxflags``: ``_flags``
  writes them so (``_variant``). With ``blas__ldflags`` set, Theano-PyMC no
  longer calls its own BLAS detection, which reads
  ``numpy.distutils.__config__.blas_opt_info`` (gone from numpy 1.22's
  build; ``import theano`` dies there with an AttributeError).
* Lasagne (0.1 and master) uses ``theano.gof.Variable`` (``lasagne.utils``)
  and imports ``MRG_RandomStreams`` from ``theano.sandbox.rng_mrg``
  (``DropoutLayer``, ``GaussianNoiseLayer``). Theano-PyMC moved ``theano.gof``
  to ``theano.graph`` and ``theano.link`` and renamed the class
  ``MRG_RandomStream``. compat serves a module ``theano.gof`` whose names
  are looked up, on use, in Theano-PyMC's modules (``Op`` is ``COp`` and
  ``Type`` is ``CType``, the classes with C code, as ``theano.gof``'s were;
  ``PureOp`` and ``PureType`` are Theano-PyMC's ``Op`` and ``Type``), sets it as ``theano.gof`` once
  ``theano`` is imported, and adds ``MRG_RandomStreams`` as an alias of
  ``MRG_RandomStream``.
* The C loop of ``theano.scan`` (``theano.scan.scan_perform_ext``, Cython
  0.29.21 output) does not compile on Python 3.11 (``longintrepr.h: No such
  file or directory``); refused with an ImportError, it makes Theano-PyMC run
  the loop in Python, as it does without a compiler.
"""
import importlib

from .. import _variant
from . import _patch, _shims, _standin

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


def _applies(variant=None):
    variant = _variant.installed() if variant is None else variant
    return variant is _variant.THEANO_PYMC


def _gof_name(name):
    """theano.gof's `name` in Theano-PyMC (AttributeError if none)."""
    if name in GOF_RENAMED:
        module, attribute = GOF_RENAMED[name]
        found = importlib.import_module(module)
        return found if attribute is None else getattr(found, attribute)
    for home in GOF_HOMES:
        module = importlib.import_module(home)
        if name in vars(module):
            return vars(module)[name]
    raise AttributeError("module %r has no attribute %r (lasagne_reg.compat "
                         "looked in Theano-PyMC's %s)"
                         % (GOF, name, ', '.join(GOF_HOMES)))


def make_gof():
    """The module served as ``theano.gof`` on Theano-PyMC."""
    def __getattr__(name):
        if name.startswith('__'):
            raise AttributeError(name)
        value = _gof_name(name)
        setattr(module, name, value)
        return value

    module = _standin.module(GOF, 'Theano 1.0.5 names over theano.graph and '
                             'theano.link of Theano-PyMC.',
                             __getattr__=__getattr__)
    return module


def _set_gof(original):
    return importlib.import_module(GOF)


def _mrg_alias(original):
    return importlib.import_module('theano.sandbox.rng_mrg').MRG_RandomStream


def patches(variant=None):
    """The patches Theano-PyMC needs (none on another Theano)."""
    if not _applies(variant):
        return []
    return [
        _patch.Patch('theano', 'gof', _set_gof,
                     'Theano-PyMC moved theano.gof to theano.graph; '
                     'Lasagne uses theano.gof.Variable'),
        _patch.Patch('theano.sandbox.rng_mrg', 'MRG_RandomStreams',
                     _mrg_alias,
                     "Theano-PyMC's name is MRG_RandomStream; Lasagne "
                     "imports MRG_RandomStreams"),
    ]


def install_modules(variant=None):
    """Serve ``theano.gof`` and refuse scan's C loop on Theano-PyMC; return
    the names newly served or refused (none on another Theano)."""
    variant = _variant.installed() if variant is None else variant
    if not _applies(variant):
        return []
    added = []
    served = _shims.finder()
    if GOF not in served.makers:
        served.makers[GOF] = make_gof
        added.append(GOF)
    if variant.refuses_scan_c_loop:
        refused = _shims.finder(_shims.RefusingFinder)
        if variant.scan_c_loop not in refused.reasons:
            refused.reasons[variant.scan_c_loop] = (
                "lasagne_reg.compat: Theano-PyMC's C scan loop (%s "
                "output) does not compile on Python 3.11+; Theano runs the "
                "scan loop in Python instead" % variant.cython)
            added.append(variant.scan_c_loop + ' (refused)')
    return added
