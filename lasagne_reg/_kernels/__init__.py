"""One-pass kernels behind :func:`~lasagne_reg.regularization.l1` and ``l2``.

``l1(x)`` and ``l2(x)`` of a float tensor are one ``OnePassPenalty`` node:
one read of `x`, float64 accumulation, the result in `x`'s dtype (see
:mod:`._onepass`). Integer and boolean tensors, and variables that are not
plain host tensors (Theano's GPU arrays, sparse matrices), keep the
expressions Lasagne builds (``sum(abs(x))``, ``sum(x ** 2)``) and their
dtypes.

The Op is written once (:class:`._onepass.PenaltyLogic`); each backend gets
a subclass of its own C Op base, built on first use, so importing this
module imports no backend. PyTensor's class also gets Numba and JAX
implementations, registered for that class only (:mod:`._pytensor`).
"""
from .. import _backend
from . import _pytensor  # imports no backend
from ._onepass import FLOAT_DTYPES, PenaltyLogic

__all__ = ['l1', 'l2', 'l1_and_l2', 'penalty_op']

# backend -> (class name, module of its C Op base, base name, module of
# Apply); Theano's come from lasagne_reg._variant, which knows Theano-PyMC's
_BASES = {
    'theano': ('TheanoOnePassPenalty', 'gof', 'Op', 'gof'),
    'aesara': ('AesaraOnePassPenalty', 'link.c.op', 'COp', 'graph.basic'),
    'pytensor': ('PyTensorOnePassPenalty', 'link.c.op', 'COp',
                 'graph.basic'),
}

# how a backend's class is made, where not by type() alone
_MAKERS = {'pytensor': _pytensor.build}

_CLASSES = {}


def op_class(name):
    """The one-pass penalty Op class of the backend `name`, built once."""
    cls = _CLASSES.get(name)
    if cls is None:
        cls = _CLASSES[name] = _build(name)
    return cls


def _bases(name):
    """_BASES[name], with Theano-PyMC's homes where it is the Theano
    installed (``theano.graph.op.COp``: it has no ``theano.gof``)."""
    spec = _BASES[name]
    if name == 'theano':
        from .. import _variant  # imports no backend
        variant = _variant.installed()
        if variant is not None:
            spec = (spec[0],) + variant.op_base + (variant.apply_module,)
    return spec


def _build(name):
    cls_name, base_module, base_name, apply_module = _bases(name)
    base = getattr(_backend.submodule(name, base_module), base_name)
    namespace = {
        '__module__': __name__,
        '__doc__': PenaltyLogic.__doc__,
        # the backends' metaclasses read these from the class itself
        '__props__': PenaltyLogic.__props__,
        '__str__': PenaltyLogic.__str__,
        # Theano runs an Op's C code on float16 only when it says so
        '_f16_ok': True,
        '_T': _backend.submodule(name, 'tensor'),
        '_Apply': _backend.submodule(name, apply_module).Apply,
    }
    make = _MAKERS.get(name, type)
    return make(cls_name, (PenaltyLogic, base), namespace)


def __getattr__(attr):
    # the classes are importable by name (pickle, the compile caches'
    # keys) without importing any backend before they are asked for
    for name, spec in _BASES.items():
        if spec[0] == attr:
            return op_class(name)
    raise AttributeError('module %r has no attribute %r' % (__name__, attr))


def penalty_op(kind, x):
    """The Op instance computing `kind` of the symbolic tensor `x`."""
    return op_class(_backend.backend(x))(kind)


def _penalty(kind, x, fallback):
    T = _backend.tensor_module(x)
    # host tensors only: a GPU array (Theano's gpuarray), a sparse matrix
    # or an integer tensor keeps Lasagne's expression, which its backend
    # knows how to place and type
    if type(x.type) is T.TensorType and str(x.dtype) in FLOAT_DTYPES:
        return penalty_op(kind, x)(x)
    return fallback(T)


def l1(x):
    """``sum(|x|)`` of the symbolic tensor `x`, in one pass."""
    return _penalty('l1', x, lambda T: T.sum(abs(x)))


def l2(x):
    """``sum(x ** 2)`` of the symbolic tensor `x`, in one pass."""
    return _penalty('l2', x, lambda T: T.sum(x ** 2))


def l1_and_l2(x):
    """``(sum(|x|), sum(x ** 2))`` of the symbolic tensor `x`: one node and
    one pass over `x` (each bit for bit what :func:`l1` and :func:`l2`
    give)."""
    T = _backend.tensor_module(x)
    if type(x.type) is T.TensorType and str(x.dtype) in FLOAT_DTYPES:
        return tuple(penalty_op('l1_l2', x)(x))
    return T.sum(abs(x)), T.sum(x ** 2)
