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
        return [self.gradient(inputs[0], cotangents[0])]

    def pushforward(self, inputs, outputs, tangents):
        gradient = _backend.submodule('pytensor', 'gradient')
        if isinstance(tangents[0].type, gradient.DisconnectedType):
            return [gradient.disconnected_type()]
        return [self.pushforward_of(inputs[0], tangents[0])]

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
        out_type = np.dtype(node.outputs[0].dtype).type
        return _numba_kernel(basic, op.kind, out_type), 1


def _numba_kernel(basic, kind, out_type):
    # reassociation (only) lets LLVM split the float64 sum into vector
    # partial sums; no nnan/ninf, so nan and inf propagate as in numpy
    flags = {'reassoc', 'contract'}
    if kind == 'l2':
        @basic.numba_njit(fastmath=flags)
        def onepass_l2(x):
            total = 0.0
            for v in np.ravel(x):
                w = np.float64(v)
                total += w * w
            return np.asarray(out_type(total))
        return onepass_l2

    @basic.numba_njit(fastmath=flags)
    def onepass_l1(x):
        total = 0.0
        for v in np.ravel(x):
            total += abs(np.float64(v))
        return np.asarray(out_type(total))
    return onepass_l1


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
        if op.kind == 'l2':
            def onepass_l2(x):
                return jnp.sum(x * x, dtype=acc).astype(out_dtype)
            return onepass_l2

        def onepass_l1(x):
            return jnp.sum(jnp.abs(x), dtype=acc).astype(out_dtype)
        return onepass_l1
