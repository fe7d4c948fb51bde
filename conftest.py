"""Test-session set-up shared by tests/ and the doctests of lasagne_reg/ and docs/.

The backend under test comes from LASAGNE_REG_TEST_BACKEND (the Makefile sets
it for each virtualenv; default theano). On Theano, lasagne_reg.compat.install()
runs first, as the docs tell users to do on Theano 1.0.5 + Lasagne 0.1.
"""
import os

BACKEND = os.environ.get('LASAGNE_REG_TEST_BACKEND', 'theano')
os.environ.setdefault('LASAGNE_REG_BACKEND', BACKEND)

if BACKEND == 'theano':
    import lasagne_reg.compat
    lasagne_reg.compat.install()


def pytest_configure(config):
    # A backend that cannot be imported fails the run: nothing is skipped.
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
