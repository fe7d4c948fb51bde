"""Test-session set-up shared by tests/ and the doctests of lasagne_reg/ and docs/.

The backend under test comes from LASAGNE_REG_TEST_BACKEND (the Makefile's
stack table sets it for each stack; default theano). On Theano,
lasagne_reg.compat.install() runs first, as the docs tell users to do on
Theano 1.0.5 + Lasagne 0.1.

``LASAGNE_REG_TEST_BACKEND=none`` is the run of the tests marked
``nobackend`` (make test runs them once): there no backend and no Lasagne
can be imported, so a test marked so that touches one fails instead of
passing on whichever stack runs it. Only test modules that mark tests
``nobackend`` are collected in that run, and it refuses to run any other
test.
"""
import importlib.abc
import os
import sys

import pytest

BACKEND = os.environ.get('LASAGNE_REG_TEST_BACKEND', 'theano')
NO_BACKEND = BACKEND == 'none'

#: what the nobackend run refuses to import (and their submodules)
BLOCKED = ('theano', 'pytensor', 'aesara', 'lasagne')


class _BackendBlocker(importlib.abc.MetaPathFinder):
    """First on sys.meta_path in the nobackend run: refuses the backends."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split('.')[0] in BLOCKED:
            raise ImportError(
                'import of %r refused: LASAGNE_REG_TEST_BACKEND=none is the '
                'run of the tests marked nobackend, which must import no '
                'backend (mark the test otherwise)' % fullname, name=fullname)
        return None


if NO_BACKEND:
    sys.meta_path.insert(0, _BackendBlocker())
else:
    os.environ.setdefault('LASAGNE_REG_BACKEND', BACKEND)

if BACKEND == 'theano':
    import lasagne_reg.compat
    lasagne_reg.compat.install()


def pytest_configure(config):
    # A backend that cannot be imported fails the run: nothing is skipped.
    if NO_BACKEND:
        return
    import importlib
    import warnings
    with warnings.catch_warnings():
        # Aesara probes for a BLAS through numpy.distutils at import, which
        # warns (deprecated module; no BLAS libraries or BLAS_SRC sources)
        # before pytest captures anything; the backend's own one-line log
        # says which BLAS it uses
        warnings.filterwarnings('ignore', category=UserWarning,
                                module=r'numpy\.distutils')
        warnings.filterwarnings('ignore', category=DeprecationWarning)
        importlib.import_module(BACKEND + '.tensor')
    from tests import _pch
    _pch.install(BACKEND)     # precompiled headers, -g0 (tests/_pch.py)


def pytest_ignore_collect(collection_path, config):
    # the nobackend run imports only the test modules that mark tests so
    # (the others may import a backend at the top, and have none to run)
    if (NO_BACKEND and collection_path.suffix == '.py'
            and collection_path.name.startswith('test_')):
        return 'nobackend' not in collection_path.read_text() or None
    return None


def pytest_collection_finish(session):
    if NO_BACKEND:
        others = [item.nodeid for item in session.items
                  if item.get_closest_marker('nobackend') is None]
        if others:
            raise pytest.UsageError(
                'LASAGNE_REG_TEST_BACKEND=none runs only tests marked '
                'nobackend (select them with -m nobackend); also selected: '
                + ', '.join(others[:10]))
