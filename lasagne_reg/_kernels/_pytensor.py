"""PyTensor's share of the one-pass penalty Op: its gradient API and the
Numba and JAX implementations of its linkers.

PyTensor 3 asks Ops for ``pullback``/``pushforward`` (``grad``/``R_op``
still work but warn). The Numba and JAX implementations are registered on
PyTensor's dispatchers for our Op class only, when the class is built (the
first ``l1``/``l2`` of a PyTensor tensor), not on ``import lasagne_reg``; no
graph rewrite is registered anywhere.
"""
import functools
import importlib.util
import inspect
import os
import zlib

import numpy as np

from .. import _backend


def build(name, bases, namespace):
    """The PyTensor Op class: PyTensor's methods added, then registered."""
    namespace.update(methods())
    cls = type(name, bases, namespace)
    register(cls)
    return cls


def methods():
    """PyTensor-only methods of the Op class."""

    def pullback(self, inputs, outputs, cotangents):
        return [self.gradient(inputs[0], list(cotangents))]

    def pushforward(self, inputs, outputs, tangents):
        gradient = _backend.submodule('pytensor', 'gradient')
        if isinstance(tangents[0].type, gradient.DisconnectedType):
            return [gradient.disconnected_type() for _ in outputs]
        return self.pushforward_of(inputs[0], tangents[0])

    return {'pullback': pullback, 'pushforward': pushforward}


def register(op_class):
    """Numba and JAX implementations of `op_class`, where those are installed."""
    if importlib.util.find_spec('numba') is not None:
        _register_numba(op_class)
    if importlib.util.find_spec('jax') is not None:
        _register_jax(op_class)


# -- Numba ---------------------------------------------------------------------

def _register_numba(op_class):
    basic = _backend.submodule('pytensor', 'link.numba.dispatch.basic')

    @basic.register_funcify_default_op_cache_key(op_class)
    def numba_funcify_onepass(op, node, **kwargs):
        # Numba has no float16 (PyTensor's Numba mode fails on any float16
        # tensor, before ever reaching this Op)
        out_types = [np.dtype(out.dtype).type for out in node.outputs]
        _start_numba_threads()
        return _numba_kernel(basic, op.kind, out_types), numba_cache_salt()


def _start_numba_threads():
    """Start Numba's threading layer, whose symbols the kernel calls.

    Compiling a parallel loop starts it; a graph function PyTensor loads
    from its disk cache may not (seen: a segmentation fault in a fresh
    process), so PyTensor's call for our implementation, made before it
    looks in its cache, starts it. ``numba.get_num_threads()`` does.
    """
    import numba
    numba.get_num_threads()


def numba_cache_salt():
    """The integer PyTensor adds to our Op's key in its Numba disk cache.

    PyTensor finds a compiled function by the Op's class and props and this
    number, and never looks at the kernel's code again: a fixed number
    served an older kernel from the cache after the code changed (a
    one-thread reader, after the blocks went parallel). A checksum of the
    kernel's compiled code and of the constants it is built from (whether
    threads pay among them) makes any change compile afresh, as
    ``c_code_cache_version_apply`` does for C.
    """
    from ._onepass import _SUMS, BLOCK, MAX_THREADS, PARALLEL_MIN
    code = b''.join(_code_bytes(inspect.unwrap(fn).__code__) for fn in (
        _numba_helpers, _numba_kernel, _numba_thread_counter, _numba_threads,
        _numba_env_count))
    return zlib.crc32(code + repr((BLOCK, PARALLEL_MIN, MAX_THREADS, _SUMS,
                                   numba_threads_pay())).encode())


def _code_bytes(code):
    """The bytecode, names and constants of `code` and of the functions it
    defines (``marshal.dumps`` would do, but its bytes vary with the
    objects' reference counts)."""
    parts = [code.co_code, repr((code.co_names, code.co_varnames,
                                 code.co_freevars)).encode()]
    for const in code.co_consts:
        if hasattr(const, 'co_code'):
            parts.append(_code_bytes(const))
        elif isinstance(const, frozenset):    # its order varies by process
            parts.append(repr(sorted(map(repr, const))).encode())
        else:
            parts.append(repr(const).encode())
    return b''.join(parts)


def numba_sums(kind):
    """A Numba function ``x -> (l1 sum, l2 sum)`` in float64, reading `x` in
    memory order (see :func:`_numba_helpers`); only the sums `kind` takes
    are computed (the other is 0.0)."""
    return _numba_helpers(kind, numba_threads_pay())


