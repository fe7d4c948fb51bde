"""What old Theano and Lasagne import that today's numpy and setuptools lack.

* numpy names Theano 1.0.5's Python code still uses: ``np.bool`` and
  ``np.complex`` (the builtin types, as before numpy 1.24), ``np.product``,
  ``np.cast`` and ``np.sctype2char`` (removed in numpy 2). Without
  ``np.bool`` Theano does not import on numpy 1.24-1.26; without
  ``np.complex`` every constant looks non-constant to Theano's optimizer,
  which silently disables optimizations (and breaks shape inference:
  ``ValueError: length not known``).
* ``theano.tensor.signal.downsample`` (removed in Theano 0.9, imported by
  Lasagne 0.1's pooling layers), on top of ``theano.tensor.signal.pool``.
* ``pkg_resources`` (gone from setuptools 82, imported by Lasagne 0.1's
  ``__init__`` for its version), on top of :mod:`importlib.metadata`, only
  when setuptools does not ship it.

The modules are served by a finder placed last on ``sys.meta_path``: it
answers only for those names, and only when nothing else provides them.
"""
import builtins
import importlib.abc
import importlib.machinery
import importlib.metadata
import importlib.util
import sys
import types
import warnings

import numpy as np

DOWNSAMPLE = 'theano.tensor.signal.downsample'
PKG_RESOURCES = 'pkg_resources'


class _Cast(object):
    """numpy's removed ``np.cast``: ``np.cast[dtype](x)``."""

    def __getitem__(self, dtype):
        dtype = np.dtype(dtype)
        return lambda x: np.asarray(x).astype(dtype)


def numpy_aliases():
    """{name: value} of the numpy names Theano 1.0.5 uses."""
    return {
        'bool': builtins.bool,
        'complex': builtins.complex,
        'product': np.prod,
        'cast': _Cast(),
        'sctype2char': lambda sctype: np.dtype(sctype).char,
    }


def restore_numpy_aliases():
    """Set the missing aliases on numpy; return the names set."""
    restored = []
    for name, value in numpy_aliases().items():
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            present = hasattr(np, name)
        if not present:
            setattr(np, name, value)
            restored.append(name)
    return restored


def _max_pool_2d(input, ds, ignore_border=None, st=None, padding=(0, 0),
                 mode='max'):
    """Theano < 0.9's ``downsample.max_pool_2d`` on top of ``pool_2d``."""
    from theano.tensor.signal.pool import pool_2d
    return pool_2d(input, ws=ds, ignore_border=ignore_border, stride=st,
                   pad=padding, mode=mode)


def _get_distribution(name):
    """``pkg_resources.get_distribution`` on top of importlib.metadata."""
    return types.SimpleNamespace(project_name=name,
                                 version=importlib.metadata.version(name))


def make_downsample():
    module = types.ModuleType(DOWNSAMPLE, 'Provided by lasagne_reg.compat: '
                              'Theano < 0.9 pooling names over pool_2d.')
    module.max_pool_2d = _max_pool_2d
    return module


def make_pkg_resources():
    module = types.ModuleType(PKG_RESOURCES, 'Provided by lasagne_reg.compat:'
                              ' the get_distribution of old setuptools.')
    module.get_distribution = _get_distribution
    return module


class CompatFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves the shim modules when nothing else provides them.

    It sits last on ``sys.meta_path``: it is asked only after every other
    finder (the file system included) found nothing.
    """

    def __init__(self):
        self.makers = {}

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in self.makers:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec):
        return self.makers[spec.name]()

    def exec_module(self, module):
        pass


def finder():
    """The one CompatFinder on ``sys.meta_path`` (appended on first use)."""
    for found in sys.meta_path:
        if isinstance(found, CompatFinder):
            return found
    found = CompatFinder()
    sys.meta_path.append(found)
    return found


def install_modules():
    """Make the shim modules importable; return the names newly served."""
    wanted = {DOWNSAMPLE: make_downsample}
    if importlib.util.find_spec(PKG_RESOURCES) is None:
        wanted[PKG_RESOURCES] = make_pkg_resources
    served = finder()
    added = []
    for name, maker in wanted.items():
        if name not in served.makers:
            served.makers[name] = maker
            added.append(name)
    return added
