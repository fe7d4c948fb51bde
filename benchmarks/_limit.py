"""The limit a penalty kernel is compared with: the fastest plain read.

A penalty reads every element of its tensor once. The fastest that this
machine reads the same array, in the same process, is the best of:

numpy.vdot
    ``numpy.vdot(a, a)`` on the installed numpy (its own BLAS).
blas sdot / blas ddot
    the dot of the BLAS Theano links (``scipy-openblas32``'s
    ``cblas_sdot``/``cblas_ddot``, called through ctypes), where that
    package is installed; its own thread count (OPENBLAS_NUM_THREADS).
threads xN
    ``numpy.vdot`` of N contiguous pieces of the array in N Python threads
    (numpy releases the GIL in ``vdot``), N the CPUs this process may use,
    where that is more than one.

:func:`reads` gives those candidates for an array; :func:`fastest` times them
in interleaved rounds (``_timing.interleave``) and says which won. None of
them accumulates in float64 (a float32 BLAS dot is about 1e-4 off at 16M
elements): they are the speed to reach, not the accuracy.
"""
import concurrent.futures
import ctypes
import importlib.metadata
import importlib.util
import os

import _timing
import numpy as np

__all__ = ['reads', 'fastest', 'cpus']


def cpus():
    """CPUs this process may run on (its affinity mask)."""
    if hasattr(os, 'sched_getaffinity'):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _blas_library():
    """(ctypes library, description) of scipy-openblas32, or (None, why)."""
    spec = importlib.util.find_spec('scipy_openblas32')
    if spec is None or not spec.submodule_search_locations:
        return None, 'scipy-openblas32 is not installed'
    lib_dir = os.path.join(list(spec.submodule_search_locations)[0], 'lib')
    path = os.path.join(lib_dir, 'libscipy_openblas.so')
    if not os.path.isfile(path):
        return None, '%s is missing' % path
    try:
        lib = ctypes.CDLL(path)
    except OSError as exc:
        return None, 'cannot load %s: %s' % (path, exc)
    try:
        version = importlib.metadata.version('scipy-openblas32')
    except Exception:          # noqa: B902 - only a label
        version = '?'
    return lib, 'scipy-openblas32 %s, %d threads' % (
        version, lib.scipy_openblas_get_num_threads())


def _blas_dot(lib, a):
    """A callable computing the BLAS dot of the contiguous `a` with itself."""
    if a.dtype == np.float32:
        fn, ctype, rtype = lib.scipy_cblas_sdot, ctypes.c_float, \
            ctypes.c_float
    elif a.dtype == np.float64:
        fn, ctype, rtype = lib.scipy_cblas_ddot, ctypes.c_double, \
            ctypes.c_double
    else:
        return None
    if a.size >= 2 ** 31:        # 32-bit BLAS integers
        return None
    fn.restype = rtype
    fn.argtypes = [ctypes.c_int, ctypes.POINTER(ctype), ctypes.c_int,
                   ctypes.POINTER(ctype), ctypes.c_int]
    ptr = a.ctypes.data_as(ctypes.POINTER(ctype))
    n = int(a.size)
    return lambda: fn(n, ptr, 1, ptr, 1)


def reads(a):
    """{name: (callable, note)}: the plain reads of the contiguous `a`."""
    flat = a.reshape(-1)                  # a view: `a` is contiguous
    found = {'numpy.vdot': (lambda: np.vdot(flat, flat),
                            'numpy %s' % np.__version__)}
    lib, note = _blas_library()
    if lib is not None:
        dot = _blas_dot(lib, flat)
        if dot is not None:
            name = 'blas %sdot' % ('s' if a.dtype == np.float32 else 'd')
            found[name] = (dot, note)
    n = cpus()
    if n > 1 and flat.size >= n:
        pieces = np.array_split(flat, n)
        pool = concurrent.futures.ThreadPoolExecutor(n)

        def threaded():
            return sum(pool.map(lambda p: np.vdot(p, p), pieces))
        found['threads x%d' % n] = (threaded,
                                    'numpy.vdot in %d threads' % n)
    return found


def fastest(a, rounds=9, max_time=20.0):
    """(name, callable, note, {name: median seconds}) of the fastest read.

    The candidates of :func:`reads` are timed in `rounds` interleaved
    rounds (each a median of its own calls); the one with the smallest
    median wins.
    """
    found = reads(a)
    times = _timing.interleave({k: v[0] for k, v in found.items()}, rounds,
                               max_time=max_time)
    medians = {k: float(np.median(v)) for k, v in times.items()
               if k not in times.errors and v}
    best = min(medians, key=medians.get)
    return best, found[best][0], found[best][1], medians
