"""PyTensor's share of the one-pass penalty Op: its gradient API and the
Numba and JAX implementations of its linkers.

PyTensor 3 asks Ops for ``pullback``/``pushforward`` (``grad``/``R_op``
still work but warn). The Numba and JAX implementations are registered on
PyTensor's dispatchers for our Op class only, when the class is built (the
first ``l1``/``l2`` of a PyTensor tensor), not on ``import lasagne_reg``; no
graph rewrite is registered anywhere.
"""
import importlib.util

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
        return _numba_kernel(basic, op.kind, out_types), 1


_NUMBA = {}


def numba_sums(kind):
    """A Numba function ``x -> (l1 sum, l2 sum)`` in float64, reading `x` in
    memory order (see :func:`_numba_helpers`); only the sums `kind` takes
    are computed (the other is 0.0)."""
    key = ('sums', kind)
    if key not in _NUMBA:
        _NUMBA[key] = _numba_helpers(kind)
    return _NUMBA[key]


def _numba_helpers(kind):
    """Numba's memory-order reader of the sums of `kind`.

    A C-, Fortran- or otherwise densely-laid-out array (a transposed or
    dimshuffled weight, negative steps included) is one flat run of memory
    from its lowest address: it is read straight through, as one 1-d
    contiguous array, in blocks of ``_onepass.BLOCK`` elements whose sums
    are added in block order; from ``_onepass.PARALLEL_MIN`` elements on
    the blocks are shared among Numba's threads (``prange``; their count is
    Numba's: ``NUMBA_NUM_THREADS``, ``numba.set_num_threads``), with the
    same bits whatever the thread count. The C code's rule (the BLAS's
    variables) would have to be read in object mode, which keeps PyTensor
    from caching the compiled function on disk. Anything else (slices with
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
        # Numba's own thread count (NUMBA_NUM_THREADS, numba.set_num_threads)
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
        return run_blocks_parallel(buf, n)

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
