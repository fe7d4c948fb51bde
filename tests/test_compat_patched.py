"""lasagne_reg.compat._patched: the registry of the Theano attributes compat
replaces, and on which stacks each row applies.

What each replacement computes is judged in the test file of its mechanism
(tests/test_compat_numpy2.py, test_compat_cops.py; the ``pickle`` of
``pkl_utils`` in test_compat_standins.py); how a patch is set and undone,
in test_compat_patch.py.
"""
import pickle
import sys
import types

import pytest

from lasagne_reg import _variant
from lasagne_reg.compat import _cops, _numpy2, _patch, _patched, _stack, _standins

pytestmark = []     # mixed: each test says where it runs

PY313 = sys.version_info >= (3, 13)

NUMPY2_NAMES = ['theano.scalar.basic.NumpyAutocaster.__call__',
                'theano._asarray', 'theano.scalar.basic.Cast.impl',
                'theano.sandbox.rng_mrg.mrg_next_value',
                'theano.tensor.subtensor.IncSubtensor.perform',
                'theano.tensor.raw_random.copy',
                'theano.scalar.basic.Inv.impl',
                'theano.scalar.basic.Deg2Rad.L_op',
                'theano.scalar.basic.Rad2Deg.L_op',
                'theano.scalar.upcast']
COPS_NAMES = [
    'theano.tensor.subtensor.AdvancedIncSubtensor1.c_support_code',
    'theano.tensor.subtensor.AdvancedIncSubtensor1.c_code',
    'theano.tensor.subtensor.AdvancedIncSubtensor1.c_code_cache_version',
    'theano.tensor.basic.MaxAndArgmax.c_code',
    'theano.tensor.basic.MaxAndArgmax.c_code_cache_version',
    'theano.tensor.basic.Argmax.c_code',
    'theano.tensor.basic.Argmax.c_code_cache_version',
    'theano.tensor.subtensor.AdvancedSubtensor1.c_code',
    'theano.tensor.subtensor.AdvancedSubtensor1.c_code_cache_version',
    'theano.tensor.extra_ops.CumOp.c_code',
    'theano.tensor.extra_ops.CumOp.c_code_cache_version',
    'theano.tensor.extra_ops.CumOp.c_axis',
    'theano.scalar.basic.Scalar.c_support_code',
    'theano.scalar.basic.Scalar.c_code_cache_version',
    'theano.tensor.extra_ops.Unique.perform',
    'theano.tensor.nnet.conv.ConvOp.c_headers',
    'theano.tensor.nnet.conv.ConvOp.c_code_cache_version']
PYMC_NAMES = ['theano.gof', 'theano.sandbox.rng_mrg.MRG_RandomStreams']
PY313_NAMES = ['theano.misc.pkl_utils.pickle']


def _names(python, numpy, variant, source=None):
    stack = _stack.Stack(python, numpy, variant)
    return [patch.name for patch in _patched.wanted(stack, source)]


@pytest.mark.nobackend
@pytest.mark.parametrize('python, numpy, variant, expected', [
    ((3, 11), 1, _variant.THEANO, []),
    ((3, 12), 1, None, []),
    ((3, 11), 2, _variant.THEANO, NUMPY2_NAMES + COPS_NAMES),
    ((3, 12), 2, _variant.THEANO, NUMPY2_NAMES + COPS_NAMES),
    ((3, 13), 2, _variant.THEANO, NUMPY2_NAMES + COPS_NAMES + PY313_NAMES),
    ((3, 13), 1, _variant.THEANO, PY313_NAMES),
    ((3, 13), 2, None, NUMPY2_NAMES + COPS_NAMES + PY313_NAMES),
    # Theano-PyMC: its names only, whatever the numpy and Python
    ((3, 11), 1, _variant.THEANO_PYMC, PYMC_NAMES),
    ((3, 11), 2, _variant.THEANO_PYMC, PYMC_NAMES),
    ((3, 13), 2, _variant.THEANO_PYMC, PYMC_NAMES),
])
def test_each_stack_gets_its_patches_in_order(python, numpy, variant,
                                              expected):
    assert _names(python, numpy, variant) == expected


