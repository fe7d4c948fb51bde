"""The one-pass penalty Op, written once for every Theano-family backend.

``OnePassPenalty{l1}`` is ``sum(|x|)`` and ``OnePassPenalty{l2}`` is
``sum(x ** 2)``, each read in one pass over `x`'s memory, accumulated in
float64 whatever the float dtype of `x`, and returned in that dtype.
``OnePassPenalty{l1_l2}`` has two outputs, both sums from one pass (each
bit for bit what ``l1`` and ``l2`` give): ``l1_l2`` reads its tensor once.

:class:`PenaltyLogic` holds everything but the backend's base class: the
graph methods (``make_node``, gradients, shapes), the Python implementation
(``perform``) and the C implementation. :mod:`lasagne_reg._kernels` mixes it
into each backend's own ``Op``/``COp``.

The C code
----------
A C-contiguous or Fortran-contiguous input (a transposed weight is one) is
one flat block of memory, read straight through in blocks of 2 ** 15
elements: each block's sums are taken alone and the blocks' sums added in
block order. From :data:`PARALLEL_MIN` elements on, the blocks are shared
among threads (``LASAGNE_REG_NUM_THREADS``, else the BLAS's
``OPENBLAS_NUM_THREADS``/``GOTO_NUM_THREADS``/``OMP_NUM_THREADS`` capped at
the CPUs, else the CPUs: affinity mask and cgroup quota); since the blocks
and the order of their sums are fixed, the result is the same bit for bit
whatever the thread count. Anything else (slices, steps, negative strides)
goes through numpy's ``NpyIter``, which coalesces dimensions and flips
negative strides, and each inner run is read contiguously when its stride
allows. The loop keeps 32 independent float64 partial sums: gcc vectorizes
them at the ``-O3`` every backend compiles with, without any reassociation
flag (a single double accumulator is a serial chain gcc may not reorder);
``-ffp-contract=off`` keeps gcc from fusing some squares and sums into FMAs
and not others. float16 is widened with an exact bit conversion, so the Op
needs no ``npymath`` library and no global flag. The backends cache the
compiled code by its version, which includes a checksum of the code: an
edited kernel is compiled afresh, never served from an older cache.
"""
import zlib

import numpy as np

KINDS = ('l1', 'l2', 'l1_l2')
FLOAT_DTYPES = ('float16', 'float32', 'float64')

# elements of a contiguous array from which the C code (and Numba's) reads
# it in several threads (measured: docs/performance.rst)
PARALLEL_MIN = 1 << 22

# elements per float64 chunk in perform(): a bounded temporary
_CHUNK = 1 << 16

# elements per block of a contiguous array (the C code's and Numba's):
# each block's sums are taken alone and the blocks' sums added in order
BLOCK = 1 << 15
# the most threads a kernel uses
MAX_THREADS = 64


def numpy_sums(kind, x):
    """(l1 sum, l2 sum) of the array `x` as Python floats, in float64.

    The reference implementation behind ``perform``; only the sums `kind`
    takes are computed (the other is 0.0), in one pass over `x`: chunks of
    `x` are widened to float64 (a bounded temporary, never a float64 copy
    of all of `x`), made absolute and squared and reduced with numpy's
    pairwise sum (not BLAS ``ddot``, whose threads cost more than they save
    on chunks this size). Each sum is the same whatever else is taken.
    """
    flat = np.ravel(x, order='K')          # a view unless x is strided
    l1 = l2 = 0.0
    take = _SUMS[kind]
    for start in range(0, flat.size, _CHUNK):
        part = flat[start:start + _CHUNK].astype(np.float64)   # a copy
        if 0 in take:
            l1 += float(np.abs(part).sum())
        if 1 in take:
            np.multiply(part, part, out=part)
            l2 += float(part.sum())
    return l1, l2


def numpy_penalty(kind, x):
    """`kind` (``'l1'`` or ``'l2'``) of the array `x` as a Python float,
    accumulated in float64 (see :func:`numpy_sums`)."""
    return numpy_sums(kind, x)[_SUMS[kind][0]]


