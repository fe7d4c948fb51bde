"""The one-pass penalty Op, written once for every Theano-family backend.

``OnePassPenalty{l1}`` is ``sum(|x|)`` and ``OnePassPenalty{l2}`` is
``sum(x ** 2)``, each read in one pass over `x`'s memory, accumulated in
float64 whatever the float dtype of `x`, and returned in that dtype.

:class:`PenaltyLogic` holds everything but the backend's base class: the
graph methods (``make_node``, gradients, shapes), the Python implementation
(``perform``) and the C implementation. :mod:`lasagne_reg._kernels` mixes it
into each backend's own ``Op``/``COp``.

The C code
----------
A C-contiguous or Fortran-contiguous input (a transposed weight is one) is
one flat block: the order of a sum does not matter, so it is read straight
through. Anything else (slices, steps, negative strides) goes through
numpy's ``NpyIter``, which coalesces dimensions and flips negative strides,
and each inner run is read contiguously when its stride allows. The loop
keeps 16 independent float64 partial sums: gcc vectorizes them at the
``-O3`` every backend compiles with, without any reassociation flag
(a single double accumulator is a serial chain gcc may not reorder).
float16 is widened with an exact bit conversion, so the Op needs no
``npymath`` library and no global flag. The backends cache the compiled
code by its version, which includes a checksum of the code: an edited
kernel is compiled afresh, never served from an older cache.
"""
import zlib

import numpy as np

KINDS = ('l1', 'l2')
FLOAT_DTYPES = ('float16', 'float32', 'float64')

# elements per float64 chunk in perform(): a bounded temporary
_CHUNK = 1 << 16


def numpy_penalty(kind, x):
    """`kind` of the array `x` as a Python float, accumulated in float64.

    The reference implementation behind ``perform``: chunks of `x` are
    widened to float64 (a bounded temporary, never a float64 copy of all of
    `x`), squared or made absolute in place and reduced with numpy's
    pairwise sum (not BLAS ``ddot``, whose threads cost more than they save
    on chunks this size).
    """
    flat = np.ravel(x, order='K')          # a view unless x is strided
    total = 0.0
    for start in range(0, flat.size, _CHUNK):
        part = flat[start:start + _CHUNK].astype(np.float64)   # a copy
        if kind == 'l2':
            np.multiply(part, part, out=part)
        else:
            np.abs(part, out=part)
        total += float(part.sum())
    return total


