"""Graphs of every Op compat._cops changes, for tests/test_compat_cops.py.

Each case builds a Theano graph, compiles it with the C linker (``'c'``:
every node in C, so a node cannot silently fall back to ``perform``; Unique,
which has no C code, runs in Theano's default mode) and evaluates it on
inputs made by ``numpy.random.RandomState`` (the same numbers on numpy 1 and
2). ``expected(values)`` computes the same with numpy alone, with numpy 1's
semantics spelled out where numpy 2 changed them.

Run as a script (``python -m tests._cops_corpus NAME ...``) it prints, as one
JSON line, each case's outputs (dtype, shape, bytes in hex), so that the
numpy-1.23.5 interpreter can evaluate the same graphs for comparison.
"""
import json
import sys
import warnings

import numpy as np


def _rng(seed):
    return np.random.RandomState(seed)


class Case:
    """One graph: ``build(theano, T)`` -> (inputs, outputs); ``values()`` ->
    the input arrays; ``expected(*values)`` -> numpy's outputs; ``op`` the
    Op class name the compiled graph must contain."""

    def __init__(self, name, op, build, values, expected, linker='c'):
        self.name, self.op, self.build = name, op, build
        self.values, self.expected, self.linker = values, expected, linker


def _add_at(x, idx, y):
    out = x.copy()
    np.add.at(out, idx, np.broadcast_to(y, (len(idx),) + x.shape[1:]))
    return out


def _set_at(x, idx, y):
    out = x.copy()
    y = np.broadcast_to(y, (len(idx),) + x.shape[1:])
    for k, j in enumerate(idx):       # in index order: the last one wins
        out[j] = y[k]
    return out


def _inc_case(name, x_dtype, x_shape, idx, y_shape, idx_dtype='int64',
              set_=False, y_dtype=None, low=-5, high=5):
    y_dtype = y_dtype or x_dtype

    def values():
        r = _rng(len(name))
        x = r.randint(low, high, size=x_shape) if x_dtype[0] in 'iu' else \
            r.randn(*x_shape)
        y = r.randint(low, high, size=y_shape) if y_dtype[0] in 'iu' else \
            r.randn(*y_shape)
        if x_dtype.startswith('complex'):
            x = x + 1j * r.randn(*x_shape)
            y = y + 1j * r.randn(*y_shape)
        return [np.asarray(x).astype(x_dtype), np.asarray(y).astype(y_dtype),
                np.asarray(idx, dtype=idx_dtype)]

    def build(theano, T):
        x = T.TensorType(x_dtype, (False,) * len(x_shape))()
        y = T.TensorType(y_dtype, (False,) * len(y_shape))()
        i = T.TensorType(idx_dtype, (False,))()
        f = T.set_subtensor if set_ else T.inc_subtensor
        return [x, y, i], [f(x[i], y)]

    def expected(x, y, i):
        y = y.astype(x.dtype)
        return [_set_at(x, i, y) if set_ else _add_at(x, i, y)]

    return Case(name, 'AdvancedIncSubtensor1', build, values, expected)


def _float16_bits():
    """Theano 1.0.5's C code adds float16 as npy_half, an unsigned 16-bit
    integer: the bit patterns are summed (1 + 1 + 1 is -0.25). A Theano bug
    that numpy 1.23.5 and numpy 2 share; kept, since parity is the rule."""
    case = _inc_case('inc1_float16_adds_bit_patterns', 'float16', (3,),
                     [0, 0, 2], (3,))

    def expected(x, y, i):
        bits = x.view(np.uint16).copy()
        np.add.at(bits, i, y.view(np.uint16))
        return [bits.view(np.float16)]
    case.expected = expected
    return case


def _embedding_grad():
    def values():
        r = _rng(7)
        return [r.randn(6, 4), np.array([0, 5, 2, 0, 0, 5, 3], dtype='int32')]

    def build(theano, T):
        W, i = T.dmatrix(), T.ivector()
        return [W, i], [theano.grad(T.sum(W[i] ** 2), W)]

    def expected(W, i):
        return [_add_at(np.zeros_like(W), i, 2 * W[i])]
    return Case('embedding_grad', 'AdvancedIncSubtensor1', build, values,
                expected)


def _bincount(weights, minlength=None):
    def values():
        r = _rng(11)
        out = [r.randint(0, 7, size=20).astype('int64')]
        if weights:
            out.append(r.randn(20))
        return out

    def build(theano, T):
        from theano.tensor import extra_ops
        x = T.lvector()
        if weights:
            w = T.dvector()
            return [x, w], [extra_ops.bincount(x, w, minlength=minlength)]
        return [x], [extra_ops.bincount(x, minlength=minlength)]

    def expected(x, w=None):
        return [np.bincount(x, w, minlength=minlength or 0)]
    name = 'bincount' + ('_weights' if weights else '') + (
        '_minlength' if minlength else '')
    return Case(name, 'AdvancedIncSubtensor1', build, values, expected)