C_SUPPORT = (r"""
#ifndef LASAGNE_REG_ONEPASS_V2
#define LASAGNE_REG_ONEPASS_V2
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sched.h>
#ifndef __linux__
#include <unistd.h>
#endif

/* IEEE half (as its bits) to double, exactly: every half is a double. */
static inline double lasagne_reg_half(npy_uint16 h)
{
    int exponent = (h >> 10) & 0x1f;
    double mantissa = (double)(h & 0x3ff);
    double value;
    if (exponent == 0)                 /* zero and subnormals */
        value = ldexp(mantissa, -24);
    else if (exponent == 31)           /* inf and nan */
        value = (h & 0x3ff) ? NAN : INFINITY;
    else
        value = ldexp(mantissa + 1024.0, exponent - 25);
    return (h & 0x8000) ? -value : value;
}

#define LASAGNE_REG_LOAD_float16(p) lasagne_reg_half(*(const npy_uint16 *)(p))
#define LASAGNE_REG_LOAD_float32(p) ((double)*(const npy_float32 *)(p))
#define LASAGNE_REG_LOAD_float64(p) (*(const npy_float64 *)(p))
/* which sums a kind takes: bit 1 the l1 sum, bit 2 the l2 sum */
#define LASAGNE_REG_MASK_l1 1
#define LASAGNE_REG_MASK_l2 2
#define LASAGNE_REG_MASK_l1_l2 3
#define LASAGNE_REG_LANES 32
/* elements per block of a contiguous array: each block's sums are taken
   alone and the blocks' sums added in block order */
#define LASAGNE_REG_BLOCK ((npy_intp)@BLOCK@)

/* lasagne_reg_<kind>_<dtype>(x, out, &err): the float64 sums of the terms
   of x (any shape and strides) into out[0] (l1) and out[1] (l2), those the
   kind takes; err is set (with a Python error) on failure. The l1 sum of
   l1_l2 is the l1 sum of l1, bit for bit, and likewise for l2. */
#define LASAGNE_REG_DEFINE(kind, dtype, ctype)                               \
static void lasagne_reg_##kind##_##dtype##_run(const char *p, npy_intp n,   \
                                               double *out)                  \
{                                                                            \
    const int mask = LASAGNE_REG_MASK_##kind;                                \
    const ctype *x = (const ctype *)p;                                       \
    double a1[LASAGNE_REG_LANES] = {0}, a2[LASAGNE_REG_LANES] = {0};         \
    double t1 = 0.0, t2 = 0.0;                                               \
    npy_intp i = 0;                                                          \
    int j;                                                                   \
    for (; i + LASAGNE_REG_LANES <= n; i += LASAGNE_REG_LANES)               \
        for (j = 0; j < LASAGNE_REG_LANES; ++j) {                            \
            double v = LASAGNE_REG_LOAD_##dtype(x + i + j);                  \
            if (mask & 1) a1[j] += fabs(v);                                  \
            if (mask & 2) a2[j] += v * v;                                    \
        }                                                                    \
    for (; i < n; ++i) {                                                     \
        double v = LASAGNE_REG_LOAD_##dtype(x + i);                          \
        if (mask & 1) a1[0] += fabs(v);                                      \
        if (mask & 2) a2[0] += v * v;                                        \
    }                                                                        \
    for (j = 0; j < LASAGNE_REG_LANES; ++j) {                                \
        t1 += a1[j];                                                         \
        t2 += a2[j];                                                         \
    }                                                                        \
    out[0] = t1;                                                             \
    out[1] = t2;                                                             \
}                                                                            \
static void lasagne_reg_##kind##_##dtype##_block(const char *p,             \
                                                 npy_intp b, npy_intp n,     \
                                                 double *out)                \
{                                                                            \
    npy_intp start = b * LASAGNE_REG_BLOCK;                                  \
    npy_intp len = n - start < LASAGNE_REG_BLOCK ? n - start                 \
                                                 : LASAGNE_REG_BLOCK;        \
    lasagne_reg_##kind##_##dtype##_run(p + start * sizeof(ctype), len, out); \
}                                                                            \
LASAGNE_REG_DEFINE_PARALLEL(kind, dtype, ctype)                              \
static void lasagne_reg_##kind##_##dtype##_strided(const char *p,           \
                                                   npy_intp n,               \
                                                   npy_intp stride,          \
                                                   double *out)              \
{                                                                            \
    const int mask = LASAGNE_REG_MASK_##kind;                                \
    double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;                           \
    double b0 = 0.0, b1 = 0.0, b2 = 0.0, b3 = 0.0;                           \
    npy_intp i = 0;                                                          \
    if (stride == (npy_intp)sizeof(ctype)) {                                 \
        lasagne_reg_##kind##_##dtype##_run(p, n, out);                       \
        return;                                                              \
    }                                                                        \
    if (stride == -(npy_intp)sizeof(ctype)) {                                \
        lasagne_reg_##kind##_##dtype##_run(p + (n - 1) * stride, n, out);   \
        return;                                                              \
    }                                                                        \
    for (; i + 4 <= n; i += 4, p += 4 * stride) {                            \
        double v0 = LASAGNE_REG_LOAD_##dtype(p);                             \
        double v1 = LASAGNE_REG_LOAD_##dtype(p + stride);                    \
        double v2 = LASAGNE_REG_LOAD_##dtype(p + 2 * stride);                \
        double v3 = LASAGNE_REG_LOAD_##dtype(p + 3 * stride);                \
        if (mask & 1) {                                                      \
            a0 += fabs(v0); a1 += fabs(v1); a2 += fabs(v2); a3 += fabs(v3); \
        }                                                                    \
        if (mask & 2) {                                                      \
            b0 += v0 * v0; b1 += v1 * v1; b2 += v2 * v2; b3 += v3 * v3;      \
        }                                                                    \
    }                                                                        \
    for (; i < n; ++i, p += stride) {                                        \
        double v = LASAGNE_REG_LOAD_##dtype(p);                              \
        if (mask & 1) a0 += fabs(v);                                         \
        if (mask & 2) b0 += v * v;                                           \
    }                                                                        \
    out[0] = (a0 + a1) + (a2 + a3);                                          \
    out[1] = (b0 + b1) + (b2 + b3);                                          \
}                                                                            \
static void lasagne_reg_##kind##_##dtype(PyArrayObject *x, double *total,   \
                                         int *err)                           \
{                                                                            \
    npy_intp n = PyArray_SIZE(x);                                            \
    NpyIter *it;                                                             \
    NpyIter_IterNextFunc *next;                                              \
    char **data;                                                             \
    npy_intp *stride, *size;                                                 \
    double run[2];                                                           \
    *err = 0;                                                                \
    total[0] = total[1] = 0.0;                                               \
    if (n == 0)                                                              \
        return;                                                              \
    if (PyArray_IS_C_CONTIGUOUS(x) || PyArray_IS_F_CONTIGUOUS(x)) {          \
        if (n <= LASAGNE_REG_BLOCK)                                          \
            lasagne_reg_##kind##_##dtype##_run(PyArray_BYTES(x), n, total); \
        else                                                                 \
            *err = lasagne_reg_##kind##_##dtype##_parallel(                 \
                PyArray_BYTES(x), n, total);                                 \
        return;                                                              \
    }                                                                        \
    it = NpyIter_New(x, NPY_ITER_READONLY | NPY_ITER_EXTERNAL_LOOP           \
                        | NPY_ITER_REFS_OK | NPY_ITER_ZEROSIZE_OK,           \
                     NPY_KEEPORDER, NPY_NO_CASTING, NULL);                   \
    if (it == NULL) {                                                        \
        *err = 1;                                                            \
        return;                                                              \
    }                                                                        \
    next = NpyIter_GetIterNext(it, NULL);                                    \
    if (next == NULL) {                                                      \
        NpyIter_Deallocate(it);                                              \
        *err = 1;                                                            \
        return;                                                              \
    }                                                                        \
    data = NpyIter_GetDataPtrArray(it);                                      \
    stride = NpyIter_GetInnerStrideArray(it);                                \
    size = NpyIter_GetInnerLoopSizePtr(it);                                  \
    do {                                                                     \
        lasagne_reg_##kind##_##dtype##_strided(data[0], *size, stride[0],   \
                                               run);                         \
        total[0] += run[0];                                                  \
        total[1] += run[1];                                                  \
    } while (next(it));                                                      \
    NpyIter_Deallocate(it);                                                  \
}

/* Threads. A contiguous array of n elements is read in blocks of
   LASAGNE_REG_BLOCK elements; each block's sums go to its own slot and the
   slots are added in block order, so the result is the same bit for bit
   whatever the number of threads and whichever thread reads which block.
   From LASAGNE_REG_PARALLEL_MIN elements on, lasagne_reg_num_threads() - 1
   helper threads are started (detached) and every thread, the calling one
   included, claims the next unread block until none is left; the caller
   then waits only for the blocks that helpers are reading (it must: the
   array may be freed once it returns). A helper that the system has not
   run yet finds no block left and touches nothing, so the caller never
   waits for a thread that has not started (joining threads with fixed
   shares was 4-100 times slower on a loaded 2-core machine). */
#define LASAGNE_REG_PARALLEL_MIN ((npy_intp)@PARALLEL_MIN@)
#define LASAGNE_REG_MAX_THREADS @MAX_THREADS@

/* the sums of block b of the n elements at p, into out[0] and out[1] */
typedef void (*lasagne_reg_block_fn)(const char *, npy_intp, npy_intp,
                                     double *);
typedef struct {
    lasagne_reg_block_fn fn;
    const char *p;
    npy_intp n, nb;
    double *part;
    int *done;          /* done[b]: block b's sums are in part (atomic) */
    npy_intp next;      /* the next block to claim (atomic) */
    int refs;           /* threads holding the job (atomic) */
} lasagne_reg_job;

static void lasagne_reg_drain(lasagne_reg_job *job)
{
    for (;;) {
        npy_intp b = __atomic_fetch_add(&job->next, 1, __ATOMIC_ACQ_REL);
        if (b >= job->nb)
            return;
        job->fn(job->p, b, job->n, job->part + 2 * b);
        __atomic_store_n(&job->done[b], 1, __ATOMIC_RELEASE);
    }
}

static void lasagne_reg_release(lasagne_reg_job *job)
{
    if (__atomic_sub_fetch(&job->refs, 1, __ATOMIC_ACQ_REL) == 0) {
        free(job->part);
        free(job->done);
        free(job);
    }
}

static void *lasagne_reg_work(void *arg)
{
    lasagne_reg_drain((lasagne_reg_job *)arg);
    lasagne_reg_release((lasagne_reg_job *)arg);
    return NULL;
}

/* a positive count from an environment variable: 0 if unset or empty,
   -1 if not a positive integer */
static int lasagne_reg_count(const char *value)
{
    char *end;
    long n;
    if (value == NULL || *value == '\0')
        return 0;
    n = strtol(value, &end, 10);
    if (*end != '\0' || n <= 0)
        return -1;
    return n > LASAGNE_REG_MAX_THREADS ? LASAGNE_REG_MAX_THREADS : (int)n;
}

/* CPUs this process may use: its affinity mask, and the cgroup's CPU
   quota (v2 cpu.max, v1 cfs_quota_us / cfs_period_us) rounded up; read
   once */
static int lasagne_reg_cpus(void)
{
    static int cached = 0;
    int n = 1;
    FILE *f;
    long quota = -1, period = 0;
    if (cached > 0)
        return cached;
#ifdef __linux__
    {
        cpu_set_t set;
        CPU_ZERO(&set);
        if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
            n = CPU_COUNT(&set);
    }
    f = fopen("/sys/fs/cgroup/cpu.max", "r");
    if (f != NULL) {
        char word[32];
        if (fscanf(f, "%31s %ld", word, &period) == 2
                && strcmp(word, "max") != 0)
            quota = atol(word);
        fclose(f);
    } else {
        f = fopen("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "r");
        if (f != NULL) {
            if (fscanf(f, "%ld", &quota) != 1)
                quota = -1;
            fclose(f);
            f = fopen("/sys/fs/cgroup/cpu/cpu.cfs_period_us", "r");
            if (f != NULL) {
                if (fscanf(f, "%ld", &period) != 1)
                    period = 0;
                fclose(f);
            }
        }
    }
    if (quota > 0 && period > 0) {
        long c = (quota + period - 1) / period;
        if (c >= 1 && c < n)
            n = (int)c;
    }
#else
    {
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        n = c > 0 ? (int)c : 1;
    }
#endif
    if (n > LASAGNE_REG_MAX_THREADS)
        n = LASAGNE_REG_MAX_THREADS;
    cached = n;
    return n;
}

/* LASAGNE_REG_NUM_THREADS if set (a positive count, as given); else the
   first of OPENBLAS_NUM_THREADS, GOTO_NUM_THREADS, OMP_NUM_THREADS that is
   set, as OpenBLAS reads them, at most the CPUs; else the CPUs */
static int lasagne_reg_num_threads(void)
{
    static const char *names[] = {"OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS",
                                  "OMP_NUM_THREADS"};
    int n = lasagne_reg_count(getenv("LASAGNE_REG_NUM_THREADS")), i;
    int cpus = lasagne_reg_cpus();
    if (n > 0)
        return n;
    for (i = 0; i < 3; ++i) {
        n = lasagne_reg_count(getenv(names[i]));
        if (n > 0)
            return n < cpus ? n : cpus;
        if (n < 0)          /* set but not a count: OpenBLAS ignores it */
            break;
    }
    return cpus;
}

static int lasagne_reg_sum_blocks(lasagne_reg_block_fn fn, const char *p,
                                  npy_intp n, double *total)
{
    npy_intp nb = (n + LASAGNE_REG_BLOCK - 1) / LASAGNE_REG_BLOCK, b;
    int threads = 1, t;
    lasagne_reg_job *job = (lasagne_reg_job *)malloc(sizeof(*job));
    double *part = (double *)malloc(2 * nb * sizeof(double));
    int *done = (int *)calloc(nb, sizeof(int));
    if (job == NULL || part == NULL || done == NULL) {
        free(job);
        free(part);
        free(done);
        PyErr_NoMemory();
        return 1;
    }
    job->fn = fn;
    job->p = p;
    job->n = n;
    job->nb = nb;
    job->part = part;
    job->done = done;
    job->next = 0;
    job->refs = 1;
    if (n >= LASAGNE_REG_PARALLEL_MIN) {
        threads = lasagne_reg_num_threads();
        if (threads > nb)
            threads = (int)nb;
    }
    if (threads > 1) {
        pthread_attr_t attr;
        if (pthread_attr_init(&attr) == 0) {
            pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
            for (t = 1; t < threads; ++t) {
                pthread_t id;
                __atomic_add_fetch(&job->refs, 1, __ATOMIC_ACQ_REL);
                if (pthread_create(&id, &attr, lasagne_reg_work, job) != 0) {
                    __atomic_sub_fetch(&job->refs, 1, __ATOMIC_ACQ_REL);
                    break;      /* fewer helpers: the same blocks, sums */
                }
            }
            pthread_attr_destroy(&attr);
        }
    }
    lasagne_reg_drain(job);
    for (b = 0; b < nb; ++b) {
        while (!__atomic_load_n(&done[b], __ATOMIC_ACQUIRE))
            sched_yield();     /* a helper is reading block b */
        total[0] += part[2 * b];
        total[1] += part[2 * b + 1];
    }
    lasagne_reg_release(job);
    return 0;
}

#define LASAGNE_REG_DEFINE_PARALLEL(kind, dtype, ctype)                      \
static int lasagne_reg_##kind##_##dtype##_parallel(const char *p,           \
                                                   npy_intp n,               \
                                                   double *total)            \
{                                                                            \
    return lasagne_reg_sum_blocks(lasagne_reg_##kind##_##dtype##_block,      \
                                  p, n, total);                              \
}

#define LASAGNE_REG_DEFINE_ALL(kind)                                         \
    LASAGNE_REG_DEFINE(kind, float16, npy_uint16)                            \
    LASAGNE_REG_DEFINE(kind, float32, npy_float32)                           \
    LASAGNE_REG_DEFINE(kind, float64, npy_float64)
LASAGNE_REG_DEFINE_ALL(l1)
LASAGNE_REG_DEFINE_ALL(l2)
LASAGNE_REG_DEFINE_ALL(l1_l2)
#endif
""").replace('@PARALLEL_MIN@', str(PARALLEL_MIN)).replace(
    '@BLOCK@', str(BLOCK)).replace('@MAX_THREADS@', str(MAX_THREADS))

