"""Theano 1.0.5 Ops whose C code fails on numpy 2, made to compute what they
computed on numpy 1.23.5 (numpy >= 2 only; numpy 1.x gets no patch).

Each measure is a :class:`~lasagne_reg.compat._patch.Patch` of one Op's
``c_code``, ``c_support_code``, a property or ``perform``; every Op whose C
code changes also gets a new ``c_code_cache_version`` (its own with
``'lasagne_reg-cops'`` and a number appended), so a module compiled before,
by Theano's own code, is never taken from the compile cache.

* ``AdvancedIncSubtensor1`` (``inc_subtensor(x[idx], y)``, the gradient of
  ``W[idx]``, and so of every Lasagne ``EmbeddingLayer``; ``bincount``):
  its C code walks the index with ``PyArrayMapIterObject``, which numpy 2
  made private (``'PyArrayMapIterObject' was not declared in this scope``).
  It gets a loop written on numpy 2's public API that does what the map
  iterator did, in the same order: indices checked first (``IndexError``),
  ``y`` cast to ``x``'s dtype and broadcast, then for each index ``k`` in
  turn ``x[idx[k]] = (inc ? x[idx[k]] : 0) + y[k]`` with the same C types
  (so repeated indices accumulate in index order, integers wrap as before,
  and float16, an unsigned integer in C, is summed as bit patterns: a Theano
  bug kept for parity).
* ``NPY_MAXDIMS`` meant "axis=None" in numpy 1's C API; numpy 2 raised it to
  64 and reads an axis of 64 as an error (``AxisError: axis 64 is out of
  bounds``); the ravel marker is ``NPY_RAVEL_AXIS``. ``MaxAndArgmax`` over
  all axes, ``Argmax`` with ``axis=None``, ``AdvancedSubtensor1`` with an
  index that is not ``intp`` (its range check), and ``CumOp`` get it.
* ``CumOp(axis=None)`` (``cumsum``/``cumprod`` of a matrix) reads
  ``np.MAXDIMS``, gone from numpy 2 (``CumOp: missing attributes
  ('c_axis',) for ParamsType``): its ``c_axis`` is ``NPY_RAVEL_AXIS``'s
  value there.
* Complex scalars: Theano's C++ ``theano_complex64``/``theano_complex128``
  derive from ``npy_complex64``/``npy_complex128`` and use their ``.real``
  and ``.imag`` members; in numpy 2's C++ headers those are
  ``struct { float _Val[2]; }``, so every graph with a complex variable
  failed to compile (``has no member named 'real'``). The structs get the
  same layout with numpy 1's member names, and conversions to numpy 2's.
* ``ConvOp`` (``theano.tensor.nnet.conv.conv2d``, and
  ``theano.tensor.signal.conv.conv2d`` built on it) includes
  ``numpy/noprefix.h``, which numpy 2 removed (``fatal error:
  numpy/noprefix.h: No such file or directory``). The header only defines
  unprefixed aliases of numpy's C names, and ConvOp's generated C source
  uses none of them (checked over its valid, full and unrolled variants on
  numpy 1.23.5), so the include is dropped; the C code is otherwise the
  same.
* ``Unique(return_inverse=True)``: numpy 2's ``np.unique`` gives the inverse
  in the input's shape; Theano declares (and numpy 1 gave) a vector, so
  the inverse is raveled.

``np.ComplexWarning`` (gone from numpy 2's namespace; Theano's ``conv``,
``abstract_conv`` and ``slinalg`` filter it) is restored with the other
numpy names (``_aliases.py``).

The patches (module, attribute, the maker here, the reason, and when: on
numpy 2 only, and not on Theano-PyMC, whose Ops these were not written for)
are rows of the registry, ``_patched.py``.
"""
import re

import numpy as np

from . import _patch

# appended to each patched Op's c_code_cache_version: a change of the C code
# written here must change this number
_CACHE_TAG = ('lasagne_reg-cops', 1)

# numpy 2's NPY_RAVEL_AXIS (NPY_MIN_INT), the value of CumOp's int32 c_axis
# for axis=None
_RAVEL_AXIS = int(np.iinfo(np.intc).min)



def make_tagged_version(original):
    @_patch.wraps(original)
    def c_code_cache_version(self):
        version = original(self)
        return tuple(version) + _CACHE_TAG if version else version
    return c_code_cache_version


def make_ravel_axis_c_code(original):
    @_patch.wraps(original)
    def c_code(self, *args, **kwargs):
        return original(self, *args, **kwargs).replace(
            'NPY_MAXDIMS', 'NPY_RAVEL_AXIS')
    return c_code


def make_c_axis(original):
    return property(lambda self: _RAVEL_AXIS if self.axis is None
                    else self.axis)


def make_unique_perform(original):
    @_patch.wraps(original)
    def perform(self, node, inputs, output_storage, *params):
        original(self, node, inputs, output_storage, *params)
        if self.return_inverse:
            slot = output_storage[1 + bool(self.return_index)]
            slot[0] = slot[0].ravel()
    return perform


