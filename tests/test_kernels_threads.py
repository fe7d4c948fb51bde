"""The C and Numba kernels give the same bits whatever their thread count.

Above ``_onepass.PARALLEL_MIN`` elements a contiguous tensor is read in
several threads; its blocks' sums are added in block order, so 1, 2, 3 or 7
threads (``LASAGNE_REG_NUM_THREADS``, read on every call) must give the same
bits, and that value must be numpy's float64 sum. Checked on compiled
graphs of the C linker (Theano and Aesara C, PyTensor's CVM), and of
PyTensor's Numba mode, whose threads are Numba's: as many as
``LASAGNE_REG_NUM_THREADS`` asks, else where they pay (see
``_pytensor.numba_threads_pay``) as many as the C code's rule gives, else
one; at most Numba's own count (``numba.set_num_threads``).
"""
import numpy as np
import pytest

from lasagne_reg import _kernels
from lasagne_reg import regularization as reg
from lasagne_reg._kernels import _onepass
from tests._support import BACKEND, last_json, run_python
from tests.test_kernels import matrix, vector

pytestmark = [pytest.mark.backends]

C_MODE = {'theano': 'FAST_RUN', 'aesara': 'FAST_RUN'}.get(BACKEND)
THREADS = ['1', '2', '3', '7']


def _c_function(bk, inputs, outputs):
    mode = C_MODE or bk.Mode(linker='cvm')
    return bk.function(inputs, outputs, mode=mode)