# how a float64 sum becomes an output's dtype; float16 goes through
# numpy's own double -> half conversion (correct rounding, once per call)
_C_STORE = {
    'float32': "*(npy_float32 *)PyArray_DATA(%(z)s) = (npy_float32)%(sum)s;",
    'float64': "*(npy_float64 *)PyArray_DATA(%(z)s) = %(sum)s;",
    'float16': """
        PyObject *boxed = PyFloat_FromDouble(%(sum)s);
        int failed = boxed == NULL
            || PyArray_SETITEM(%(z)s, PyArray_BYTES(%(z)s), boxed) < 0;
        Py_XDECREF(boxed);
        if (failed) {
            %(fail)s
        }""",
}

_C_CODE = """
{
    int err = 0;
    double total[2];
    lasagne_reg_%(kind)s_%(dtype)s(%(x)s, total, &err);
    if (err) {
        %(fail)s
    }
%(outputs)s
}
"""

# one output: the scalar %(z)s made (or reused) and the sum stored in it
_C_OUTPUT = """
    if (%(z)s == NULL || PyArray_NDIM(%(z)s) != 0
            || PyArray_TYPE(%(z)s) != %(typenum)s) {
        Py_XDECREF(%(z)s);
        %(z)s = (PyArrayObject *)PyArray_EMPTY(0, NULL, %(typenum)s, 0);
        if (%(z)s == NULL) {
            %(fail)s
        }
    }
    {
        %(store)s
    }
"""

