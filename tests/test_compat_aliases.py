"""lasagne_reg.compat._aliases: the numpy names Theano 1.0.5 uses, back where
numpy lacks them (each numpy of the Theano stacks lacks others)."""
import warnings

import numpy as np
import pytest

from lasagne_reg.compat import _aliases

pytestmark = [pytest.mark.compat]


def test_numpy_names_theano_uses_are_present():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)  # numpy 1.2x
        for name in ('bool', 'complex', 'product', 'cast', 'sctype2char'):
            assert hasattr(np, name), name
        assert np.cast['float32']([1, 2]).dtype == np.float32
        assert np.sctype2char(np.float32) == 'f'
        assert np.product([2, 3]) == 6


def test_the_cast_stand_in_reads_a_dtype_name_as_numpy_1_did():
    # Theano indexes np.cast with its types, whose .dtype is a string
    class Typed:
        dtype = 'float32'

    cast = _aliases._Cast()
    with warnings.catch_warnings():
        # numpy 1.20+ warns when it reads a .dtype that is not a dtype
        # itself (numpy 2 refuses it): the name is read here, not by numpy
        warnings.simplefilter('error')
        got = cast[Typed()](2)
    assert got.dtype == np.float32 and got.shape == () and got == 2
    assert cast['int8']([300, -1]).tolist() == [44, -1]   # wraps, as astype
    assert cast[np.float64](np.float32(0.1)).dtype == np.float64
    with pytest.raises(TypeError):
        cast[object()]


def test_numpy_aliases_behave_as_numpy_1_did():
    aliases = _aliases.numpy_aliases()
    assert sorted(aliases) == ['ComplexWarning', 'bool', 'cast', 'complex',
                               'product', 'sctype2char']
    assert issubclass(aliases['ComplexWarning'], RuntimeWarning)
    assert aliases['ComplexWarning'].__name__ == 'ComplexWarning'
    assert aliases['bool'] is bool and aliases['complex'] is complex
    assert aliases['product'] is np.prod
    cast = aliases['cast']['float32']([1, 2.5])
    assert cast.dtype == np.float32 and cast.tolist() == [1.0, 2.5]
    assert aliases['cast'][np.int16](3.7).dtype == np.int16
    assert aliases['sctype2char'](np.complex128) == 'D'
    assert aliases['sctype2char']('int8') == 'b'


def test_restoring_aliases_sets_only_the_missing_ones(monkeypatch):
    monkeypatch.delattr(np, 'cast')
    before = np.prod
    assert _aliases.restore() == ['cast']
    assert np.cast['float64']([1]).dtype == np.float64
    assert np.prod is before
    assert _aliases.restore() == []