def _bits(values):
    return [np.asarray(v).tobytes() for v in values]


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_same_bits_whatever_the_thread_count(bk, monkeypatch, dtype):
    # more than the threshold, not a whole number of blocks, a mean far
    # from zero (a sum in another order would differ in its last bits)
    n = _onepass.PARALLEL_MIN + 3 * 2 ** 15 + 11
    rng = np.random.default_rng(20)
    a = (rng.standard_normal(n) + 2).astype(dtype)
    side = 1024
    rows = (n // side) + 1
    b = (rng.standard_normal((rows, side)) - 1).astype(dtype)
    x, m = vector(bk, dtype), matrix(bk, dtype)
    outputs = [reg.l1(x), reg.l2(x)] + list(_kernels.l1_and_l2(x)) + \
        [reg.l2(m.T), reg.l1(m)]
    f = _c_function(bk, [x, m], outputs)
    results = {}
    for threads in THREADS:
        monkeypatch.setenv('LASAGNE_REG_NUM_THREADS', threads)
        results[threads] = _bits(f(a, b))
    for threads in THREADS[1:]:
        assert results[threads] == results['1'], threads
    got = [np.frombuffer(r, dtype=dtype)[0] for r in results['1']]
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    want = [np.abs(a64).sum(), np.dot(a64, a64), np.abs(a64).sum(),
            np.dot(a64, a64), (b64 * b64).sum(), np.abs(b64).sum()]
    rtol = 1e-13 if dtype == 'float64' else 1e-7
    np.testing.assert_allclose(got, want, rtol=rtol)
    # l1_l2's sums are l1's and l2's, bit for bit
    assert results['1'][2:4] == results['1'][:2]


def test_blas_thread_variables_give_the_same_bits(bk, monkeypatch):
    n = _onepass.PARALLEL_MIN + 5
    a = (np.random.default_rng(21).standard_normal(n) + 1).astype('float32')
    x = vector(bk, 'float32')
    f = _c_function(bk, [x], [reg.l2(x), reg.l1(x)])
    monkeypatch.delenv('LASAGNE_REG_NUM_THREADS', raising=False)
    seen = []
    for name, value in [('OPENBLAS_NUM_THREADS', '1'),
                        ('OPENBLAS_NUM_THREADS', '2'),
                        ('OMP_NUM_THREADS', '3'),
                        ('OPENBLAS_NUM_THREADS', 'many')]:
        for other in ('OPENBLAS_NUM_THREADS', 'GOTO_NUM_THREADS',
                      'OMP_NUM_THREADS'):
            monkeypatch.delenv(other, raising=False)
        monkeypatch.setenv(name, value)
        seen.append(_bits(f(a)))
    assert all(s == seen[0] for s in seen)
    a64 = a.astype(np.float64)
    np.testing.assert_allclose(
        [np.frombuffer(s, dtype='float32')[0] for s in seen[0]],
        [np.dot(a64, a64), np.abs(a64).sum()], rtol=1e-7)


if BACKEND == 'pytensor':      # collected on PyTensor only: nothing skipped
    @pytest.mark.parametrize('dtype', ['float32', 'float64'])
    def test_numba_gives_the_same_bits_whatever_the_thread_count(bk, dtype,
                                                                 monkeypatch):
        # Numba mode reads the blocks in Numba's own threads (prange), as many
        # as asked, at most Numba's count (numba.set_num_threads), the order of
        # the sums fixed
        numba = _numba_with_threads()
        most = numba.config.NUMBA_NUM_THREADS
        n = _onepass.PARALLEL_MIN + 3 * _onepass.BLOCK + 11
        rng = np.random.default_rng(22)
        a = (rng.standard_normal(n) + 2).astype(dtype)
        b = (rng.standard_normal((n // 1024 + 1, 1024)) - 1).astype(dtype)
        x, m = vector(bk, dtype), matrix(bk, dtype)
        outputs = [reg.l1(x), reg.l2(x)] + list(_kernels.l1_and_l2(x)) + \
            [reg.l2(m.T), reg.l1(m), reg.l2(x[:1000])]
        f = bk.function([x, m], outputs, mode='NUMBA')
        before = numba.get_num_threads()
        results = {}
        try:
            for threads in sorted({1, 2, most}):
                numba.set_num_threads(threads)
                monkeypatch.setenv('LASAGNE_REG_NUM_THREADS', str(threads))
                results[threads] = _bits(f(a, b))
        finally:
            numba.set_num_threads(before)
        assert all(r == results[1] for r in results.values())
        got = [np.frombuffer(r, dtype=dtype)[0] for r in results[1]]
        a64, b64 = a.astype(np.float64), b.astype(np.float64)
        want = [np.abs(a64).sum(), np.dot(a64, a64), np.abs(a64).sum(),
                np.dot(a64, a64), (b64 * b64).sum(), np.abs(b64).sum(),
                np.dot(a64[:1000], a64[:1000])]
        rtol = 1e-13 if dtype == 'float64' else 1e-7
        np.testing.assert_allclose(got, want, rtol=rtol)
        assert results[1][2:4] == results[1][:2]


    # -- how many threads Numba mode takes ------------------------------------

    VARIABLES = ('LASAGNE_REG_NUM_THREADS', 'OPENBLAS_NUM_THREADS',
                 'GOTO_NUM_THREADS', 'OMP_NUM_THREADS')
    # (variables set, threads taken where threads pay): 'all' is Numba's count
    NUMBA_RULE = [
        ({}, 'all'),
        ({'OPENBLAS_NUM_THREADS': '1'}, 1),
        ({'GOTO_NUM_THREADS': '1'}, 1),
        ({'OMP_NUM_THREADS': '1'}, 1),
        ({'OPENBLAS_NUM_THREADS': '1', 'OMP_NUM_THREADS': '2'}, 1),
        ({'OPENBLAS_NUM_THREADS': '', 'OMP_NUM_THREADS': '1'}, 1),
        ({'OPENBLAS_NUM_THREADS': '2x', 'OMP_NUM_THREADS': '1'}, 'all'),
        ({'OPENBLAS_NUM_THREADS': '0', 'OMP_NUM_THREADS': '1'}, 'all'),
        ({'OPENBLAS_NUM_THREADS': ' 1'}, 1),           # strtol skips spaces
        ({'LASAGNE_REG_NUM_THREADS': '1', 'OPENBLAS_NUM_THREADS': '2'}, 1),
        ({'LASAGNE_REG_NUM_THREADS': 'x', 'GOTO_NUM_THREADS': '1'}, 1),
        ({'LASAGNE_REG_NUM_THREADS': '1000'}, 'all'),  # at most Numba's count
        ({'OPENBLAS_NUM_THREADS': '99999999999999999999'}, 'all'),
    ]


    def _numba_with_threads():
        numba = pytest.importorskip('numba')
        if numba.get_num_threads() < 2:
            pytest.fail('Numba has %d thread: one thread cannot show what '
                        'several do' % numba.get_num_threads())
        return numba


    @pytest.mark.parametrize('variables, want', NUMBA_RULE,
                             ids=[repr(v) for v, _ in NUMBA_RULE])
    def test_numba_takes_as_many_threads_as_the_c_code(monkeypatch, variables,
                                                        want):
        numba = _numba_with_threads()
        from lasagne_reg._kernels import _pytensor
        for name in VARIABLES:
            monkeypatch.delenv(name, raising=False)
        for name, value in variables.items():
            monkeypatch.setenv(name, value)     # read on every call
        most = numba.get_num_threads()
        pays = _pytensor.numba_thread_count(True)
        assert pays() == (most if want == 'all' else want)
        # where threads do not pay: one, unless LASAGNE_REG_NUM_THREADS asks
        asked = variables.get('LASAGNE_REG_NUM_THREADS', '')
        unasked = _pytensor.numba_thread_count(False)
        assert unasked() == (pays() if asked.isdigit() and int(asked) else 1)
        try:
            numba.set_num_threads(1)            # Numba's own count caps it
            assert pays() == 1 and unasked() == 1
        finally:
            numba.set_num_threads(most)


    @pytest.mark.parametrize('policy, passive', [
        (None, False), ('', False), ('active', False), ('passive', True),
        (' PASSIVE ', True)])
    def test_numba_threads_pay_only_where_they_do_not_spin(monkeypatch, policy,
                                                           passive):
        numba = pytest.importorskip('numba')
        from lasagne_reg._kernels import _pytensor
        if policy is None:
            monkeypatch.delenv('OMP_WAIT_POLICY', raising=False)
        else:
            monkeypatch.setenv('OMP_WAIT_POLICY', policy)
        pays = _pytensor.numba_threads_pay()
        assert pays == (passive and numba.threading_layer() == 'omp')
        # the default count follows
        monkeypatch.delenv('LASAGNE_REG_NUM_THREADS', raising=False)
        monkeypatch.setenv('OPENBLAS_NUM_THREADS', '2')
        want = min(2, numba.get_num_threads()) if pays else 1
        assert _pytensor.numba_thread_count()() == want


    def test_numba_leaves_the_callers_thread_count_as_it_was(bk, monkeypatch):
        numba = _numba_with_threads()
        x = vector(bk, 'float32')
        f = bk.function([x], reg.l2(x), mode='NUMBA')
        a = np.ones(_onepass.PARALLEL_MIN, dtype='float32')
        before = numba.get_num_threads()
        try:
            for own, blas in [(before, '1'), (1, None), (before, None)]:
                numba.set_num_threads(own)
                if blas is None:
                    monkeypatch.delenv('OPENBLAS_NUM_THREADS', raising=False)
                else:
                    monkeypatch.setenv('OPENBLAS_NUM_THREADS', blas)
                assert f(a) == a.size
                assert numba.get_num_threads() == own
        finally:
            numba.set_num_threads(before)


    PARALLEL_CHILD = """
    import json
    import numpy as np
    import numba
    import pytensor
    from lasagne_reg import regularization as reg
    from lasagne_reg._kernels import _onepass
    x = pytensor.shared(np.ones(_onepass.PARALLEL_MIN + 3, dtype='float32'))
    f = pytensor.function([], [reg.l2(x), reg.l1(x[::2])], mode='NUMBA')
    print(json.dumps({'values': [float(v) for v in f()],
                      'layer': numba.threading_layer()}))
    """


    @pytest.mark.slow
    def test_numba_kernel_runs_from_pytensors_disk_cache(tmp_path):
        # The first process compiles and caches the graph function, the second
        # loads it: its parallel loop and thread-count calls need Numba's
        # threading layer, which loading alone may not start (a segmentation
        # fault once, with a cache the test suite had filled).
        numba = _numba_with_threads()
        env = {'NUMBA_NUM_THREADS': str(numba.config.NUMBA_NUM_THREADS),
               'PYTENSOR_FLAGS': 'base_compiledir=%s' % tmp_path}
        n = _onepass.PARALLEL_MIN + 3
        for run in ('compiles', 'loads'):
            got = last_json(run_python(code=PARALLEL_CHILD, env=env))
            assert got['values'] == [n, (n + 1) // 2], run
            assert got['layer'] in ('omp', 'tbb', 'workqueue'), run
        assert list(tmp_path.glob('numba/*.nbi')), 'nothing was cached'