# the sums (total[0]: l1, total[1]: l2) each kind outputs, in order
_SUMS = {'l1': (0,), 'l2': (1,), 'l1_l2': (0, 1)}

# the names c_code() fills in where only its text is wanted (its checksum)
_PLACEHOLDERS = ('node', ['x'], ['z', 'w'], {'fail': 'fail'})

_TYPENUM = {'float16': 'NPY_FLOAT16', 'float32': 'NPY_FLOAT32',
            'float64': 'NPY_FLOAT64'}


def _is_disconnected(g):
    return g is None or type(g.type).__name__ in ('DisconnectedType',
                                                 'NullType')


class PenaltyLogic:
    """The backend-independent half of the one-pass penalty Op.

    A backend's class is ``type(name, (PenaltyLogic, BackendCOp), ns)``
    with ``ns`` giving ``_T`` (the backend's tensor module) and ``_Apply``.
    ``l1`` and ``l2`` have one output; ``l1_l2`` has two, the l1 sum and
    the l2 sum of one read, each bit for bit what ``l1`` and ``l2`` give.
    """

    __props__ = ('kind',)

    def __init__(self, kind):
        if kind not in KINDS:
            raise ValueError('kind: expected one of %s, got %r'
                             % (', '.join(KINDS), kind))
        self.kind = kind
        super().__init__()

    def __str__(self):
        return 'OnePassPenalty{%s}' % self.kind

    # -- graph ---------------------------------------------------------------

    def make_node(self, x):
        x = self._T.as_tensor_variable(x)
        if x.dtype not in FLOAT_DTYPES:
            raise TypeError('%s: expected a float16, float32 or float64 '
                            'tensor, got %s' % (self, x.dtype))
        outs = [self._T.scalar(dtype=x.dtype).type()
                for _ in _SUMS[self.kind]]
        return self._Apply(self, [x], outs)

    def infer_shape(self, *args):
        # (node, input_shapes) in Theano and Aesara, (fgraph, node, shapes)
        # in PyTensor: scalars either way
        return [()] * len(_SUMS[self.kind])

    def gradient(self, x, g):
        """d penalty / dx times the output gradients `g` (a list, one per
        output, None or disconnected where an output is unused), from
        ordinary ops, so second derivatives, Rop and hessian see ordinary
        graphs. An undefined (NullType) output gradient is left to the
        backend, whose ``grad`` then raises its NullTypeGradError."""
        terms = []
        for which, gi in zip(_SUMS[self.kind], g):
            if _is_disconnected(gi):
                continue
            if which == 1:
                terms.append(x * (gi * np.asarray(2, dtype=x.dtype)))
            else:
                terms.append(self._sign(x) * gi)
        if not terms:
            return x.zeros_like()
        total = terms[0]
        for term in terms[1:]:
            total = total + term
        return total

    def pushforward_of(self, x, v):
        """The directional derivatives of the outputs at `x` along `v`."""
        T = self._T
        outs = []
        for which in _SUMS[self.kind]:
            if which == 1:
                outs.append(T.sum(x * v) * np.asarray(2, dtype=x.dtype))
            else:
                outs.append(T.sum(self._sign(x) * v))
        return outs

    def _sign(self, x):
        # PyTensor 3 deprecates sgn for sign; Theano and Aesara have only sgn
        sign = getattr(self._T, 'sign', None) or self._T.sgn
        return sign(x)

    # Theano and Aesara call these two; PyTensor's adapter maps its
    # pullback/pushforward onto the same methods.
    def grad(self, inputs, output_grads):
        return [self.gradient(inputs[0], list(output_grads))]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None] * len(_SUMS[self.kind])
        return self.pushforward_of(inputs[0], eval_points[0])

    # -- Python --------------------------------------------------------------

    def perform(self, node, inputs, output_storage, *args):
        sums = numpy_sums(self.kind, inputs[0])
        # a total beyond the dtype's range is inf, silently, as in C
        with np.errstate(over='ignore'):
            for which, storage, out in zip(_SUMS[self.kind], output_storage,
                                           node.outputs):
                storage[0] = np.asarray(sums[which], dtype=out.dtype)

    # -- C -------------------------------------------------------------------

    def c_headers(self, **kwargs):
        return ['<math.h>', '<stdio.h>', '<stdlib.h>', '<string.h>',
                '<pthread.h>']

    def c_libraries(self, **kwargs):
        return ['pthread']

    def c_compile_args(self, **kwargs):
        # no fused multiply-add: gcc contracts v * v + acc into an FMA in
        # some loops and not in others, and the l2 sum of l1_l2 would then
        # differ in its last bit from l2's (float64 input)
        return ['-ffp-contract=off']

    def c_support_code(self, **kwargs):
        return C_SUPPORT

    def c_code(self, node, name, inputs, outputs, sub):
        dtype = node.inputs[0].dtype
        parts = []
        for which, z in zip(_SUMS[self.kind], outputs):
            values = dict(z=z, fail=sub['fail'], typenum=_TYPENUM[dtype],
                          sum='total[%d]' % which)
            values['store'] = _C_STORE[dtype] % values
            parts.append(_C_OUTPUT % values)
        return _C_CODE % dict(kind=self.kind, dtype=dtype, x=inputs[0],
                              fail=sub['fail'], outputs=''.join(parts))

    def c_code_cache_version(self):
        return (2,)

    def c_code_cache_version_apply(self, node):
        # the backends find a compiled module by this version and never read
        # the C code again: a checksum of the code makes an edited kernel
        # (one whose version was not bumped) compile afresh instead of
        # running the old one from the cache
        text = C_SUPPORT + str(self.c_headers()) + self.c_code(
            node, *_PLACEHOLDERS)
        return self.c_code_cache_version() + (zlib.crc32(text.encode()),)