@pytest.mark.nobackend
def test_the_makers_are_in_the_module_of_their_mechanism():
    numpy_2 = ((3, 13), 2, _variant.THEANO)
    assert _names(*numpy_2, source=_numpy2) == NUMPY2_NAMES
    assert _names(*numpy_2, source=_cops) == COPS_NAMES
    assert _names(*numpy_2, source=_patched) == PY313_NAMES
    assert _names((3, 11), 2, _variant.THEANO_PYMC, _numpy2) == []
    for when, patch in _patched.PATCHES:
        assert isinstance(when, _stack.When), patch
        assert isinstance(patch, _patch.Patch), patch
        assert patch.make.__module__ in (
            _numpy2.__name__, _cops.__name__, _patched.__name__), patch
        assert len(patch.reason) > 15, patch
        if patch.make.__module__ != _patched.__name__:
            assert patch.reason.startswith('numpy 2: '), patch
            assert when is _stack.NUMPY_2, patch
    names = [patch.name for _, patch in _patched.PATCHES]
    assert len(names) == len(set(names)) == 30


@pytest.mark.nobackend
def test_wanted_is_this_stacks_by_default(monkeypatch):
    seen = []
    stack = _stack.Stack((3, 11), 1, _variant.THEANO_PYMC)
    monkeypatch.setattr(_stack, 'current', lambda: seen.append(1) or stack)
    assert [p.name for p in _patched.wanted()] == PYMC_NAMES
    assert [p.name for p in _patched.wanted(source=_numpy2)] == []
    assert seen == [1, 1]


@pytest.mark.nobackend
def test_pymc_measures_are_none_on_theano_1_0_5():
    for numpy in (1, 2):
        for python in ((3, 11), (3, 13)):
            names = _names(python, numpy, _variant.THEANO)
            assert not set(PYMC_NAMES) & set(names)


@pytest.mark.nobackend
def test_pymc_patches_take_what_they_add_from_theano_pymc(monkeypatch):
    # its modules, faked: nothing of Theano is imported
    gof = types.ModuleType('theano.gof')
    rng_mrg = types.ModuleType('theano.sandbox.rng_mrg')
    rng_mrg.MRG_RandomStream = object()
    monkeypatch.setitem(sys.modules, 'theano.gof', gof)
    monkeypatch.setitem(sys.modules, 'theano.sandbox.rng_mrg', rng_mrg)
    made = {p.name: p.make(None) for p in _patched.wanted(
        _stack.Stack((3, 11), 1, _variant.THEANO_PYMC))}
    assert made == {'theano.gof': gof, 'theano.sandbox.rng_mrg.'
                    'MRG_RandomStreams': rng_mrg.MRG_RandomStream}


@pytest.mark.nobackend
def test_pymc_patches_name_what_they_add():
    names = [(p.module, p.attribute) for p in _patched.wanted(
        _stack.Stack((3, 11), 1, _variant.THEANO_PYMC))]
    assert names == [('theano', 'gof'),
                     ('theano.sandbox.rng_mrg', 'MRG_RandomStreams')]


@pytest.mark.compat
@pytest.mark.lasagne
def test_patched_on_python_3_13_and_later_only():
    def on(python):
        return _patched.wanted(_stack.current(python=python), _patched)

    assert on((3, 12)) == []
    (patch,) = on((3, 13))
    assert on((3, 14)) != []
    assert patch.name == 'theano.misc.pkl_utils.pickle'
    assert patch.reason.startswith('Python 3.13: ')
    made = patch.make(pickle)
    assert made.Pickler is _standins._Pickler
    assert made.Unpickler is _standins._Unpickler
    import theano.misc.pkl_utils  # noqa: F401
    applied = any(name.startswith('theano.misc.pkl_utils.pickle ')
                  for name in _patch.applied())
    assert applied == PY313
    from theano.misc import pkl_utils
    assert (pkl_utils.pickle is pickle) != PY313