def _cum(mode, axis, shape, dtype='float64'):
    def values():
        r = _rng(3)
        return [(r.rand(*shape) + 0.5).astype(dtype)]

    def build(theano, T):
        x = T.TensorType(dtype, (False,) * len(shape))()
        f = T.extra_ops.cumsum if mode == 'add' else T.extra_ops.cumprod
        return [x], [f(x, axis=axis)]

    def expected(x):
        f = np.cumsum if mode == 'add' else np.cumprod
        return [f(x, axis=axis)]
    return Case('cum%s_axis%s_%dd' % (mode, axis, len(shape)), 'CumOp',
                build, values, expected)


def _max_and_argmax():
    def values():
        return [_rng(5).randn(4, 3)]

    def build(theano, T):
        m = T.dmatrix()
        return [m], list(T.max_and_argmax(m))

    def expected(m):
        return [np.asarray(m.max()), np.asarray(m.argmax(), dtype='int64')]
    return Case('max_and_argmax_all_axes', 'MaxAndArgmax', build, values,
                expected)


def _adv_sub1(idx_dtype):
    def values():
        return [_rng(9).randn(5, 2), np.array([4, 0, 3, 0], dtype=idx_dtype)]

    def build(theano, T):
        m, i = T.dmatrix(), T.TensorType(idx_dtype, (False,))()
        return [m, i], [m[i]]

    def expected(m, i):
        return [m[i.astype(np.intp)]]
    return Case('adv_sub1_' + idx_dtype, 'AdvancedSubtensor1', build,
                values, expected)


def _complex(name, dtype, fn, npfn, linker='c'):
    def values():
        r = _rng(13)
        a = r.randn(6) + 1j * r.randn(6)
        b = r.randn(6) + 1j * r.randn(6) + 0.5
        return [a.astype(dtype), b.astype(dtype)]

    def build(theano, T):
        a, b = T.vector(dtype=dtype), T.vector(dtype=dtype)
        return [a, b], [fn(T, a, b)]

    def expected(a, b):
        return [npfn(a, b)]
    return Case(name, 'Elemwise', build, values, expected, linker)


def _unique(return_index):
    def values():
        return [_rng(17).randint(0, 4, size=(3, 4)).astype('int32')]

    def build(theano, T):
        from theano.tensor import extra_ops
        x = T.imatrix()
        op = extra_ops.Unique(return_index=return_index, return_inverse=True)
        return [x], op(x)

    def expected(x):
        # numpy 1's np.unique: the inverse of a matrix is flat
        flat = x.ravel()
        uniq = np.array(sorted(set(flat.tolist())), dtype=x.dtype)
        inverse = np.array([uniq.tolist().index(v) for v in flat],
                           dtype='int64')
        first = np.array([flat.tolist().index(v) for v in uniq],
                         dtype='int64')
        return [uniq] + ([first] if return_index else []) + [inverse]
    return Case('unique_inverse' + ('_index' if return_index else ''),
                'Unique', build, values, expected, linker='default')


def _numpy_conv(x, w, full):
    """A convolution (flipped filters, as ConvOp computes it) written out
    with numpy: out[b, k, i, j] = sum over c, u, v of x[b, c, i + u, j + v]
    times the flipped w[k, c, u, v]; 'full' pads x with zeros first."""
    rows, cols = w.shape[2:]
    if full:
        x = np.pad(x, [(0, 0), (0, 0), (rows - 1, rows - 1),
                       (cols - 1, cols - 1)])
    windows = np.lib.stride_tricks.sliding_window_view(x, (rows, cols),
                                                       axis=(2, 3))
    return np.einsum('bcijuv,kcuv->bkij', windows, w[:, :, ::-1, ::-1])


def _conv(border_mode, shapes):
    """ConvOp, the old ``theano.tensor.nnet.conv.conv2d``; with `shapes`
    Theano knows the shapes and writes unrolled C code."""
    x_shape, w_shape = (2, 3, 7, 6), (4, 3, 3, 2)

    def values():
        r = _rng(19)
        return [r.randn(*x_shape), r.randn(*w_shape)]

    def build(theano, T):
        from theano.tensor.nnet import conv
        x, w = T.dtensor4(), T.dtensor4()
        known = dict(image_shape=x_shape, filter_shape=w_shape) if shapes \
            else {}
        with warnings.catch_warnings():     # conv.conv2d is deprecated
            warnings.simplefilter('ignore', UserWarning)
            return [x, w], [conv.conv2d(x, w, border_mode=border_mode,
                                        **known)]

    def expected(x, w):
        return [_numpy_conv(x, w, border_mode == 'full')]
    return Case('conv2d_%s%s' % (border_mode, '_shapes' if shapes else ''),
                'ConvOp', build, values, expected)