@functools.cache
def _numba_helpers(kind, threads_pay):
    """Numba's memory-order reader of the sums of `kind`.

    A C-, Fortran- or otherwise densely-laid-out array (a transposed or
    dimshuffled weight, negative steps included) is one flat run of memory
    from its lowest address: it is read straight through, as one 1-d
    contiguous array, in blocks of ``_onepass.BLOCK`` elements whose sums
    are added in block order; from ``_onepass.PARALLEL_MIN`` elements on
    the blocks are shared among threads (``prange``), with the same bits
    whatever the thread count; their count is :func:`numba_thread_count`'s
    (one unless `threads_pay` or asked for). Anything else (slices with
    steps or gaps) is read run by run along its smallest stride, the runs
    visited in memory order.
    Numba's own ``np.ravel`` copies every array that is not C-contiguous
    in C order, which on a transposed weight is a column walk (100 times
    slower than a read).
    """
    import numba
    from numba.core import types
    from numba.extending import intrinsic

    from ._onepass import _SUMS, BLOCK, PARALLEL_MIN
    take1, take2 = 0 in _SUMS[kind], 1 in _SUMS[kind]
    thread_count = numba_thread_count(threads_pay)
    get_threads, set_threads = _numba_threads()
    # reassociation (only) lets LLVM split the float64 sums into vector
    # partial sums; no nnan/ninf, so nan and inf propagate as in numpy
    flags = {'reassoc', 'contract'}

    @intrinsic
    def address(typingctx, arr, offset):
        """A pointer to the element `offset` bytes past `arr`'s data."""
        sig = types.CPointer(arr.dtype)(arr, offset)

        def codegen(context, builder, signature, args):
            ary = context.make_array(signature.args[0])(context, builder,
                                                        args[0])
            raw = builder.bitcast(ary.data, context.get_value_type(
                types.voidptr))
            moved = builder.gep(raw, [args[1]])
            return builder.bitcast(moved, ary.data.type)
        return sig, codegen

    @numba.njit(fastmath=flags)
    def run(buf, n):
        l1 = 0.0
        l2 = 0.0
        for i in range(n):
            w = np.float64(buf[i])
            if take1:
                l1 += abs(w)
            if take2:
                l2 += w * w
        return l1, l2

    @numba.njit
    def add_in_order(part1, part2):
        # no fastmath: the blocks' sums are added in block order
        l1 = 0.0
        l2 = 0.0
        for b in range(part1.size):
            l1 += part1[b]
            l2 += part2[b]
        return l1, l2

    @numba.njit
    def run_blocks(buf, n):
        nb = (n + BLOCK - 1) // BLOCK
        part1 = np.empty(nb)
        part2 = np.empty(nb)
        for b in range(nb):
            low = b * BLOCK
            part1[b], part2[b] = run(buf[low:min(low + BLOCK, n)],
                                     min(BLOCK, n - low))
        return add_in_order(part1, part2)

    @numba.njit(parallel=True)
    def run_blocks_parallel(buf, n):
        nb = (n + BLOCK - 1) // BLOCK
        part1 = np.empty(nb)
        part2 = np.empty(nb)
        for b in numba.prange(nb):
            low = b * BLOCK
            part1[b], part2[b] = run(buf[low:min(low + BLOCK, n)],
                                     min(BLOCK, n - low))
        return add_in_order(part1, part2)

    @numba.njit
    def dense_sums(buf, n):
        """Blocks of BLOCK elements, their sums added in block order; from
        PARALLEL_MIN elements on, the blocks shared among Numba's threads:
        the same bits whatever the thread count."""
        if n < PARALLEL_MIN:
            return run_blocks(buf, n)
        threads, before = thread_count(), get_threads()
        if threads <= 1:
            return run_blocks(buf, n)
        # Numba's count is the calling thread's own: set for this call only
        set_threads(threads)
        sums = run_blocks_parallel(buf, n)
        set_threads(before)
        return sums

    @numba.njit(fastmath=flags)
    def run_strided(buf, n, step):
        l1 = 0.0
        l2 = 0.0
        for i in range(n):
            w = np.float64(buf[i * step])
            if take1:
                l1 += abs(w)
            if take2:
                l2 += w * w
        return l1, l2

    @numba.njit
    def sums(x):
        n = x.size
        if n == 0:
            return 0.0, 0.0
        nd = x.ndim
        item = x.itemsize
        shape = np.empty(nd, np.intp)
        strides = np.empty(nd, np.intp)
        low = 0          # the lowest address, in bytes from x's data
        for k in range(nd):
            shape[k] = x.shape[k]
            strides[k] = x.strides[k]
            if strides[k] < 0:
                low += (shape[k] - 1) * strides[k]
                strides[k] = -strides[k]
        order = np.argsort(strides)              # smallest stride first
        dense = True
        expect = item
        for k in order:
            if shape[k] == 1:
                continue
            if strides[k] != expect:
                dense = False
                break
            expect *= shape[k]
        if dense:
            return dense_sums(numba.carray(address(x, low), n), n)
        # the runs along the smallest stride of length > 1
        inner = -1
        for k in order:
            if shape[k] > 1:
                inner = k
                break
        length = shape[inner]
        step = strides[inner] // item
        span = (length - 1) * step + 1
        outer = [k for k in order if k != inner]      # fastest first
        index = np.zeros(nd, np.intp)
        l1 = 0.0
        l2 = 0.0
        for _ in range(n // length):
            at = low
            for k in outer:
                at += index[k] * strides[k]
            buf = numba.carray(address(x, at), span)
            if step == 1:
                r1, r2 = run(buf, length)
            else:
                r1, r2 = run_strided(buf, length, step)
            l1 += r1
            l2 += r2
            for k in outer:                  # the next run, memory order
                index[k] += 1
                if index[k] < shape[k]:
                    break
                index[k] = 0
        return l1, l2

    return sums


def numba_threads_pay():
    """Whether Numba's threads may read a large tensor unasked: only under
    its OpenMP layer with ``OMP_WAIT_POLICY=passive``.

    By default GNU OpenMP keeps its threads spinning for a while after each
    parallel loop; in a training step they take a core from the BLAS that
    runs next, which cost the plain PyTensor MLP step far more than a
    second thread saves; with ``OMP_WAIT_POLICY=passive`` they sleep, and
    two threads pay. Numba's ``workqueue`` layer does not spin but wakes
    its threads too slowly to pay; ``tbb`` was not measured (figures in
    docs/performance.rst). ``LASAGNE_REG_NUM_THREADS`` asks for threads
    under any layer.
    """
    _start_numba_threads()
    import numba
    policy = os.environ.get('OMP_WAIT_POLICY', '').strip().lower()
    return numba.threading_layer() == 'omp' and policy == 'passive'


def numba_thread_count(threads_pay=None):
    """A Numba function ``() -> int``: the threads a large read takes.

    ``LASAGNE_REG_NUM_THREADS`` if set; else, where `threads_pay` (default:
    :func:`numba_threads_pay`), the C code's rule: the first of
    ``OPENBLAS_NUM_THREADS``, ``GOTO_NUM_THREADS``, ``OMP_NUM_THREADS``
    that is set (one that is not a positive integer ends the search, as in
    OpenBLAS), else all; else one. Read on every call, and in every case at
    most Numba's own count (``numba.get_num_threads()``:
    ``NUMBA_NUM_THREADS``, by default the CPUs of the affinity mask; Numba
    does not read a cgroup quota, which the C code does). The variables are
    read with the C library's ``getenv`` and ``strtol``, as the C code
    reads them: Python's ``os.environ`` would need Numba's object mode, and
    PyTensor cannot cache a function that uses it.
    """
    if threads_pay is None:
        threads_pay = numba_threads_pay()
    return _numba_thread_counter(bool(threads_pay))


@functools.cache
def _numba_thread_counter(threads_pay):
    import numba

    from ._onepass import MAX_THREADS
    own = _numba_env_count('LASAGNE_REG_NUM_THREADS')
    openblas, goto, omp = (_numba_env_count(name) for name in (
        'OPENBLAS_NUM_THREADS', 'GOTO_NUM_THREADS', 'OMP_NUM_THREADS'))

    @numba.njit
    def count(state_value):
        # 0: unset or empty; -1: not a positive integer; else at most
        # MAX_THREADS: lasagne_reg_count() of the C code
        state, value = state_value
        if state == 0:
            return 0
        if state == 2 or value <= 0:
            return -1
        return min(value, MAX_THREADS)

    @numba.njit
    def first_blas_count():
        # the first one set decides; one set but not a count ends the search
        n = count(openblas())
        if n == 0:
            n = count(goto())
        if n == 0:
            n = count(omp())
        return n

    get_threads = _numba_threads()[0]

    @numba.njit
    def thread_count():
        most = get_threads()
        n = count(own())
        if n > 0:
            return min(n, most)
        if not threads_pay:
            return 1
        n = first_blas_count()
        return min(n, most) if n > 0 else most

    return thread_count


@functools.cache
def _numba_threads():
    """Numba intrinsics ``get() -> int`` and ``set(int)``: the calling
    thread's count of Numba threads, as ``numba.get_num_threads`` and
    ``numba.set_num_threads`` give and take it.

    Numba's own functions call its threading layer through ctypes pointers
    inside compiled code, which keeps the function from being cached on
    disk; these call the layer's ``get_num_threads``/``set_num_threads``
    by the symbols Numba's parallel loops use.
    """
    from llvmlite import ir
    from numba.core import cgutils, types
    from numba.extending import intrinsic

    c_int, i64 = ir.IntType(32), ir.IntType(64)

    @intrinsic
    def get(typingctx):
        _start_numba_threads()         # the symbols exist from here on

        def codegen(context, builder, signature, args):
            fn = cgutils.get_or_insert_function(
                builder.module, ir.FunctionType(c_int, []), 'get_num_threads')
            return builder.sext(builder.call(fn, []), i64)
        return types.int64(), codegen

    @intrinsic
    def set(typingctx, n):
        _start_numba_threads()

        def codegen(context, builder, signature, args):
            fn = cgutils.get_or_insert_function(
                builder.module, ir.FunctionType(ir.VoidType(), [c_int]),
                'set_num_threads')
            builder.call(fn, [builder.trunc(args[0], c_int)])
            return context.get_dummy_value()
        return types.void(types.int64), codegen

    return get, set


def _numba_env_count(name):
    """A Numba intrinsic ``() -> (state, value)`` reading the variable `name`
    with C's ``getenv``: state 0 if unset or empty, 1 if ``strtol`` read
    all of it (value is what it read), 2 if something followed."""
    import ctypes

    from llvmlite import ir
    from numba.core import cgutils, types
    from numba.extending import intrinsic

    byte = ir.IntType(8)
    text = byte.as_pointer()
    c_long = ir.IntType(8 * ctypes.sizeof(ctypes.c_long))
    i64 = ir.IntType(64)

    @intrinsic
    def read(typingctx):
        sig = types.UniTuple(types.int64, 2)()

        def codegen(context, builder, signature, args):
            module = builder.module
            getenv = cgutils.get_or_insert_function(
                module, ir.FunctionType(text, [text]), 'getenv')
            strtol = cgutils.get_or_insert_function(
                module, ir.FunctionType(c_long, [text, text.as_pointer(),
                                                 ir.IntType(32)]), 'strtol')
            key = context.insert_const_string(module, name)
            state = cgutils.alloca_once_value(builder, i64(0))
            value = cgutils.alloca_once_value(builder, i64(0))
            end = cgutils.alloca_once(builder, text)
            found = builder.call(getenv, [key])
            with builder.if_then(cgutils.is_not_null(builder, found)):
                first = builder.load(found)
                with builder.if_then(builder.icmp_unsigned('!=', first,
                                                           byte(0))):
                    got = builder.call(strtol, [found, end, ir.IntType(32)(10)])
                    builder.store(builder.sext(got, i64)
                                  if c_long.width < 64 else got, value)
                    rest = builder.load(builder.load(end))
                    whole = builder.icmp_unsigned('==', rest, byte(0))
                    builder.store(builder.select(whole, i64(1), i64(2)), state)
            return context.make_tuple(builder, signature.return_type,
                                      [builder.load(state),
                                       builder.load(value)])
        return sig, codegen
    return read


def _numba_kernel(basic, kind, out_types):
    sums = numba_sums(kind)
    if kind == 'l1_l2':
        t1, t2 = out_types

        @basic.numba_njit
        def onepass_l1_l2(x):
            l1, l2 = sums(x)
            return np.asarray(t1(l1)), np.asarray(t2(l2))
        return onepass_l1_l2
    out_type = out_types[0]
    which = 0 if kind == 'l1' else 1

    @basic.numba_njit
    def onepass(x):
        return np.asarray(out_type(sums(x)[which]))
    return onepass


# -- JAX -----------------------------------------------------------------------

def _register_jax(op_class):
    dispatch = _backend.submodule('pytensor', 'link.jax.dispatch.basic')

    @dispatch.jax_funcify.register(op_class)
    def jax_funcify_onepass(op, node=None, **kwargs):
        jnp = importlib.import_module('jax.numpy')
        jax = importlib.import_module('jax')
        out_dtype = node.outputs[0].dtype
        # float64 only where JAX has it (PyTensor turns x64 on with
        # floatX=float64, its default). The term is computed in x's dtype and
        # XLA fuses it into the float64 sum: |x| is exact, and a float32
        # square's rounding (2 ** -24 relative, at most) stays under the
        # result's own; widening first was 10% slower than PyTensor's own
        # T.sum(x ** 2) on JAX's CPU backend.
        acc = 'float64' if jax.config.jax_enable_x64 else 'float32'
        if op.kind == 'l1_l2':
            # two reductions of one input: XLA fuses them into one loop
            def onepass_l1_l2(x):
                return (jnp.sum(jnp.abs(x), dtype=acc).astype(out_dtype),
                        jnp.sum(x * x, dtype=acc).astype(out_dtype))
            return onepass_l1_l2
        if op.kind == 'l2':
            def onepass_l2(x):
                return jnp.sum(x * x, dtype=acc).astype(out_dtype)
            return onepass_l2

        def onepass_l1(x):
            return jnp.sum(jnp.abs(x), dtype=acc).astype(out_dtype)
        return onepass_l1
