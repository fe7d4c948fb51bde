"""numpy 2 semantics under Theano 1.0.5: the numbers numpy 1 gave.

numpy 2 changed how a Python number meets a numpy value (NEP 50: a Python
``int`` or ``float`` no longer takes the smallest numpy type that holds its
value, it takes the other operand's type; a Python ``int`` that does not fit
an integer type raises ``OverflowError`` instead of wrapping around). Theano
1.0.5 was written for numpy 1 and relies on the old rules in a few places;
on numpy 2 it then computes other dtypes and other values. Each measure
below restores numpy 1's result at one such place, and only changes what
numpy 2 would compute differently from numpy 1 (docs/backends.rst lists
them):

* ``theano.scalar.basic.NumpyAutocaster.__call__``: the dtype of a Python
  literal (``x * 0.1``, ``ivector * 300``, ``T.arange(1000)``). Theano tries
  the smallest dtype and keeps it when ``x == dtype(x)``; numpy 1 compared in
  the larger type (so ``0.1`` did not fit float32), numpy 2 compares in the
  smaller one (everything fits), and ``dtype(300)`` for int8 raised
  ``OverflowError`` instead of wrapping, which Theano took for "needs
  uint64".
* ``theano._asarray`` (the name by which Theano calls
  ``theano.misc.safe_asarray._asarray``): a Python integer (or float) out of
  an integer dtype's range wraps around as on numpy 1
  (``T.constant(300, dtype='int8')`` is 44) instead of raising.
* ``theano.scalar.basic.Cast.impl``: the same wrap-around where Theano's
  Python implementation of ``T.cast`` gets Python numbers (pure-Python mode
  and constant folding of elementwise loops it builds with
  ``numpy.frompyfunc``).
* ``theano.sandbox.rng_mrg.mrg_next_value``: the Python implementation of
  MRG random streams (pure-Python mode) masks an int32 with the Python int
  ``0xffffffff``; numpy 1 widened to int64, numpy 2 raises OverflowError.
* ``theano.tensor.subtensor.IncSubtensor.perform``: its Python code sets
  one element of an integer array to a value of a wider integer type
  (``inc_subtensor(int8_vector[1], 200)``); numpy 1 wrapped it around,
  numpy 2 raises OverflowError.
* ``theano.tensor.raw_random.copy`` (``copy.copy``, by which
  ``RandomFunction.perform`` copies its ``RandomState`` when the Op is not
  in place: a shared ``RandomState`` without an update, two draws from one
  generator, ``FAST_COMPILE``): on numpy 1 the copy had its own Mersenne
  Twister, on numpy 2 it shares the original's bit generator, so a draw
  advanced the caller's generator and a second draw from it gave other
  numbers. A ``RandomState`` is copied with its own bit generator again.
* ``theano.scalar.upcast`` (the package's name of
  ``theano.scalar.basic.upcast``, which ``basic``'s own callers use with
  dtype names only): Theano passes it variables as well as dtype names
  (``T.ceil_intdiv``, so the shape of ``images2neibs(...,
  mode='wrap_centered')`` and of a strided slice of ``T.alloc``; sparse
  rewrites), and numpy 1 read a variable's ``.dtype`` string (with a
  DeprecationWarning); numpy 2 raises ``ValueError``, the rewrite or shape
  inference is skipped, and ``T.ceil_intdiv`` itself fails. Such an
  argument is handed over with its ``.dtype`` as a numpy dtype, compared as
  itself.
* ``theano.scalar.basic.Deg2Rad.L_op`` and ``Rad2Deg.L_op``: the
  gradients of ``T.deg2rad`` and ``T.rad2deg`` build their constant with
  ``np.asarray(factor, gz.type)``, a Theano type as the dtype, which numpy
  1 read through its ``.dtype`` string and numpy 2 refuses (ValueError:
  no gradient at all). They get the type's dtype name, numpy 1's reading.
* ``theano.scalar.basic.Inv.impl``: ``np.float32(1.0) / x``, where Theano's
  Python loop (``numpy.frompyfunc``: pure-Python mode, ``FAST_COMPILE``,
  and complex inputs everywhere, having no C code) hands ``x`` over as a
  Python float or complex. numpy 1 took those as float64 and complex128;
  numpy 2 lets them take float32's precision, so ``T.inv`` of float64 and
  complex128 values was rounded to float32 (2.7e-8 off). ``x`` gets numpy
  1's type first.

The patches (module, attribute, the maker here, the reason, and when: on
numpy 2 only, none on numpy 1.x, whose Theano behaviour is the reference,
and not on Theano-PyMC, whose code they were not written against) are rows
of the registry, ``_patched.py``.
"""
import numpy as np