CASES = [
    _inc_case('inc1_float64_repeated', 'float64', (5, 3), [0, 2, 0, 4, -1, 0],
              (6, 3)),
    _inc_case('set1_float32_repeated', 'float32', (5, 3), [1, 3, 1, -2],
              (4, 3), set_=True),
    _inc_case('inc1_broadcast_row', 'float64', (4, 3), [3, 3, 1], (3,)),
    _inc_case('inc1_broadcast_scalar', 'float32', (4, 2), [0, 0, 2], ()),
    _inc_case('inc1_vector', 'float64', (7,), [6, 0, 6, 6, -7], (5,)),
    _inc_case('inc1_3d_int32_index', 'float64', (4, 2, 3), [2, 0, 2],
              (3, 2, 3), idx_dtype='int32'),
    _inc_case('inc1_int8_wraps', 'int8', (3, 2), [1, 1, 1, 1], (4, 2),
              low=60, high=127),
    _inc_case('inc1_int32_uint8_index', 'int32', (4,), [3, 1, 3], (3,),
              idx_dtype='uint8'),
    _inc_case('inc1_float32_from_float64', 'float32', (3, 2), [2, 0, 2],
              (3, 2), y_dtype='float64'),
    _inc_case('inc1_complex128', 'complex128', (4, 2), [1, 3, 1], (3, 2)),
    _inc_case('set1_complex64', 'complex64', (4,), [1, 3, 1], (3,),
              set_=True),
    _inc_case('inc1_empty_index', 'float64', (3, 2), [], (0, 2)),
    _float16_bits(),
    _embedding_grad(),
    _bincount(False),
    _bincount(True),
    _bincount(False, minlength=10),
    _cum('add', None, (3, 4)),
    _cum('mul', None, (3, 4)),
    _cum('add', None, (2, 3, 2), dtype='float32'),
    _cum('add', 0, (5,)),
    _cum('add', 1, (3, 4)),
    _cum('mul', -1, (2, 3)),
    _max_and_argmax(),
    _adv_sub1('uint64'),
    _adv_sub1('int32'),
    _adv_sub1('int64'),
    _complex('complex128_mul_add', 'complex128',
             lambda T, a, b: a * b + a, lambda a, b: a * b + a),
    _complex('complex64_sub_neg', 'complex64',
             lambda T, a, b: -(a - b), lambda a, b: -(a - b)),
    _complex('complex128_div', 'complex128',
             lambda T, a, b: a / b, lambda a, b: a / b),
    _complex('complex128_abs', 'complex128',
             lambda T, a, b: abs(a), lambda a, b: np.abs(a)),
    _complex('complex64_times_real', 'complex64',
             lambda T, a, b: a * 2.5 + 1, lambda a, b: a * np.float32(2.5) + 1),
    _complex('complex128_real_imag', 'complex128',
             lambda T, a, b: T.real(a * b) + T.imag(a),
             lambda a, b: (a * b).real + a.imag,
             linker='default'),     # Real and Imag have no C code
    _complex('float_to_complex64_cast', 'complex64',
             lambda T, a, b: T.cast(T.real(a), 'complex64') * b,
             lambda a, b: a.real.astype('complex64') * b,
             linker='default'),
    _unique(False),
    _unique(True),
    _conv('valid', False),
    _conv('full', False),
    _conv('valid', True),
]

BY_NAME = {case.name: case for case in CASES}


def compile_case(case):
    """(theano function, input values) for one case."""
    import theano
    import theano.tensor as T
    inputs, outputs = case.build(theano, T)
    mode = theano.Mode(linker='c') if case.linker == 'c' else None
    return (theano.function(inputs, outputs, mode=mode,
                            on_unused_input='ignore'), case.values())


def op_names(function):
    return [type(node.op).__name__
            for node in function.maker.fgraph.toposort()]


def encode(array):
    array = np.asarray(array)
    return {'dtype': str(array.dtype), 'shape': list(array.shape),
            'hex': np.ascontiguousarray(array).tobytes().hex()}


def evaluate(names):
    """{name: {'ops': [...], 'outputs': [encoded...]}}."""
    results = {}
    for name in names:
        function, values = compile_case(BY_NAME[name])
        results[name] = {'ops': op_names(function),
                         'outputs': [encode(out) for out in function(*values)]}
    return results


def main(argv):
    import lasagne_reg.compat
    lasagne_reg.compat.install()
    print(json.dumps({'numpy': np.__version__,
                      'results': evaluate(argv or list(BY_NAME))}))


if __name__ == '__main__':
    main(sys.argv[1:])