C_SUPPORT = r"""
#ifndef LASAGNE_REG_ONEPASS_V1
#define LASAGNE_REG_ONEPASS_V1
#include <math.h>
#include <string.h>

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
#define LASAGNE_REG_TERM_l1(v) fabs(v)
#define LASAGNE_REG_TERM_l2(v) ((v) * (v))
#define LASAGNE_REG_LANES 16

/* lasagne_reg_<kind>_<dtype>(x, &err): the float64 sum of the terms of x,
   any shape and strides; err is set (with a Python error) on failure. */
#define LASAGNE_REG_DEFINE(kind, dtype, ctype)                               \
static double lasagne_reg_##kind##_##dtype##_run(const char *p, npy_intp n) \
{                                                                            \
    const ctype *x = (const ctype *)p;                                       \
    double acc[LASAGNE_REG_LANES] = {0};                                     \
    double total = 0.0;                                                      \
    npy_intp i = 0;                                                          \
    int j;                                                                   \
    for (; i + LASAGNE_REG_LANES <= n; i += LASAGNE_REG_LANES)               \
        for (j = 0; j < LASAGNE_REG_LANES; ++j) {                            \
            double v = LASAGNE_REG_LOAD_##dtype(x + i + j);                  \
            acc[j] += LASAGNE_REG_TERM_##kind(v);                            \
        }                                                                    \
    for (; i < n; ++i) {                                                     \
        double v = LASAGNE_REG_LOAD_##dtype(x + i);                          \
        acc[0] += LASAGNE_REG_TERM_##kind(v);                                \
    }                                                                        \
    for (j = 0; j < LASAGNE_REG_LANES; ++j)                                  \
        total += acc[j];                                                     \
    return total;                                                            \
}                                                                            \
static double lasagne_reg_##kind##_##dtype##_strided(const char *p,         \
                                                     npy_intp n,             \
                                                     npy_intp stride)        \
{                                                                            \
    double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;                           \
    npy_intp i = 0;                                                          \
    if (stride == (npy_intp)sizeof(ctype))                                   \
        return lasagne_reg_##kind##_##dtype##_run(p, n);                     \
    if (stride == -(npy_intp)sizeof(ctype))                                  \
        return lasagne_reg_##kind##_##dtype##_run(p + (n - 1) * stride, n); \
    for (; i + 4 <= n; i += 4, p += 4 * stride) {                            \
        double v0 = LASAGNE_REG_LOAD_##dtype(p);                             \
        double v1 = LASAGNE_REG_LOAD_##dtype(p + stride);                    \
        double v2 = LASAGNE_REG_LOAD_##dtype(p + 2 * stride);                \
        double v3 = LASAGNE_REG_LOAD_##dtype(p + 3 * stride);                \
        a0 += LASAGNE_REG_TERM_##kind(v0);                                   \
        a1 += LASAGNE_REG_TERM_##kind(v1);                                   \
        a2 += LASAGNE_REG_TERM_##kind(v2);                                   \
        a3 += LASAGNE_REG_TERM_##kind(v3);                                   \
    }                                                                        \
    for (; i < n; ++i, p += stride) {                                        \
        double v = LASAGNE_REG_LOAD_##dtype(p);                              \
        a0 += LASAGNE_REG_TERM_##kind(v);                                    \
    }                                                                        \
    return (a0 + a1) + (a2 + a3);                                            \
}                                                                            \
static double lasagne_reg_##kind##_##dtype(PyArrayObject *x, int *err)      \
{                                                                            \
    npy_intp n = PyArray_SIZE(x);                                            \
    NpyIter *it;                                                             \
    NpyIter_IterNextFunc *next;                                              \
    char **data;                                                             \
    npy_intp *stride, *size;                                                 \
    double total = 0.0;                                                      \
    *err = 0;                                                                \
    if (n == 0)                                                              \
        return 0.0;                                                          \
    if (PyArray_IS_C_CONTIGUOUS(x) || PyArray_IS_F_CONTIGUOUS(x))            \
        return lasagne_reg_##kind##_##dtype##_run(PyArray_BYTES(x), n);      \
    it = NpyIter_New(x, NPY_ITER_READONLY | NPY_ITER_EXTERNAL_LOOP           \
                        | NPY_ITER_REFS_OK | NPY_ITER_ZEROSIZE_OK,           \
                     NPY_KEEPORDER, NPY_NO_CASTING, NULL);                   \
    if (it == NULL) {                                                        \
        *err = 1;                                                            \
        return 0.0;                                                          \
    }                                                                        \
    next = NpyIter_GetIterNext(it, NULL);                                    \
    if (next == NULL) {                                                      \
        NpyIter_Deallocate(it);                                              \
        *err = 1;                                                            \
        return 0.0;                                                          \
    }                                                                        \
    data = NpyIter_GetDataPtrArray(it);                                      \
    stride = NpyIter_GetInnerStrideArray(it);                                \
    size = NpyIter_GetInnerLoopSizePtr(it);                                  \
    do {                                                                     \
        total += lasagne_reg_##kind##_##dtype##_strided(data[0], *size,      \
                                                        stride[0]);          \
    } while (next(it));                                                      \
    NpyIter_Deallocate(it);                                                  \
    return total;                                                            \
}

LASAGNE_REG_DEFINE(l1, float16, npy_uint16)
LASAGNE_REG_DEFINE(l2, float16, npy_uint16)
LASAGNE_REG_DEFINE(l1, float32, npy_float32)
LASAGNE_REG_DEFINE(l2, float32, npy_float32)
LASAGNE_REG_DEFINE(l1, float64, npy_float64)
LASAGNE_REG_DEFINE(l2, float64, npy_float64)
#endif
"""

