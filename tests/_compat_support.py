"""Helpers shared by the compat tests (tests/test_compat*.py)."""
import importlib.machinery
import os

import numpy as np

from lasagne_reg.compat import _flags, _modules

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NP2 = list(_flags.NUMPY2_CXXFLAGS)
NO_BLAS = 'no optimized BLAS is installed (pip install scipy-openblas32)'
# status's advice where OpenBLAS threads would wait for each other
BUSY = ('this machine is busier than its CPUs (load 7.5 on 2): OpenBLAS '
        'threads then wait for each other, and small matrix products '
        '(convolutions) can run 10-30x slower; set OPENBLAS_NUM_THREADS=1, '
        'or the number of idle CPUs, before starting Python '
        '(docs/troubleshooting.rst)')


def cache_flags():
    """The compile-cache flag make test sets, for fresh interpreters."""
    return ','.join(item for item in os.environ.get('THEANO_FLAGS', '')
                    .split(',') if item.startswith('base_compiledir='))


def fresh_finders(monkeypatch):
    """New finders of both kinds in place of the ones on sys.meta_path."""
    fresh = {_modules.CompatFinder: _modules.CompatFinder(),
             _modules.RefusingFinder: _modules.RefusingFinder()}
    monkeypatch.setattr(_modules, 'finder',
                        lambda kind=_modules.CompatFinder: fresh[kind])
    return fresh


def pkg_resources_served():
    """['pkg_resources'] where this setuptools no longer ships it (82 and
    later): install() then adds compat's stand-in to its finder."""
    found = importlib.machinery.PathFinder.find_spec('pkg_resources')
    return [] if found is not None else ['pkg_resources']


def linalg_served():
    """['numpy.linalg.linalg'] where this numpy lacks it (2.4 and later)."""
    found = importlib.machinery.PathFinder.find_spec(
        'numpy.linalg.linalg', list(np.linalg.__path__))
    return [] if found is not None else ['numpy.linalg.linalg']