from . import _patch

# numpy 1 converted a Python int through a C long (int64), else raised
# OverflowError; its unsigned types of a C int or wider (uint32, uint64)
# also took [2**63, 2**64) through an unsigned long, wrapping around
_TOO_LARGE = 'Python int too large to convert to C long'


def _is_python_number(value):
    """A Python int or float (bool and numpy scalars excluded)."""
    return type(value) in (int, float)


def _np1_integer(value, dtype):
    """numpy 1's ``np.asarray(value, dtype)`` for a Python int or float
    and an integer dtype: through int64 (a float truncated: ValueError for
    nan, OverflowError for inf, as ``int()``), wrapped around."""
    dtype = np.dtype(dtype)
    try:
        return np.asarray(np.int64(value)).astype(dtype)
    except OverflowError:         # beyond a C long
        pass
    if dtype.kind == 'u' and dtype.itemsize >= 4:
        try:
            return np.asarray(np.uint64(value)).astype(dtype)
        except OverflowError:     # beyond an unsigned long too
            pass
    raise OverflowError(_TOO_LARGE)


def _np1_element(value, dtype):
    """numpy 1's conversion of one element of a sequence to the integer
    `dtype`: a Python number as :func:`_np1_integer` converts it, a numpy
    integer or float through ``int()`` first, as numpy 1 read it
    (``np.uint64(2**63)`` into int8 raised OverflowError,
    ``np.float64(nan)`` ValueError), anything else cast by numpy."""
    if _is_python_number(value):
        return _np1_integer(value, dtype)
    if isinstance(value, (np.integer, np.floating)):
        return _np1_integer(int(value), dtype)
    return value           # assigned into the array of dtype: numpy casts it


def _np1_array(data, dtype):
    """numpy 1's ``np.asarray(data, dtype)`` for an integer dtype where
    numpy 2 raised OverflowError: each element converted as numpy 1 did
    (:func:`_np1_element`)."""
    objects = np.asarray(data, dtype=object)      # 0-d for a number
    out = np.empty(objects.shape, dtype=dtype)
    for index, value in np.ndenumerate(objects):
        out[index] = _np1_element(value, dtype)
    return out


def make_asarray(original):
    @_patch.wraps(original)
    def _asarray(a, dtype, order=None):
        try:
            return original(a, dtype, order)
        except OverflowError:
            kind = np.dtype(_floatx() if str(dtype) == 'floatX'
                            else dtype).kind
            if kind not in 'iu' or isinstance(a, np.ndarray):
                raise
            rval = _np1_array(a, dtype)
            return original(rval, dtype, order)
    return _asarray


def _floatx():
    import theano
    return theano.config.floatX


def make_cast_impl(original):
    @_patch.wraps(original)
    def impl(self, input):
        try:
            return original(self, input)
        except OverflowError:
            if (not _is_python_number(input)
                    or np.dtype(self.o_type.dtype).kind not in 'iu'):
                raise
            return _np1_integer(input, self.o_type.dtype)[()]
    return impl


def _fits(x, x_):
    """numpy 1's ``np.all(x == x_)`` in NumpyAutocaster for a Python int or
    float `x` (the only numbers that reach it): a Python number against a
    0-d array was compared in the larger of the two types, which for a
    Python int or float is Python's own comparison."""
    return x_.item() == x