# how the float64 total becomes the output's dtype; float16 goes through
# numpy's own double -> half conversion (correct rounding, once per call)
_C_STORE = {
    'float32': "*(npy_float32 *)PyArray_DATA(%(z)s) = (npy_float32)total;",
    'float64': "*(npy_float64 *)PyArray_DATA(%(z)s) = total;",
    'float16': """
        PyObject *boxed = PyFloat_FromDouble(total);
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
    double total = lasagne_reg_%(kind)s_%(dtype)s(%(x)s, &err);
    if (err) {
        %(fail)s
    }
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
}
"""

# the names c_code() fills in where only its text is wanted (its checksum)
_PLACEHOLDERS = ('node', ['x'], ['z'], {'fail': 'fail'})

_TYPENUM = {'float16': 'NPY_FLOAT16', 'float32': 'NPY_FLOAT32',
            'float64': 'NPY_FLOAT64'}


class PenaltyLogic:
    """The backend-independent half of the one-pass penalty Op.

    A backend's class is ``type(name, (PenaltyLogic, BackendCOp), ns)``
    with ``ns`` giving ``_T`` (the backend's tensor module) and ``_Apply``.
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
        out = self._T.scalar(dtype=x.dtype).type()
        return self._Apply(self, [x], [out])

    def infer_shape(self, *args):
        # (node, input_shapes) in Theano and Aesara, (fgraph, node, shapes)
        # in PyTensor: a scalar either way
        return [()]

    def gradient(self, x, g):
        """d penalty / dx times the output gradient `g`, from ordinary ops,
        so second derivatives, Rop and hessian see ordinary graphs."""
        if self.kind == 'l2':
            return x * (g * np.asarray(2, dtype=x.dtype))
        return self._sign(x) * g

    def pushforward_of(self, x, v):
        """The directional derivative of the penalty at `x` along `v`."""
        T = self._T
        if self.kind == 'l2':
            return T.sum(x * v) * np.asarray(2, dtype=x.dtype)
        return T.sum(self._sign(x) * v)

    def _sign(self, x):
        # PyTensor 3 deprecates sgn for sign; Theano and Aesara have only sgn
        sign = getattr(self._T, 'sign', None) or self._T.sgn
        return sign(x)

    # Theano and Aesara call these two; PyTensor's adapter maps its
    # pullback/pushforward onto the same methods.
    def grad(self, inputs, output_grads):
        return [self.gradient(inputs[0], output_grads[0])]

    def R_op(self, inputs, eval_points):
        if eval_points[0] is None:
            return [None]
        return [self.pushforward_of(inputs[0], eval_points[0])]

    # -- Python --------------------------------------------------------------

    def perform(self, node, inputs, output_storage, *args):
        total = numpy_penalty(self.kind, inputs[0])
        # a total beyond the dtype's range is inf, silently, as in C
        with np.errstate(over='ignore'):
            output_storage[0][0] = np.asarray(total,
                                              dtype=node.outputs[0].dtype)

    # -- C -------------------------------------------------------------------

    def c_headers(self, **kwargs):
        return ['<math.h>', '<string.h>']

    def c_support_code(self, **kwargs):
        return C_SUPPORT

    def c_code(self, node, name, inputs, outputs, sub):
        dtype = node.inputs[0].dtype
        values = dict(kind=self.kind, dtype=dtype, x=inputs[0],
                      z=outputs[0], fail=sub['fail'],
                      typenum=_TYPENUM[dtype])
        values['store'] = _C_STORE[dtype] % values
        return _C_CODE % values

    def c_code_cache_version(self):
        return (1,)

    def c_code_cache_version_apply(self, node):
        # the backends find a compiled module by this version and never read
        # the C code again: a checksum of the code makes an edited kernel
        # (one whose version was not bumped) compile afresh instead of
        # running the old one from the cache
        text = C_SUPPORT + str(self.c_headers()) + self.c_code(
            node, *_PLACEHOLDERS)
        return self.c_code_cache_version() + (zlib.crc32(text.encode()),)
