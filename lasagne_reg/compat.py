"""Make Theano 1.0.5 and Lasagne 0.1 import on today's Python and numpy.

Nothing here runs on ``import lasagne_reg`` or ``import lasagne_reg.compat``:
call :func:`install` yourself, once, before ``import theano`` (calling it
again does nothing more). It changes the process in documented ways only:

* ``THEANO_FLAGS`` gets ``blas.ldflags=`` (numpy's BLAS detection that
  Theano 1.0.5 runs at import fails on current numpy) and, on numpy 2, the
  ``gcc.cxxflags`` macros that Theano's C code needs from numpy 1's
  ``npy_3kcompat.h``. Your own flags stay: a flag you set is never
  replaced, and your ``gcc.cxxflags`` are kept ahead of ours.
* numpy regains, where they are missing, the five names that Theano
  1.0.5's Python code still uses: ``np.bool`` and ``np.complex`` (the
  builtin types, as before numpy 1.24), ``np.product``, ``np.cast`` and
  ``np.sctype2char`` (removed in numpy 2). Without ``np.bool`` Theano does
  not import on numpy 1.24-1.26; without ``np.complex`` every constant looks
  non-constant to Theano's optimizer, which silently disables
  optimizations.
* ``theano.tensor.signal.downsample`` (removed in Theano 0.9, imported by
  Lasagne 0.1's pooling layers) is provided on top of
  ``theano.tensor.signal.pool``.
* ``pkg_resources`` (gone from setuptools 82, imported by Lasagne 0.1's
  ``__init__`` for its version) is provided on top of
  :mod:`importlib.metadata` when setuptools does not ship it.

The two modules are served by an import hook that answers only for those two
names, and only when nothing else provides them.

Examples
--------
>>> import lasagne_reg.compat
>>> report = lasagne_reg.compat.install()
>>> import theano, lasagne
>>> lasagne_reg.compat.install().changed   # the second call changes nothing
False
"""
import builtins
import configparser
import importlib.abc
import importlib.machinery
import importlib.metadata
import importlib.util
import os
import shlex
import sys
import types
import warnings

import numpy as np

__all__ = ['install', 'InstallReport']

_NUMPY2_CXXFLAGS = ('-DNPY_PY3K=1', '-DPyInt_AsLong=PyLong_AsLong',
                    '-DPyInt_FromLong=PyLong_FromLong',
                    '-DPyInt_Check=PyLong_Check',
                    '-DNPY_TARGET_VERSION=NPY_2_0_API_VERSION')

_DOWNSAMPLE = 'theano.tensor.signal.downsample'
_PKG_RESOURCES = 'pkg_resources'


class InstallReport(object):
    """What one call of :func:`install` did.

    Attributes
    ----------
    flags : dict
        THEANO_FLAGS entries this call added or extended.
    numpy_aliases : list of str
        numpy attributes this call restored.
    modules : list of str
        Module names this call made importable.
    not_applied : list of str
        What could not take effect, and why (for example flags set after
        ``import theano``).
    """

    def __init__(self):
        self.flags = {}
        self.numpy_aliases = []
        self.modules = []
        self.not_applied = []

    @property
    def changed(self):
        """True if this call changed anything."""
        return bool(self.flags or self.numpy_aliases or self.modules)

    def __repr__(self):
        return ('InstallReport(flags=%r, numpy_aliases=%r, modules=%r, '
                'not_applied=%r)' % (self.flags, self.numpy_aliases,
                                     self.modules, self.not_applied))


def install():
    """Make Theano 1.0.5 and Lasagne 0.1 importable; idempotent.

    Call it before ``import theano``. Called later, it still restores the
    numpy aliases and the two modules, and warns (RuntimeWarning) about the
    Theano flags that can no longer take effect.

    Returns
    -------
    InstallReport
        What this call changed, and what it could not do.
    """
    report = InstallReport()
    _merge_theano_flags(report)
    _restore_numpy_aliases(report)
    _install_import_hook(report)
    if report.not_applied:
        warnings.warn('lasagne_reg.compat.install(): ' +
                      '; '.join(report.not_applied), RuntimeWarning,
                      stacklevel=2)
    return report


# -- THEANO_FLAGS -----------------------------------------------------------