def make_autocaster_call(original):
    @_patch.wraps(original)
    def __call__(self, x):
        import theano
        config = theano.config
        if config.cast_policy != 'custom' or not _is_python_number(x):
            # 'numpy' and 'numpy+floatX' go through np.asarray(x), the same
            # on numpy 1 and 2; a 0-d array keeps numpy's own comparison
            return original(self, x)
        if (isinstance(x, float) and config.floatX in self.dtypes
                and config.floatX != 'float64'):
            return theano._asarray(x, dtype=config.floatX)
        try_dtypes = [d for d in self.dtypes
                      if config.floatX == 'float16' or d != 'float16']
        for dtype in try_dtypes:
            x_ = theano._asarray(x, dtype=dtype)
            if _fits(x, x_):
                break
        return x_
    return __call__


def make_mrg_next_value(original):
    @_patch.wraps(original)
    def mrg_next_value(rstate, new_rstate, NORM, mask, offset):
        # numpy 1 widened int32 & 0xffffffff to int64 (the mask's smallest
        # type is uint32); numpy 2 converts the mask to int32 and raises
        # OverflowError. An int64 mask gives numpy 1's int64 on both.
        if type(mask) is int and mask > np.iinfo(np.int32).max:
            mask = np.int64(mask)
        return original(rstate, new_rstate, NORM, mask, offset)
    return mrg_next_value


def make_inc_subtensor_perform(original):
    @_patch.wraps(original)
    def perform(self, node, inputs, out_):
        try:
            return original(self, node, inputs, out_)
        except OverflowError:
            # a scalar element set to an integer of a wider type: numpy 1
            # wrapped it around (x[i] = np.int16(197) in int8), numpy 2
            # raises. Integer addition commutes with the wrap-around, so
            # y wrapped to x's dtype first gives numpy 1's result.
            x, y = inputs[0], inputs[1]
            if (np.asarray(x).dtype.kind not in 'iu'
                    or np.asarray(y).dtype.kind not in 'iu'):
                raise
            inputs = [x, np.asarray(y).astype(np.asarray(x).dtype)] + \
                list(inputs[2:])
            return original(self, node, inputs, out_)
    return perform


def make_random_copy(original):
    import copy as _copy

    @_patch.wraps(original)
    def copy(value):
        # numpy 2's RandomState.__reduce__ hands over its bit generator
        # itself, so copy.copy shares it; deepcopy copies it, with its state
        if isinstance(value, np.random.RandomState):
            return _copy.deepcopy(value)
        return original(value)
    return copy


class _ByDtype:
    """An argument of ``upcast`` that numpy 1 read through its ``.dtype``
    string: the same object in comparisons, a numpy dtype to numpy."""

    __hash__ = None

    def __init__(self, value):
        self.value = value
        self.dtype = np.dtype(value.dtype)

    def __eq__(self, other):
        return self.value == other


def make_upcast(original):
    @_patch.wraps(original)
    def upcast(dtype, *dtypes):
        given = (dtype,) + dtypes
        args = [_ByDtype(a) if (not isinstance(a, (str, np.dtype, type))
                                and isinstance(getattr(a, 'dtype', None), str))
                else a for a in given]
        return original(*args)
    return upcast


def make_angle_l_op(factor):
    """The L_op of Deg2Rad (`factor` pi / 180) or Rad2Deg (180 / pi)."""
    def make(original):
        @_patch.wraps(original)
        def L_op(self, inputs, outputs, gout):
            from theano.scalar.basic import complex_types, discrete_types
            (gz,) = gout
            if gz.type in complex_types or outputs[0].type in discrete_types:
                return original(self, inputs, outputs, gout)   # no constant
            return gz * np.asarray(factor, gz.type.dtype),
        return L_op
    return make


# numpy 1's type for a Python number met by a numpy scalar
_NP1_TYPES = {float: np.float64, complex: np.complex128, bool: np.bool_}


def _np1_scalar(x):
    """A Python number as the numpy scalar numpy 1 made of it; anything
    else (numpy scalars included) as it is."""
    kind = type(x)
    if kind in _NP1_TYPES:
        return _NP1_TYPES[kind](x)
    if kind is int:
        try:
            return np.int64(x)
        except OverflowError:     # beyond a C long: numpy 1 kept it as it was
            pass
    return x


def make_inv_impl(original):
    @_patch.wraps(original)
    def impl(self, x):
        return original(self, _np1_scalar(x))
    return impl
