"""pytest plugin for Theano 1.0.5's own tests (tools/theano_suite.py).

Loaded by ``-p compat_plugin`` (see pytest.ini beside it) before any test
module is imported:

* it calls :func:`lasagne_reg.compat.install`, as a user's script would;
* it gives ``numpy.testing`` a ``dec`` module when numpy lacks it (numpy
  removed its nose decorators in 1.25/2.0; Theano's tests import
  ``numpy.testing.dec`` for ``dec.skipif``);
* it gives numpy ``np.float`` (the builtin ``float``, as numpy 1.23.5 has
  it) when numpy lacks it (removed in 1.24): eight calls in Theano's tests
  (``compile/tests/test_shared.py``, ``tensor/tests/test_basic.py``) use
  it, and no line of Theano's library does;
* it imports ``numpy.linalg.linalg`` (served by compat where numpy 2.4+
  lacks it), so that ``np.linalg.linalg`` is an attribute as on numpy
  1.23.5, whose ``numpy.linalg`` imports it: ``test_nlinalg`` names
  ``np.linalg.linalg.LinAlgError``; Theano's library only imports the
  module, which compat serves.

* it gives numpy a ``find_common_type`` (removed in numpy 2) where numpy
  lacks it, with numpy 1's rule: the arrays' common type, unless the
  scalars' is of a higher kind, then the two promoted.
  ``tensor/tests/test_basic.py`` computes the expected values of 29
  elementwise testers with it, which therefore checked nothing on numpy 2.

* on numpy 2, ``np.vstack`` takes a generator again when Theano's test code
  passes one, as numpy 1.23.5 did: ``test_blocksparse`` builds its index
  data so (9 tests); Theano's library never stacks a generator.

* on Python 3.12+, ``nose.tools.assert_equals`` (nose made it from
  unittest's ``assertEquals``, removed in 3.12): ``test_corr`` and
  ``test_corr3d`` import it.

* on Python 3.13+, a test module's own ``pickle`` name is bound to the copy
  of pickle compat gives ``pkl_utils`` there, whose Pickler and Unpickler
  take ``persistent_id`` and ``persistent_load`` on their instances, as
  before 3.13 (``test_function_module``'s
  ``test_broken_pickle_with_shared`` sets them); the rest of Theano's
  library keeps the real pickle.

It also leaves out nose's generator tests (test functions that ``yield``
the tests to run): pytest 8 and later fail the collection of the whole
module on one of them (``test_basic`` and ``test_slinalg`` have some), where
pytest 7 collected them as expected failures. They are not counted.

It compiles as the project's own tests do (tests/_pch.py: precompiled
headers and ``-g0``, the same machine code, in half the time;
``LASAGNE_REG_TEST_PCH=0`` turns that off).

These stand-ins are for the tests only: compat never installs them.
"""
import functools
import inspect
import pickle
import sys
import types
import unittest
import warnings

import lasagne_reg.compat
from lasagne_reg.compat import _standins

lasagne_reg.compat.install()

import nose.tools  # noqa: E402  (pynose; Theano's tests import it)
import numpy  # noqa: E402  (after install, as Theano sees it)
import numpy.linalg.linalg  # noqa: E402,F401  (sets np.linalg.linalg)
import numpy.testing  # noqa: E402
import theano  # noqa: E402,F401  (its compiler, for _pch)

from tests import _pch  # noqa: E402

_pch.install('theano')


def _skipif(skip_condition, msg=None):
    """numpy's removed ``dec.skipif``: skip when the condition (or its
    call, if callable) is true, raising unittest.SkipTest as nose did."""
    def decorator(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            condition = (skip_condition() if callable(skip_condition)
                         else skip_condition)
            if condition:
                raise unittest.SkipTest(
                    msg or 'Test skipped due to test condition')
            return function(*args, **kwargs)
        return wrapper
    return decorator


if not hasattr(numpy.testing, 'dec'):
    numpy.testing.dec = types.SimpleNamespace(skipif=_skipif)


with warnings.catch_warnings():
    warnings.simplefilter('ignore', DeprecationWarning)   # numpy 1.20-1.23
    has_float = hasattr(numpy, 'float')
if not has_float:
    numpy.float = float


def pytest_pycollect_makeitem(collector, name, obj):
    """Leave out nose's generator tests: none is run or counted."""
    if collector.funcnamefilter(name) and inspect.isgeneratorfunction(obj):
        return []
    return None


_KINDS = 'buifcSUVOMm'       # numpy 1's order of kinds, lowest first


def _find_common_type(array_types, scalar_types):
    """numpy 1's ``np.find_common_type``: the common type of the arrays'
    dtypes, unless the scalars' common type is of a higher kind, in which
    case the two promoted."""
    def common(types):
        types = [numpy.dtype(t) for t in types]
        return functools.reduce(numpy.promote_types, types) if types else None
    arrays, scalars = common(array_types), common(scalar_types)
    if scalars is None or arrays is None:
        return arrays if scalars is None else scalars
    if _KINDS.index(scalars.kind) > _KINDS.index(arrays.kind):
        return numpy.promote_types(scalars, arrays)
    return arrays


with warnings.catch_warnings():
    warnings.simplefilter('ignore', DeprecationWarning)   # numpy 1.25-1.26
    has_find_common_type = hasattr(numpy, 'find_common_type')
if not has_find_common_type:
    numpy.find_common_type = _find_common_type


def _from_tests():
    """Whether the caller's caller is a module of Theano's tests."""
    return '.tests.' in sys._getframe(2).f_globals.get('__name__', '')


def _vstack_of_generator(vstack):
    """numpy 1.23.5's ``np.vstack`` of a generator, for Theano's tests only:
    numpy 1.16-1.23 stacked it (with a FutureWarning), numpy 2 raises
    TypeError. ``test_blocksparse`` builds its index data so; Theano's
    library never passes ``vstack`` a generator."""
    @functools.wraps(vstack)
    def wrapper(tup, *args, **kwargs):
        if inspect.isgenerator(tup) and _from_tests():
            tup = list(tup)
        return vstack(tup, *args, **kwargs)
    return wrapper


if int(numpy.__version__.split('.')[0]) >= 2:
    numpy.vstack = _vstack_of_generator(numpy.vstack)


def pytest_collection_modifyitems(session, config, items):
    """The test modules' ``pickle`` measure of this module's docstring
    (Python 3.13+): only their own name is rebound, to the copy
    ``compat._standins`` gives ``pkl_utils``."""
    if sys.version_info < (3, 13):
        return
    for module in {getattr(item, 'module', None) for item in items}:
        if module is not None and getattr(module, 'pickle', None) is pickle:
            module.pickle = _standins.make_pickle()


if not hasattr(nose.tools, 'assert_equals'):
    # unittest's deprecated alias assertEquals, gone from Python 3.12, was
    # where nose.tools found assert_equals; test_corr and test_corr3d
    # import it
    nose.tools.assert_equals = nose.tools.assert_equal