def _parse_flags(text):
    """THEANO_FLAGS as an ordered list of (key, value) pairs."""
    pairs = []
    for item in text.split(','):
        item = item.strip()
        if not item:
            continue
        key, _, value = item.partition('=')
        pairs.append((key.strip(), value))
    return pairs


def _theanorc_values():
    """(section.option) -> value from the user's .theanorc files."""
    default = os.pathsep.join([os.path.expanduser('~/.theanorc'),
                               os.path.expanduser('~/.theanorc.txt')])
    paths = os.environ.get('THEANORC', default).split(os.pathsep)
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read([p for p in paths if p])
    except configparser.Error:
        return {}
    return {'%s.%s' % (section, option): parser.get(section, option)
            for section in parser.sections()
            for option in parser.options(section)}


def _wanted_flags():
    """The flags this stack needs: {key: value}."""
    wanted = {'blas.ldflags': ''}
    if int(np.__version__.split('.')[0]) >= 2:
        wanted['gcc.cxxflags'] = ' '.join(_NUMPY2_CXXFLAGS)
    return wanted


def _merged_flags(text, rc, wanted):
    """(new THEANO_FLAGS text, {flag: value} changed) for `wanted` flags.

    `text` is the user's THEANO_FLAGS, `rc` the values of their .theanorc.
    A flag the user set is kept; ``gcc.cxxflags`` is extended, the user's
    own flags first.
    """
    pairs = _parse_flags(text)
    current = dict(pairs)
    changes = {}
    for key, value in wanted.items():
        if key == 'gcc.cxxflags':
            mine = current.get(key, rc.get(key, ''))
            missing = [f for f in value.split() if f not in shlex.split(mine)]
            if missing:
                changes[key] = ' '.join(mine.split() + missing)
        elif key not in current and key not in rc:
            changes[key] = value
    merged = [(k, changes.get(k, v)) for k, v in pairs]
    merged += [(k, v) for k, v in changes.items() if k not in current]
    return ','.join('%s=%s' % kv for kv in merged), changes


def _merge_theano_flags(report):
    text, changes = _merged_flags(os.environ.get('THEANO_FLAGS', ''),
                                  _theanorc_values(), _wanted_flags())
    if not changes:
        return
    if 'theano' in sys.modules:
        report.not_applied.append(
            'theano was imported before install(), so these THEANO_FLAGS '
            'cannot take effect: %s (call install() before importing theano '
            'or lasagne)' % ', '.join('%s=%s' % kv for kv in changes.items()))
        return
    os.environ['THEANO_FLAGS'] = text
    report.flags.update(changes)


# -- numpy aliases ----------------------------------------------------------

class _Cast(object):
    """numpy's removed ``np.cast``: ``np.cast[dtype](x)``."""

    def __getitem__(self, dtype):
        dtype = np.dtype(dtype)
        return lambda x: np.asarray(x).astype(dtype)


def _numpy_aliases():
    return {
        'bool': builtins.bool,
        'complex': builtins.complex,
        'product': np.prod,
        'cast': _Cast(),
        'sctype2char': lambda sctype: np.dtype(sctype).char,
    }


def _restore_numpy_aliases(report):
    for name, value in _numpy_aliases().items():
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            present = hasattr(np, name)
        if not present:
            setattr(np, name, value)
            report.numpy_aliases.append(name)


# -- modules ----------------------------------------------------------------

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


def _make_downsample():
    module = types.ModuleType(_DOWNSAMPLE, 'Provided by lasagne_reg.compat: '
                              'Theano < 0.9 pooling names over pool_2d.')
    module.max_pool_2d = _max_pool_2d
    return module


def _make_pkg_resources():
    module = types.ModuleType(_PKG_RESOURCES, 'Provided by lasagne_reg.compat:'
                              ' the get_distribution of old setuptools.')
    module.get_distribution = _get_distribution
    return module


class _CompatFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
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


def _finder():
    for finder in sys.meta_path:
        if isinstance(finder, _CompatFinder):
            return finder
    finder = _CompatFinder()
    sys.meta_path.append(finder)
    return finder


def _install_import_hook(report):
    wanted = {_DOWNSAMPLE: _make_downsample}
    if importlib.util.find_spec(_PKG_RESOURCES) is None:
        wanted[_PKG_RESOURCES] = _make_pkg_resources
    finder = _finder()
    for name, maker in wanted.items():
        if name not in finder.makers:
            finder.makers[name] = maker
            report.modules.append(name)