_NOPREFIX = '<numpy/noprefix.h>'


def make_without_noprefix(original):
    @_patch.wraps(original)
    def c_headers(self):
        return [h for h in original(self) if h != _NOPREFIX]
    return c_headers


_COMPLEX_HEAD = re.compile(
    r'struct theano_complex(64|128) : public npy_complex\1\s*\{')

_COMPLEX_MEMBERS = '''struct theano_complex%(nbits)s
            {
                // npy_complex%(nbits)s's layout under numpy 1's member names
                npy_float%(half)s real, imag;
                operator npy_complex%(nbits)s() const
                { return *reinterpret_cast<const npy_complex%(nbits)s *>(this); }
'''

_COMPLEX_FROM_NUMPY = '''
            template <> theano_complex%(nbits)s &
            theano_complex%(nbits)s::operator=<npy_complex%(other)s>(
                const npy_complex%(other)s & y)
            { const npy_float%(ohalf)s *v = reinterpret_cast<const npy_float%(ohalf)s *>(&y);
              this->real = v[0]; this->imag = v[1]; return *this; }
'''


def _complex_head(match):
    nbits = match.group(1)
    return _COMPLEX_MEMBERS % dict(nbits=nbits, half=int(nbits) // 2)


def make_complex_support_code(original):
    @_patch.wraps(original)
    def c_support_code(self):
        code = original(self)
        if not self.dtype.startswith('complex'):
            return code
        code, count = _COMPLEX_HEAD.subn(_complex_head, code)
        if count != 2:
            raise NotImplementedError(
                'lasagne_reg.compat: Theano\'s complex C structs are not the '
                'ones of Theano 1.0.5 (%d found)' % count)
        return code + ''.join(
            _COMPLEX_FROM_NUMPY % dict(nbits=n, other=o, ohalf=int(o) // 2)
            for n in (64, 128) for o in (64, 128))
    return c_support_code


def make_inc1_c_code(original):
    @_patch.wraps(original)
    def c_code(self, node, name, input_names, output_names, sub):
        x, y, idx = input_names
        out = output_names[0]
        return _INC1_C_CODE % dict(
            x=x, y=y, idx=idx, out=out, copy_of_x=self.copy_of_x(x),
            params=sub['params'], fail=sub['fail'])
    return c_code


def make_inc1_support_code(original):
    def c_support_code(self):
        return _INC1_SUPPORT_CODE
    return c_support_code


_INC1_C_CODE = '''
        if (%(params)s->inplace)
        {
            if (%(x)s != %(out)s)
            {
                Py_XDECREF(%(out)s);
                Py_INCREF(%(x)s);
                %(out)s = %(x)s;
            }
        }
        else
        {
            Py_XDECREF(%(out)s);
            %(out)s = %(copy_of_x)s;
            if (!%(out)s) {
                %(fail)s
            }
        }
        if (lasagne_reg_inc1(%(out)s, %(idx)s, %(y)s,
                             (1 - %(params)s->set_instead_of_inc))) {
            %(fail)s;
        }
'''

_INC1_SUPPORT_CODE = r'''
#ifndef LASAGNE_REG_INC1
#define LASAGNE_REG_INC1
// x[idx[k]] = (inc ? x[idx[k]] : 0) + y[k], written on numpy 2's public C
// API (lasagne_reg.compat._cops): the expression, its C types, the order of
// the indices and the errors are those of Theano 1.0.5's map-iterator code
typedef void (*lasagne_reg_inc1_fn)(char *, const char *, int);

template <typename T>
static void lasagne_reg_inc1_real(char *x, const char *y, int inc_or_set)
{
    ((T *)x)[0] = (inc_or_set ? ((T *)x)[0] : 0) + ((const T *)y)[0];
}

template <typename T>
static void lasagne_reg_inc1_complex(char *x, const char *y, int inc_or_set)
{
    ((T *)x)[0] = (inc_or_set ? ((T *)x)[0] : 0) + ((const T *)y)[0];
    ((T *)x)[1] = (inc_or_set ? ((T *)x)[1] : 0) + ((const T *)y)[1];
}

static int
lasagne_reg_inc1(PyArrayObject *a, PyArrayObject *index, PyArrayObject *inc,
                 int inc_or_set)
{
    lasagne_reg_inc1_fn add = NULL;
    if (PyArray_FailUnlessWriteable(a, "input/output array") < 0) {
        return -1;
    }
    if (PyArray_NDIM(a) == 0) {
        PyErr_SetString(PyExc_IndexError, "0-d arrays can't be indexed.");
        return -1;
    }
    switch (PyArray_TYPE(a)) {
    case NPY_INT8: add = lasagne_reg_inc1_real<npy_int8>; break;
    case NPY_INT16: add = lasagne_reg_inc1_real<npy_int16>; break;
    case NPY_INT32: add = lasagne_reg_inc1_real<npy_int32>; break;
    case NPY_INT64: add = lasagne_reg_inc1_real<npy_int64>; break;
    case NPY_UINT8: add = lasagne_reg_inc1_real<npy_uint8>; break;
    case NPY_UINT16: add = lasagne_reg_inc1_real<npy_uint16>; break;
    case NPY_UINT32: add = lasagne_reg_inc1_real<npy_uint32>; break;
    case NPY_UINT64: add = lasagne_reg_inc1_real<npy_uint64>; break;
    case NPY_FLOAT16: add = lasagne_reg_inc1_real<npy_float16>; break;
    case NPY_FLOAT32: add = lasagne_reg_inc1_real<npy_float32>; break;
    case NPY_FLOAT64: add = lasagne_reg_inc1_real<npy_float64>; break;
    case NPY_COMPLEX64: add = lasagne_reg_inc1_complex<npy_float32>; break;
    case NPY_COMPLEX128: add = lasagne_reg_inc1_complex<npy_float64>; break;
    default:
        PyErr_SetString(PyExc_TypeError, "unsupported type for a");
        return -1;
    }
    const int nd = PyArray_NDIM(a);
    const npy_intp size0 = PyArray_DIM(a, 0);
    PyArrayObject *idx = (PyArrayObject *)PyArray_FromAny(
        (PyObject *)index, PyArray_DescrFromType(NPY_INTP), 1, 1,
        NPY_ARRAY_FORCECAST | NPY_ARRAY_ALIGNED, NULL);
    if (idx == NULL) {
        return -1;
    }
    const npy_intp n = PyArray_DIM(idx, 0);
    const char *ib = PyArray_BYTES(idx);
    const npy_intp is = PyArray_STRIDE(idx, 0);
    for (npy_intp k = 0; k < n; k++) {
        npy_intp v = *(const npy_intp *)(ib + k * is);
        if (v < -size0 || v >= size0) {
            PyErr_Format(PyExc_IndexError,
                         "index %ld is out of bounds for axis 0 with size %ld",
                         (long)v, (long)size0);
            Py_DECREF(idx);
            return -1;
        }
    }
    PyArray_Descr *descr = PyArray_DESCR(a);
    Py_INCREF(descr);
    PyArrayObject *y = (PyArrayObject *)PyArray_FromAny(
        (PyObject *)inc, descr, 0, 0, NPY_ARRAY_FORCECAST, NULL);
    if (y == NULL) {
        Py_DECREF(idx);
        return -1;
    }
    // y broadcast to (n,) + a.shape[1:]: a stride per dimension, 0 where
    // y has no such dimension or a length of 1
    npy_intp ystrides[NPY_MAXDIMS];
    const int ynd = PyArray_NDIM(y);
    int ok = ynd <= nd;
    for (int d = 0; ok && d < nd; d++) {
        const npy_intp want = d == 0 ? n : PyArray_DIM(a, d);
        const int yd = d - (nd - ynd);
        if (yd < 0 || (PyArray_DIM(y, yd) == 1 && want != 1)) {
            ystrides[d] = 0;
        } else if (PyArray_DIM(y, yd) == want) {
            ystrides[d] = PyArray_STRIDE(y, yd);
        } else {
            ok = 0;
        }
    }
    if (!ok) {
        PyErr_SetString(PyExc_ValueError,
                        "array is not broadcastable to correct shape");
        Py_DECREF(idx);
        Py_DECREF(y);
        return -1;
    }
    const npy_intp *dims = PyArray_DIMS(a);
    const npy_intp *xstrides = PyArray_STRIDES(a);
    npy_intp inner = 1;
    for (int d = 1; d < nd; d++) {
        inner *= dims[d];
    }
    npy_intp counter[NPY_MAXDIMS];
    char *xb = PyArray_BYTES(a);
    const char *yb = PyArray_BYTES(y);
    for (npy_intp k = 0; k < n; k++) {
        npy_intp j = *(const npy_intp *)(ib + k * is);
        if (j < 0) {
            j += size0;
        }
        char *xp = xb + j * xstrides[0];
        const char *yp = yb + k * ystrides[0];
        for (int d = 1; d < nd; d++) {
            counter[d] = 0;
        }
        for (npy_intp e = 0; e < inner; e++) {
            add(xp, yp, inc_or_set);
            for (int d = nd - 1; d >= 1; d--) {
                if (++counter[d] < dims[d]) {
                    xp += xstrides[d];
                    yp += ystrides[d];
                    break;
                }
                counter[d] = 0;
                xp -= xstrides[d] * (dims[d] - 1);
                yp -= ystrides[d] * (dims[d] - 1);
            }
        }
    }
    Py_DECREF(idx);
    Py_DECREF(y);
    return 0;
}
#endif
'''
