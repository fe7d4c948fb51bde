"""compat._cops: Theano Ops whose C code failed on numpy 2 compute what they
computed on numpy 1.23.5.

Every graph of tests/_cops_corpus.py is compiled with the C linker and
compared (dtype, shape and every byte) with numpy computed independently,
and with the same graph as Theano on numpy 1.23.5 evaluates it: the theano
stack's results, checked in as tests/data/cops_numpy1.json (``make
reference-data``; tests/_reference.py says when it is stale). On numpy
1.23.5 the second comparison checks the reference itself.
"""
import inspect
import warnings

import numpy as np
import pytest

from lasagne_reg.compat import _aliases, _cops, _patch, _patched, _stack
from tests import _cops_corpus as corpus
from tests import _reference

pytestmark = [pytest.mark.lasagne, pytest.mark.compat, pytest.mark.parity]

NUMPY2 = int(np.__version__.split('.')[0]) >= 2

# complex arithmetic in Theano's C++ has its own formulas (naive division,
# products the compiler may contract into fused multiply-adds), numpy has
# others (and numpy 1.23.5 and 2.4.6 differ from each other), so against
# numpy alone these cases are compared to 8 machine epsilons of the operands'
# squared magnitude: the error bound of a product or quotient's parts,
# which cancellation makes large in ulps of a small result. Against Theano on
# numpy 1.23.5 (same formulas, same compiler) they are exact.
_COMPLEX_ARITHMETIC = {'complex128_div', 'complex128_mul_add', 'complex64_sub_neg',
              'complex64_times_real', 'complex128_real_imag',
              'float_to_complex64_cast', 'complex128_abs'}


# ConvOp sums its n products per output in its own order, numpy's einsum in
# another: each result is within n machine epsilons of the sum of the
# products' magnitudes of the exact one (the rounding-error bound of n
# products summed in any order), so the two are within that of each other
_SUMS = {'conv2d_valid', 'conv2d_full', 'conv2d_valid_shapes'}


@pytest.fixture(scope='module')
def reference():
    """The corpus as Theano on numpy 1.23.5 evaluates it (checked in)."""
    record = _reference.load('cops_numpy1.json')
    assert record['stack']['numpy'] == '1.23.5', record['stack']
    return record['results']


def _decode(encoded):
    return np.frombuffer(bytes.fromhex(encoded['hex']),
                         dtype=encoded['dtype']).reshape(encoded['shape'])


@pytest.fixture(scope='module')
def ours():
    import theano  # noqa: F401  (after the root conftest's install())
    return corpus.evaluate([case.name for case in corpus.CASES])


@pytest.mark.slow
@pytest.mark.parametrize('case', corpus.CASES, ids=lambda c: c.name)
def test_case_matches_numpy(case, ours):
    outputs = [_decode(e) for e in ours[case.name]['outputs']]
    expected = case.expected(*case.values())
    assert len(outputs) == len(expected)
    for got, want in zip(outputs, expected):
        want = np.asarray(want)
        assert got.dtype == want.dtype and got.shape == want.shape
        if case.name in _COMPLEX_ARITHMETIC:
            scale = 1 + max(np.abs(v).max() for v in case.values()) ** 2
            atol = 8 * np.finfo(got.dtype).eps * scale
            np.testing.assert_allclose(got, want, rtol=0, atol=atol)
        elif case.name in _SUMS:
            x, w = case.values()
            n = w[0].size
            bound = corpus._numpy_conv(np.abs(x), np.abs(w),
                                       'full' in case.name)
            assert np.all(np.abs(got - want)
                          <= n * np.finfo(got.dtype).eps * bound)
        else:
            np.testing.assert_array_equal(got, want)


@pytest.mark.slow
@pytest.mark.parametrize('case', corpus.CASES, ids=lambda c: c.name)
def test_case_matches_theano_on_numpy_1(case, ours, reference):
    assert case.name in reference, _reference.REGENERATE
    assert case.op in ours[case.name]['ops'], ours[case.name]['ops']
    assert ours[case.name]['ops'] == reference[case.name]['ops']
    assert ours[case.name]['outputs'] == reference[case.name]['outputs']


def _compile(name):
    return corpus.compile_case(corpus.BY_NAME[name])


def test_index_out_of_bounds_is_an_index_error_as_on_numpy_1():
    function, (x, y, i) = _compile('inc1_float64_repeated')
    with pytest.raises(IndexError, match='index 5 is out of bounds for '
                       'axis 0 with size 5'):
        function(x, y, np.array([0, 5, 1, 2, 3, 4]))
    with pytest.raises(IndexError, match='index -6 is out of bounds'):
        function(x, y, np.array([0, -6, 1, 2, 3, 4]))


def test_unbroadcastable_increment_is_a_value_error():
    function, (x, y, i) = _compile('inc1_float64_repeated')
    with pytest.raises(ValueError, match='broadcast'):
        function(x, y[:, :2].copy(), i)


def test_patches_exist_only_on_numpy_2():
    assert _patched.wanted(_stack.current(numpy=1), _cops) == []
    names = [patch.name for patch in _patched.wanted(_stack.current(numpy=2), _cops)]
    assert len(names) == len(set(names))
    for name in ('AdvancedIncSubtensor1.c_code', 'CumOp.c_axis',
                 'MaxAndArgmax.c_code', 'Argmax.c_code',
                 'AdvancedSubtensor1.c_code', 'CumOp.c_code',
                 'Scalar.c_support_code', 'Unique.perform',
                 'ConvOp.c_headers'):
        assert any(n.endswith('.' + name) for n in names), name


def test_install_reports_the_patches_on_numpy_2_and_none_on_numpy_1():
    applied = _patch.applied()
    ours = ['%s (%s)' % (p.name, p.reason) for p in _patched.wanted(source=_cops)]
    assert set(ours) <= set(applied)
    assert bool(ours) == NUMPY2


def test_every_patched_c_code_changes_its_cache_version():
    import theano.scalar.basic as scalar
    import theano.tensor.basic as basic
    import theano.tensor.extra_ops as extra
    import theano.tensor.subtensor as subtensor
    from theano.tensor.nnet import conv
    ops = [subtensor.AdvancedIncSubtensor1(), basic.MaxAndArgmax([0]),
           subtensor.AdvancedSubtensor1(), extra.CumOp(None),
           scalar.Scalar('complex64'), conv.ConvOp()]
    for op in ops:
        version = op.c_code_cache_version()
        assert (version[-2:] == _cops._CACHE_TAG) == NUMPY2, (op, version)


def test_conv_op_headers_lose_only_noprefix_on_numpy_2():
    from theano.tensor.nnet import conv
    headers = conv.ConvOp().c_headers()
    assert ('<numpy/noprefix.h>' in headers) != NUMPY2
    assert set(headers) | {'<numpy/noprefix.h>'} == set(
        inspect.unwrap(conv.ConvOp.c_headers)(conv.ConvOp())) | {
            '<numpy/noprefix.h>'}


def test_complex_warning_is_numpys():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        assert np.ComplexWarning is _aliases.numpy_aliases()['ComplexWarning']
    with pytest.warns(np.ComplexWarning):
        np.array([1 + 1j]).astype(np.float64)
