"""compat._numpy2: Theano on numpy 2 computes what it computed on numpy 1.23.5.

The reference is Theano 1.0.5 on numpy 1.23.5 itself: the corpus of graphs
(tests/_parity_corpus.py) as the theano stack evaluates it, checked in as
tests/data/parity_numpy1.json (``make reference-data``; tests/_reference.py
says when it is stale). Every stack evaluates the corpus again, and every
output's dtype and bytes must equal the reference's; on numpy 1.23.5 that
checks the reference itself.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import pytest

from lasagne_reg import compat
from lasagne_reg.compat import _numpy2, _patch, _patched, _stack
from tests import _parity_corpus, _reference
from tests._compat_support import ROOT

pytestmark = [pytest.mark.lasagne, pytest.mark.compat, pytest.mark.parity]

NUMPY2 = int(np.__version__.split('.')[0]) >= 2

MEASURED = _parity_corpus.MEASURED




class _Corpus:
    """The corpus script running in another interpreter (a private
    run_python: tests/_support.py has none yet); :meth:`result` waits for
    its JSON record."""

    def __init__(self, python, args=()):
        env = dict(os.environ)
        env['PYTHONPATH'] = os.pathsep.join(
            [ROOT] + [p for p in env.get('PYTHONPATH', '').split(os.pathsep)
                      if p])
        # files, not pipes: nobody reads a pipe while this process works
        self.out, self.err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [python, os.path.join(ROOT, 'tests', '_parity_corpus.py')]
            + list(args), cwd=ROOT, env=env, stdout=self.out, stderr=self.err)
        self._record = None

    def result(self):
        if self._record is None:
            self.proc.wait(timeout=1800)
            out, err = (self._read(f) for f in (self.out, self.err))
            assert self.proc.returncode == 0, err[-3000:]
            self._record = json.loads(out.strip().splitlines()[-1])
        return self._record

    @staticmethod
    def _read(f):
        f.seek(0)
        text = f.read().decode('utf-8', 'replace')
        f.close()
        return text


def _reference_record():
    record = _reference.load('parity_numpy1.json')
    assert record['stack']['numpy'] == '1.23.5', record['stack']
    return record


@pytest.fixture(scope='module')
def reference():
    """The corpus as Theano on numpy 1.23.5 evaluates it (checked in)."""
    return _reference_record()['results']


def _differences(reference, results, keys=None):
    keys = sorted(set(reference) | set(results)) if keys is None else keys
    return {k: (reference.get(k), results.get(k)) for k in keys
            if reference.get(k) != results.get(k)}


# numpy 2's float64 exp, log, cos ... (SIMD) differ from numpy 1.23.5's in
# the last bit for some inputs: Theano's pure-Python mode calls them (its C
# code calls libm and agrees). These cases may differ there by so many ulps
# (MRG's normal: log, sqrt and cos of exactly equal uniform draws, which
# 'mrg uniform' checks), and by nothing else (docs/backends.rst, "What stays
# different").
NUMPY_ULP_CASES = {'exp log': 1, 'sigmoid softmax': 1, 'mrg normal': 2}


def _within_ulps(a, b, ulps):
    """Two records of one output: same dtypes and shape, values at most
    `ulps` ulps apart (floats only)."""
    if a[:3] != b[:3] or np.dtype(a[1]).kind != 'f':
        return False
    x, y = (np.frombuffer(bytes.fromhex(r[3]), dtype=a[1]) for r in (a, b))
    return bool(np.all(np.abs(x - y) <= ulps * np.spacing(np.abs(x))))


def _numpy_ulp_only(key, ref, got):
    mode, name = key.split(' ')[0], key.split(' | ')[1]
    return (mode == 'py' and name in NUMPY_ULP_CASES
            and isinstance(ref, list) and isinstance(got, list)
            and len(ref) == len(got)
            and all(_within_ulps(a, b, NUMPY_ULP_CASES[name])
                    for a, b in zip(ref, got)))


def _report(differences):
    return '\n'.join('%s:\n  numpy 1.23.5: %s\n  here:         %s' % (k, a, b)
                     for k, (a, b) in list(differences.items())[:25])


@pytest.mark.slow
def test_corpus_matches_numpy1_exactly(reference):
    # in a fresh interpreter, as the reference: Theano caches constants
    # process-wide (0.0 and -0.0 share a cache entry), so in this process
    # the results would depend on the tests that ran before. On numpy
    # 1.23.5, the stack that made the reference, the measured cases are
    # evaluated again and compared with the reference's own run of them:
    # the checked-in data is what this stack computes
    if not NUMPY2:
        reference = _reference_record()['measured']
    only = [] if NUMPY2 else ['--only'] + MEASURED
    results = _Corpus(sys.executable, only).result()['results']
    assert len(results) == len(reference) > (2900 if NUMPY2 else 50)
    differences = _differences(reference, results)
    ulp = {k for k, (a, b) in differences.items() if _numpy_ulp_only(k, a, b)}
    differences = {k: v for k, v in differences.items() if k not in ulp}
    assert not differences, '%d of %d differ:\n%s' % (
        len(differences), len(reference), _report(differences))


@pytest.mark.slow
@pytest.mark.skipif(not NUMPY2, reason='numpy 1.x needs none of the patches')
def test_each_measure_is_needed(reference):
    # without the patches, numpy 2 differs on every measured case; the
    # corpus would see a measure that broke
    raw = _Corpus(sys.executable, ['--without-patches', '--only'] +
                  MEASURED).result()
    assert raw['numpy'] == np.__version__
    for name in MEASURED:
        keys = [k for k in reference if k.split(' | ')[1] == name]
        assert keys, name
        assert _differences(reference, raw['results'], keys), name


def test_ulps_are_counted_and_only_for_numpy_math():
    one = np.array([1.5, 0.1]).tobytes().hex()
    near = np.nextafter(np.array([1.5, 0.1]), 2).tobytes().hex()
    far = np.nextafter(np.nextafter(np.array([1.5, 0.1]), 2), 2)
    rec = lambda h: [['float64', 'float64', [2], h]]    # noqa: E731
    assert _numpy_ulp_only('py float64 custom | exp log', rec(one), rec(near))
    assert not _numpy_ulp_only('py float64 custom | exp log', rec(one),
                               rec(far.tobytes().hex()))
    assert not _numpy_ulp_only('c float64 custom | exp log', rec(one),
                               rec(near))
    assert not _numpy_ulp_only('py float64 custom | sum', rec(one), rec(near))
    assert not _numpy_ulp_only('py float64 custom | exp log', rec(one),
                               'error: OverflowError')
    assert _numpy_ulp_only('py float64 custom | mrg normal', rec(one),
                           rec(far.tobytes().hex()))


def test_float_literals_keep_float64(bk):
    # numpy computes the reference here: 2.5 * 0.1 in float64
    T = bk.T
    v = bk.shared(np.array([2.5, -1.25, 3.0]))
    with bk.change_flags(floatX='float64', cast_policy='custom'):
        got = bk.evaluate(v * 0.1)
        assert got.dtype == np.float64
        np.testing.assert_array_equal(got, np.array([2.5, -1.25, 3.0]) * 0.1)
        assert bk.evaluate(v * 3.4e39)[0] == 2.5 * 3.4e39
        assert bk.evaluate(v * 1e-310)[0] == 2.5 * 1e-310 != 0
        grad = bk.evaluate(bk.grad(0.1 * T.sum(v ** 2), v))
        np.testing.assert_array_equal(grad, 0.2 * np.array([2.5, -1.25, 3.0]))


def test_integer_literals_keep_integer_dtypes(bk):
    T = bk.T
    with bk.change_flags(floatX='float64', cast_policy='custom'):
        assert (T.ivector() * 300).dtype == 'int32'
        assert (T.ivector() + 70000).dtype == 'int32'
        assert (T.bvector() + 200).dtype == 'int16'
        assert (T.bvector() + 100).dtype == 'int8'
        assert T.arange(1000).dtype == 'int64'
        np.testing.assert_array_equal(bk.evaluate(T.arange(1000)),
                                      np.arange(1000, dtype=np.int64))
        i8 = bk.shared(np.array([100, -3], dtype=np.int8))
        got = bk.evaluate(i8 + 200)
        assert got.dtype == np.int16
        np.testing.assert_array_equal(got, np.array([300, 197]))


@pytest.mark.parametrize('value, dtype, expected', [
    (300, 'int8', 300 - 256), (-129, 'int8', 127), (-1, 'uint8', 255),
    (2 ** 31, 'int32', -2 ** 31), (-1, 'uint64', 2 ** 64 - 1),
    (2 ** 63, 'uint64', 2 ** 63), (300.7, 'int8', 44), (-1.5, 'uint8', 255),
    (True, 'int8', 1), (70000, 'int16', 70000 - 65536),
    # the edges of a C long, and the unsigned long that numpy 1 tried next
    # for uint32 and uint64 (not for uint8 and uint16: below)
    (2 ** 63 - 1, 'int8', -1), (-2 ** 63, 'int16', 0),
    (-2 ** 63, 'uint64', 2 ** 63), (2 ** 64 - 1, 'uint64', 2 ** 64 - 1),
    (2 ** 63 + 5, 'uint32', 5), (2 ** 64 - 1, 'uint32', 2 ** 32 - 1),
    (1.8e19, 'uint32', 3305635840), (2.0 ** 63, 'uint64', 2 ** 63),
    (-2.0 ** 63, 'int64', -2 ** 63)])
def test_python_ints_wrap_around_as_on_numpy1(value, dtype, expected):
    got = _numpy2._np1_integer(value, dtype) if type(value) is not bool \
        else np.asarray(value, dtype=dtype)
    assert got.dtype == np.dtype(dtype) and got.item() == expected
    if not NUMPY2:         # and it is numpy 1.23.5's own conversion
        assert np.asarray(value, dtype=dtype).item() == expected


@pytest.mark.parametrize('value, dtype', [
    (2 ** 63, 'int64'), (2 ** 63, 'int8'), (2 ** 64, 'uint64'),
    (-2 ** 63 - 1, 'int64'), (1e20, 'int32'), (2 ** 63, 'uint8'),
    (2 ** 63, 'uint16'), (2 ** 64, 'uint32'), (-2 ** 63 - 1, 'uint64'),
    (2.0 ** 63, 'int64')])
def test_python_ints_beyond_a_c_long_raise_as_on_numpy1(value, dtype):
    with pytest.raises(OverflowError, match='too large to convert to C long'):
        _numpy2._np1_integer(value, dtype)
    if not NUMPY2:
        with pytest.raises(OverflowError):
            np.asarray(value, dtype=dtype)


# sequences numpy 2 refuses (OverflowError) and numpy 1 converted element
# by element; the expected values are numpy 1.23.5's (checked against it on
# the stacks that have it)
SEQUENCES = [
    ([2 ** 62 + 1, -1], 'uint64', [2 ** 62 + 1, 2 ** 64 - 1]),
    ([300, 3.7, -1.5], 'int8', [44, 3, -1]),
    ([[300], [2 ** 63]], 'uint32', [[300], [0]]),
    ((300, -129), 'int8', [44, 127]),
    ([-1, 2 ** 64 - 1], 'uint64', [2 ** 64 - 1, 2 ** 64 - 1]),
    ([np.int64(5), 2 ** 63 + 7], 'uint32', [5, 7]),
    ([300, np.int16(197)], 'int8', [44, -59]),
    ([300, np.float64(3.7), np.float32(-2.5)], 'int8', [44, 3, -2]),
    ([-1, np.uint64(2 ** 63 + 5)], 'uint32', [2 ** 32 - 1, 5]),
    ([-1, np.int64(2 ** 62 + 1)], 'uint64', [2 ** 64 - 1, 2 ** 62 + 1]),
    ([300, np.True_, np.array(197, 'int16')], 'int8', [44, 1, -59]),
    ([300, np.longdouble(300.5)], 'int8', [44, 44]),
    (2 ** 63 + 5, 'uint32', 5)]


@pytest.mark.parametrize('data, dtype, expected', SEQUENCES)
def test_sequences_wrap_around_as_on_numpy1(bk, data, dtype, expected):
    import theano  # compat's theano._asarray on numpy 2, numpy 1's own
    got = theano._asarray(data, dtype=dtype)
    assert got.dtype == np.dtype(dtype)
    assert got.tolist() == expected
    if not NUMPY2:
        assert np.asarray(data, dtype=dtype).tolist() == expected


@pytest.mark.parametrize('data, dtype, error', [
    ([2 ** 63, 1], 'int8', OverflowError),
    ([300, float('inf')], 'int8', OverflowError),
    ([300, float('nan')], 'int8', ValueError),
    ([300, 1e20], 'int32', OverflowError),
    ([300, np.uint64(2 ** 63 + 5)], 'int8', OverflowError),
    ([300, np.float64(1e20)], 'int32', OverflowError),
    ([300, np.float64('nan')], 'int8', ValueError),
    ([300, np.longdouble('nan')], 'int8', ValueError)])
def test_a_sequence_beyond_a_c_long_raises_as_on_numpy1(bk, data, dtype,
                                                        error):
    import theano
    with pytest.raises(error):
        theano._asarray(data, dtype=dtype)
    if not NUMPY2:
        with pytest.raises(error):
            np.asarray(data, dtype=dtype)


def test_constant_and_cast_wrap_around(bk):
    T = bk.T
    got = bk.evaluate(T.constant(300, dtype='int8'))
    assert got.dtype == np.int8 and got == 44
    got = bk.evaluate(T.constant([300, -1], dtype='uint8'))
    np.testing.assert_array_equal(got, np.array([44, 255], dtype=np.uint8))
    for mode in (None, bk.py_mode()):
        got = bk.function([], T.cast(T.constant(300), 'int8'), mode=mode)()
        assert got.dtype == np.int8 and got == 44
    with pytest.raises(OverflowError):
        T.constant(2 ** 63, dtype='int64')


def test_mrg_streams_in_python_mode_match_their_c_code(bk):
    # Theano's C implementation of MRG31k3p is the independent reference
    # for its Python one (pure-Python mode), which numpy 2 broke. In float64
    # both are exact; in float32 Theano's Python code rounds once more than
    # its C (on numpy 1 too): the corpus compares that with numpy 1.23.5
    from theano.sandbox.rng_mrg import MRG_RandomStreams
    for dtype in ('float64',):
        draws = [bk.function([], MRG_RandomStreams(seed=1234).uniform(
            (7,), dtype=dtype), mode=mode)() for mode in (None, bk.py_mode())]
        assert draws[0].dtype == draws[1].dtype == np.dtype(dtype)
        np.testing.assert_array_equal(draws[0], draws[1])
        assert len(set(draws[0])) == 7 and 0 < draws[0].min() < 1


def test_inc_subtensor_of_an_int_element_wraps_around(bk):
    # numpy's int8 arithmetic computes the reference: -3 + 200 wraps to -59
    T = bk.T
    i8 = bk.shared(np.array([7, -3, 100], dtype=np.int8))
    expected = np.array([7, -3, 100], dtype=np.int8)
    expected[1:2] += np.array([200], dtype=np.int16).astype(np.int8)
    for mode in (None, bk.py_mode()):
        for y in (200, T.constant(np.int16(200))):
            got = bk.function([], T.inc_subtensor(i8[1], y), mode=mode)()
            assert got.dtype == np.int8
            np.testing.assert_array_equal(got, expected)
    assert expected[1] == -59


@pytest.mark.parametrize('mode', ['FAST_RUN', 'FAST_COMPILE'])
def test_a_copied_random_state_has_its_own_generator(bk, mode):
    # two draws from one shared RandomState without an update: Theano copies
    # it for each (not in place), so both start from the seed's state, the
    # shared value stays there, and a second call draws the same numbers
    T = bk.T
    rs = bk.root.shared(np.random.RandomState(7))
    fn = bk.function([], [T.raw_random.uniform(rs, (3,), 0.1, 0.9)[1],
                          T.raw_random.normal(rs, (3,), 0.1, 2.5)[1]],
                     mode=mode)
    want = [np.random.RandomState(7).uniform(0.1, 0.9, size=3),
            np.random.RandomState(7).normal(0.1, 2.5, size=3)]
    for _ in range(2):
        got = fn()
        for g, w in zip(got, want):
            assert g.dtype == np.float64
            np.testing.assert_array_equal(g, w)
    np.testing.assert_array_equal(rs.get_value().uniform(size=4),
                                  np.random.RandomState(7).uniform(size=4))


@pytest.mark.parametrize('mutable', [False, True])
def test_one_random_state_given_for_two_inputs(bk, mutable):
    # the same RandomState passed for two inputs: Theano's aliasing check
    # copies the second (copy.copy). Not in place, each draw starts from
    # the seed's state and the generator is untouched; in place (mutable),
    # the draws follow each other in the one generator, as on numpy 1.23.5
    T, In = bk.T, bk.root.In
    r1, r2 = T.raw_random.RandomStateType()(), T.raw_random.RandomStateType()()
    fn = bk.function([In(r1, mutable=mutable), In(r2, mutable=mutable)],
                     [T.raw_random.uniform(r1, (3,))[1],
                      T.raw_random.uniform(r2, (3,))[1]])
    rng = np.random.RandomState(0)
    first, second = fn(rng, rng)
    stream = np.random.RandomState(0).uniform(size=7)
    np.testing.assert_array_equal(first, stream[:3])
    np.testing.assert_array_equal(second, stream[3:6] if mutable
                                  else stream[:3])
    assert rng.uniform() == (stream[6] if mutable else stream[0])


def test_ceil_intdiv_and_the_shapes_built_with_it(bk):
    T = bk.T
    from theano.tensor.nnet.neighbours import Images2Neibs, images2neibs
    a, b = T.iscalar(), T.iscalar()
    fn = bk.function([a, b], T.ceil_intdiv(a, b))
    for x, y in [(7, 3), (-7, 3), (9, 3), (7, -2)]:
        got = fn(x, y)
        assert got.dtype == np.int32 and got == -(-x // y), (x, y)
    # wrap_centered's shape, inferred without running the Op: ceil(5 / 3) *
    # ceil(10 / 3) patches of 3 x 3 in each of the 2 * 4 images
    x = T.ftensor4()
    shape = bk.function([x], images2neibs(x, (3, 3), mode='wrap_centered')
                        .shape, mode='FAST_RUN')
    assert not any(isinstance(node.op, Images2Neibs)
                   for node in shape.maker.fgraph.toposort())
    np.testing.assert_array_equal(
        shape(np.ones((2, 4, 5, 10), np.float32)), [2 * 4 * 2 * 4, 9])


def test_upcast_of_a_variable_is_numpy1s(bk):
    # numpy 1 read a variable's .dtype, but Theano's "float64 named
    # explicitly" test compares the variable itself, which is not the
    # string: under numpy+floatX float32 a float64 *variable* still gives
    # float32, its name float64
    from theano import scalar
    T = bk.T
    assert scalar.upcast(T.fscalar(), 'int8') == 'float32'
    assert scalar.upcast(T.iscalar(), T.lscalar()) == 'int64'
    with bk.change_flags(floatX='float32', cast_policy='numpy+floatX'):
        assert scalar.upcast(T.dscalar(), 'float32') == 'float32'
        assert scalar.upcast('float64', 'float32') == 'float64'


@pytest.mark.parametrize('linker', ['py', 'c'])
def test_and_reduction_of_small_integers_matches_numpy(bk, linker):
    # what Theano's own test_CAReduce checks for uint8/int8 and cannot on
    # numpy 2 (its reference helper builds np.array(-1, 'uint8'))
    from theano import scalar
    from theano.compile.mode import Mode
    from theano.tensor.elemwise import CAReduce
    T = bk.T
    rng = np.random.RandomState(3)
    a = rng.randint(0xF0, 0x100, (5, 6)).astype('uint8')
    b = rng.randint(-8, 0, (5, 6)).astype('int8')
    x, y = T.matrix(dtype='uint8'), T.matrix(dtype='int8')
    fn = bk.function([x, y], [CAReduce(scalar.and_, axis=(1,))(x),
                              CAReduce(scalar.and_, axis=(0,))(y),
                              CAReduce(scalar.and_)(x)],
                     mode=Mode(linker=linker))
    got = fn(a, b)
    want = [np.bitwise_and.reduce(a, axis=1), np.bitwise_and.reduce(b, axis=0),
            np.bitwise_and.reduce(a.ravel())]
    for g, w in zip(got, want):
        assert g.dtype == w.dtype
        np.testing.assert_array_equal(g, w)
    assert got[0].any() and got[1].any()      # not all zero: bits survive


# d/dx of the elementwise ops whose gradient builds a constant of x's type
# (np.cast[x.type] or np.asarray(c, gz.type)), on points inside each domain
DERIVATIVES = {
    'exp2': (lambda x: np.exp2(x) * np.log(2), 0.3),
    'arccos': (lambda x: -1 / np.sqrt(1 - x * x), 0.3),
    'arcsin': (lambda x: 1 / np.sqrt(1 - x * x), 0.3),
    'arctan': (lambda x: 1 / (1 + x * x), 0.3),
    'arccosh': (lambda x: 1 / np.sqrt(x * x - 1), 1.7),
    'arcsinh': (lambda x: 1 / np.sqrt(x * x + 1), 0.3),
    'arctanh': (lambda x: 1 / (1 - x * x), 0.3),
    'deg2rad': (lambda x: np.full_like(x, np.pi / 180), 0.3),
    'rad2deg': (lambda x: np.full_like(x, 180 / np.pi), 0.3),
}


@pytest.mark.parametrize('dtype', ['float64', 'float32'])
@pytest.mark.parametrize('name', sorted(DERIVATIVES))
def test_gradients_that_build_constants_of_a_type(bk, name, dtype):
    T = bk.T
    derivative, scale = DERIVATIVES[name]
    x = T.vector(dtype=dtype)
    fn = bk.function([x], bk.grad(T.sum(getattr(T, name)(x)), x))
    points = (np.array([0.1, 0.5, 0.9]) + scale).astype(dtype) if \
        name == 'arccosh' else (np.array([-0.5, 0.1, 0.9]) * scale * 3
                                ).astype(dtype)
    got = fn(points)
    assert got.dtype == dtype
    want = derivative(points.astype(np.float64))
    np.testing.assert_allclose(got, want,
                               rtol=1e-12 if dtype == 'float64' else 1e-5)


@pytest.mark.parametrize('dtype', ['float64', 'complex128', 'int64',
                                   'float32', 'int8'])
def test_inv_in_python_keeps_its_precision(bk, dtype):
    # Theano's Python loop hands Inv.impl Python numbers; 1 / x in the
    # output's own precision, as numpy computes it
    from theano.compile.mode import Mode
    T = bk.T
    a = np.array([3, -7, 11], dtype=dtype)
    x = T.vector(dtype=dtype)
    got = bk.function([x], T.inv(x), mode=Mode(linker='py'))(a)
    out = {'int64': 'float64', 'int8': 'float32'}.get(dtype, dtype)
    assert got.dtype == out
    want = np.ones((), out) / a.astype(out)
    assert got.tobytes() == want.tobytes()


def test_inv_of_the_extreme_int64s_in_python(bk):
    # -2**63 and 2**63 - 1 are int64s too: float64 quotients, not float32
    from theano.compile.mode import Mode
    a = np.array([-2 ** 63, 2 ** 63 - 1], dtype='int64')
    x = bk.T.vector(dtype='int64')
    got = bk.function([x], bk.T.inv(x), mode=Mode(linker='py'))(a)
    want = np.ones((), 'float64') / a.astype('float64')
    assert got.dtype == np.float64 and got.tobytes() == want.tobytes()


@pytest.mark.parametrize('dtype', ['float64', 'float32'])
def test_inv_of_a_numpy_scalar_in_python(bk, dtype):
    # a scalar graph's Python loop hands Inv.impl numpy scalars, which keep
    # their type (2.5 is not made an int)
    import theano.scalar as S
    from theano.compile.mode import Mode
    x = S.Scalar(dtype)()
    got = bk.function([x], S.inv(x), mode=Mode(linker='py'))(2.5)
    assert np.asarray(got).dtype == dtype
    assert got == np.ones((), dtype) / np.asarray(2.5, dtype)


def test_patches_only_on_numpy2():
    names = [p.name for p in _patched.wanted(source=_numpy2)]
    if NUMPY2:
        assert names == ['theano.scalar.basic.NumpyAutocaster.__call__',
                         'theano._asarray', 'theano.scalar.basic.Cast.impl',
                         'theano.sandbox.rng_mrg.mrg_next_value',
                         'theano.tensor.subtensor.IncSubtensor.perform',
                         'theano.tensor.raw_random.copy',
                         'theano.scalar.basic.Inv.impl',
                         'theano.scalar.basic.Deg2Rad.L_op',
                         'theano.scalar.basic.Rad2Deg.L_op',
                         'theano.scalar.upcast']
        assert all(p.reason.startswith('numpy 2: ')
                   for p in _patched.wanted(source=_numpy2))
    else:
        assert names == []


def test_theano_untouched_on_numpy1_patched_on_numpy2():
    import theano
    import theano.scalar.basic as sb
    from theano.misc import safe_asarray
    from theano.sandbox import rng_mrg
    call = sb.NumpyAutocaster.__call__
    if NUMPY2:
        assert call.__wrapped__.__module__ == 'theano.scalar.basic'
        assert theano._asarray.__wrapped__ is safe_asarray._asarray
        assert sb.Cast.impl.__wrapped__.__module__ == 'theano.scalar.basic'
        assert rng_mrg.mrg_next_value.__wrapped__.__module__ == \
            'theano.sandbox.rng_mrg'
    else:
        # Theano's own functions, none of ours
        assert call.__module__ == 'theano.scalar.basic'
        assert not hasattr(call, '__wrapped__')
        assert theano._asarray is safe_asarray._asarray
        assert sb.Cast.impl.__module__ == 'theano.scalar.basic'
        assert rng_mrg.mrg_next_value.__module__ == 'theano.sandbox.rng_mrg'
        assert not any(name.startswith('theano.') for name in
                       _patch.applied())


def test_install_is_idempotent():
    expected = ['%s (%s)' % (p.name, p.reason) for p in _patched.wanted(source=_numpy2)]
    before = _patch.applied()
    assert set(expected) <= set(before)
    assert compat.install().patched == []
    assert _patch.applied() == before
    call = __import__('theano').scalar.basic.NumpyAutocaster.__call__
    assert getattr(call, '__wrapped__', call).__module__ == \
        'theano.scalar.basic'        # wrapped once, not twice


@pytest.mark.skipif(not NUMPY2, reason='numpy 1.x gets no patch to restore')
def test_restore_brings_back_numpy2_behaviour(bk):
    from theano.scalar.basic import convert
    T = bk.T
    with bk.change_flags(floatX='float64', cast_policy='custom'):
        assert convert(0.1).dtype == np.float64
        others = set(_patch.applied())
        restored = _patch.restore(_patched.wanted(source=_numpy2))
        try:
            assert set(p.name for p in _patched.wanted(source=_numpy2)) <= set(restored)
            # Theano's own code on numpy 2 (NEP 50): 0.1 "fits" float32
            assert convert(0.1).dtype == np.float32
            assert (T.ivector() * 300).dtype == 'float64'
            with pytest.raises(OverflowError):
                T.constant(300, dtype='int8')
            # the other patches (if any) stay
            assert set(_patch.applied()) == {
                n for n in others if n.split(' (')[0] not in restored}
        finally:
            again = _patch.apply(_patched.wanted())
        assert len(again) == len(restored) == len(_patched.wanted(source=_numpy2))
        assert convert(0.1).dtype == np.float64
        assert (T.ivector() * 300).dtype == 'int32'


def test_restore_of_some_patches_leaves_the_others():
    import json
    import textwrap
    dumps, loads = json.dumps, json.loads
    one = _patch.Patch('json', 'dumps', lambda f: lambda *a, **k: 'x', 'a')
    two = _patch.Patch('json', 'loads', lambda f: lambda *a, **k: 'y', 'b')
    three = _patch.Patch('textwrap', 'nope.x', None, 'c')   # never imported
    before = _patch.applied()
    _patch.apply([one, two])
    try:
        assert _patch.restore([one]) == ['json.dumps']
        assert json.dumps is dumps and json.loads('1') == 'y'
        assert 'json.loads (b)' in _patch.applied()
    finally:
        assert _patch.restore([two, three]) == ['json.loads']
    assert json.loads is loads and textwrap.dedent
    assert _patch.applied() == before


@pytest.mark.slow
def test_status_probe_reports_the_patches_in_place():
    # the real probe, in a fresh interpreter of this environment, with
    # install() first as an enabled environment has it
    from lasagne_reg.compat import _cli
    probe = _cli._probe(with_install=True)
    assert 'error' not in probe, probe
    assert sorted(probe['patched']) == sorted(
        p.name for p in _patched.wanted())
    for patch in _patched.wanted(source=_numpy2):
        assert patch.name in probe['patched']


def test_status_patched_row():
    from lasagne_reg.compat import _cli
    names = [p.name for p in _patched.wanted()]
    row = _cli._patched_row(np.__version__, {'patched': names})
    if NUMPY2:
        assert row == ', '.join(names) + ' (in place in a fresh interpreter)'
        assert _cli._patched_row(np.__version__, {'patched': []}) == (
            ', '.join(names) + ' (not in place in a fresh interpreter: '
            'compat is not enabled)')
        assert _cli._patched_row(np.__version__, None) == ', '.join(names)
        assert 'NumpyAutocaster.__call__' in row
    else:
        assert names == []
        assert row == 'none (numpy %s needs none)' % np.__version__


@pytest.mark.slow
def test_status_prints_the_patched_row(tmp_path):
    proc = subprocess.run(
        [sys.executable, '-m', 'lasagne_reg.compat', 'status',
         '--site-dir', str(tmp_path), '--no-import-check'],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    rows = [line.split(None, 1) for line in proc.stdout.splitlines()
            if line.startswith('  ')]
    patched = [value for name, value in rows if name == 'patched']
    from lasagne_reg.compat import _cli
    assert patched == [_cli._patched_row(np.__version__, None)], proc.stdout


def test_no_patches_for_theano_pymc(monkeypatch):
    # written and checked against Theano 1.0.5's code only
    from lasagne_reg import _variant
    from lasagne_reg.compat import _cops
    monkeypatch.setattr(_variant, 'installed', lambda: _variant.THEANO_PYMC)
    assert _patched.wanted(source=_numpy2) == []
    assert _patched.wanted(_stack.current(numpy=2), _cops) == []
    monkeypatch.setattr(_variant, 'installed', lambda: _variant.THEANO)
    assert _patched.wanted(_stack.current(numpy=2), _cops) != []
    assert (_patched.wanted(source=_numpy2) != []) is NUMPY2
