"""A corpus of small Theano graphs, evaluated exactly: numpy 1 against 2.

Each case is a code snippet that builds Theano expressions from literals,
constants and shared variables and sets ``out`` (one expression or a list).
:func:`evaluate` compiles every case under each configuration (``floatX``
float64 and float32, ``cast_policy`` custom and numpy+floatX) in Theano's
pure-Python mode (every case) and in its default C mode (a subset: the C code
of an Op is the same source on both numpy versions, what NEP 50 changes is
the graph and Theano's Python code), and records for every output its
symbolic dtype, its value's dtype and shape, and the exact bytes of the value
in hex; or the exception's type where building or running the case raised.

Run as a script it prints that record as JSON, so that another interpreter
(the numpy 1.23.5 virtualenv, the reference) can be compared with this one::

    python tests/_parity_corpus.py [--without-patches] [--only NAME ...]

``--without-patches`` runs ``lasagne_reg.compat.install()`` and then takes
the numpy-2 patches back out (``_patch.restore``), to show what they fix.
The tests (tests/test_compat_numpy2.py) compare the two records.
"""
import json
import os
import sys

# Python literals of every kind: floats that float32 holds exactly or not,
# overflows and underflows of float32 and float64, ints on both sides of
# every integer range, and a bool
FLOAT_LITERALS = ['0.1', '2.5', '-0.5', '1/3', '1e-4', '1e-8', '65504.0',
                  '70000.5', '3.4e39', '1e300', '1e-310', '1e-45', '-0.0',
                  "float('inf')", "float('nan')", '16777217.0']
INT_LITERALS = ['0', '1', '-1', '127', '128', '-128', '-129', '200', '255',
                '256', '300', '32767', '32768', '70000', '2**31 - 1', '2**31',
                '-2**31 - 1', '2**40', '2**63 - 1', '2**63', '2**64 - 1',
                'True']
LITERALS = FLOAT_LITERALS + INT_LITERALS

# shared variables of each dtype (values chosen to show rounding and wrap)
VARIABLES = {
    'f64': ('float64', [2.5, -1.25, 3.0]),
    'f32': ('float32', [2.5, -1.25, 3.0]),
    'i64': ('int64', [7, -3, 100]),
    'i32': ('int32', [7, -3, 100]),
    'i16': ('int16', [7, -3, 100]),
    'i8': ('int8', [7, -3, 100]),
    'u8': ('uint8', [7, 3, 250]),
}


def _cases():
    cases = []
    for lit in LITERALS:
        cases.append(('constant(%s)' % lit, 'out = T.constant(%s)' % lit))
        cases.append(('as_tensor(%s)' % lit,
                      'out = T.as_tensor_variable(%s)' % lit))
        for var in VARIABLES:
            cases.append(('%s * %s' % (var, lit), 'out = %s * (%s)' % (var, lit)))
            cases.append(('%s + %s' % (var, lit), 'out = %s + (%s)' % (var, lit)))
    more = [
        # the literals of a Lasagne training graph
        ('l2 coefficient', 'out = 1e-4 * T.sum(f64 ** 2)'),
        ('grad 0.1 l2', 'out = theano.grad(0.1 * T.sum(f64 ** 2), f64)'),
        ('grad 0.1 l2 f32', 'out = theano.grad(0.1 * T.sum(f32 ** 2), f32)'),
        ('grad sigmoid', 'out = theano.grad(T.sum(T.nnet.sigmoid(f64 * 0.3)), f64)'),
        ('sgd step', 'out = f32 - 0.01 * theano.grad(T.sum(f32 ** 2) * 0.5, f32)'),
        ('mean', 'out = [T.mean(f64 * 0.1), T.mean(i32), T.mean(i8), T.mean(f32)]'),
        # arange, literal dtypes in a graph's shape arithmetic
        ('arange(1000)', 'out = T.arange(1000)'),
        ('arange(5, 300, 7)', 'out = T.arange(5, 300, 7)'),
        ('arange(0.1, 1.0, 0.1)', 'out = T.arange(0.1, 1.0, 0.1)'),
        ('arange(2**40, 2**40 + 3)', 'out = T.arange(2**40, 2**40 + 3)'),
        ('arange index', 'out = f64[T.arange(2)]'),
        # constants with a dtype, casts (wrap-around), overflow, underflow
        ('constant(300, int8)', "out = T.constant(300, dtype='int8')"),
        ('constant([300, -1], uint8)', "out = T.constant([300, -1], dtype='uint8')"),
        ('constant(-1, uint64)', "out = T.constant(-1, dtype='uint64')"),
        ('constant(2**63, int64)', "out = T.constant(2**63, dtype='int64')"),
        ('cast constant 300 int8', "out = T.cast(T.constant(300), 'int8')"),
        ('cast constant 70000 int16', "out = T.cast(T.constant(70000), 'int16')"),
        ('cast i32 int8', "out = T.cast(i32 * 3, 'int8')"),
        ('cast i64 uint8', "out = T.cast(i64, 'uint8')"),
        ('cast f64 int8', "out = T.cast(f64 * 100, 'int8')"),
        ('cast f64 float32 overflow', "out = T.cast(f64 * 1e38, 'float32')"),
        ('f32 overflow', 'out = f32 * 3e38'),
        ('f32 underflow', 'out = f32 * 1e-30 * 1e-30'),
        ('f64 underflow', 'out = f64 * 1e-310'),
        ('i8 overflow', 'out = i8 * i8'),
        ('i8 + i8 wrap', 'out = i8 + T.constant(np.int8(100))'),
        ('u8 - 1', 'out = u8 - T.constant(np.uint8(10))'),
        ('i32 * 2**31', 'out = i32 * 2**31'),
        # integer and float arithmetic
        ('int true div', 'out = [i32 / 3, i8 / 2, i64 / 7]'),
        ('int floor div', 'out = [i32 // 3, i8 // 2, i32 // -2]'),
        ('int mod', 'out = [i32 % 300, i8 % 7, i32 % -3]'),
        ('int pow', 'out = [i32 ** 2, i8 ** 2, f32 ** 0.5, f64 ** -1.5]'),
        ('maximum literal', 'out = [T.maximum(i32, 300), T.maximum(f32, 0.1), T.minimum(i8, 200)]'),
        ('clip', 'out = [T.clip(f64, 0.1, 2.6), T.clip(f32, 0.1, 2.6), T.clip(i8, -2, 300)]'),
        ('switch', 'out = [T.switch(f32 > 0.1, f32, 0.2), T.switch(i8 > 2, i8, 300)]'),
        ('compare', 'out = [T.eq(f32, 2.5), f32 < 0.1, T.eq(i8, 300), i8 < 200, f64 > 1/3]'),
        ('floor ceil', 'out = [T.floor(f64 * 0.1), T.ceil(f32 * 0.1), T.round(f32 * 0.3)]'),
        ('exp log', 'out = [T.exp(f32 * 0.1), T.log(f64 * 0.1 + 1), T.log1p(f32 * 1e-8)]'),
        ('sigmoid softmax', 'out = [T.nnet.sigmoid(f32 * 0.1), T.nnet.softmax(f64.dimshuffle("x", 0) * 0.1)]'),
        ('numpy scalar float64', 'out = [f32 * np.float64(0.1), f32 + np.float64(2.5)]'),
        ('numpy scalar float32', 'out = [f64 * np.float32(0.1), i32 * np.float32(0.5)]'),
        ('numpy scalar int', 'out = [i8 + np.int64(200), i32 * np.int16(300), f32 * np.int64(3)]'),
        ('0-d arrays', "out = [f32 * np.array(0.1), i8 + np.array(200, dtype='int16')]"),
        ('constant folding', "out = T.constant(np.array([1.5, 2.5], dtype='float32')) * np.float64(0.1)"),
        ('constant folding int', "out = T.constant(np.array([100, -3], dtype='int8')) + np.int64(200)"),
        ('scalar * vector', 'out = [f64.sum() * f32 * 0.1, f32.sum() * i8 * 300]'),
        # indexing
        ('slices', 'out = [f64[1:-1], f32[::-1], i8[-1], f64[-2:] * 0.1]'),
        ('int index', 'out = [f64[i8[0] - 6], f32[T.constant(2**31 + 1) % 3]]'),
        ('advanced index', 'out = [f64[[0, 2, 2]], f32[i64 % 3], i8[u8 % 3]]'),
        ('boolean mask', 'out = [f64[(f64 > 0.1).nonzero()], i32[(i32 > 100).nonzero()]]'),
        ('set_subtensor', 'out = [T.set_subtensor(f64[1], 0.1), T.set_subtensor(i8[0], 300)]'),
        ('inc_subtensor', 'out = [T.inc_subtensor(f32[1:], 0.1), T.inc_subtensor(i8[1], 200)]'),
        ('advanced inc', 'out = T.inc_subtensor(f64[[0, 0, 2]], 0.1)'),
        ('advanced inc grad', 'out = theano.grad(T.sum(f64[[0, 0, 2]] * 0.1), f64)'),
        # reductions
        ('sum', 'out = [T.sum(f64 * 0.1), T.sum(f32 * 0.1), T.sum(i8), T.sum(u8), T.sum(i32 * 300)]'),
        ('prod', 'out = [T.prod(f64 * 0.1), T.prod(i8), T.prod(i32 + 70000)]'),
        ('max min', 'out = [T.max(f32 * 0.1), T.min(i8 + 200), T.argmax(f64 * 0.1), T.argmin(i8)]'),
        ('var std', 'out = [T.var(f64 * 0.1), T.std(f32), T.var(i32)]'),
        ('acc dtype', "out = [T.sum(f32, acc_dtype='float32'), T.sum(i8, dtype='int8'), T.sum(u8, dtype='uint8')]"),
        ('cumsum', 'out = [T.extra_ops.cumsum(f64 * 0.1), T.extra_ops.cumsum(i8 + 200)]'),
        ('dot', 'out = [T.dot(f64, f64 * 0.1), T.dot(f32, f32 * 0.1), T.dot(i32, i32)]'),
        # sorting
        ('sort', 'out = [T.sort(f64 * 0.1), T.sort(i8 + 200), T.argsort(f32 * 0.1)]'),
        ('topk', 'out = [T.sort(T.topk(f64 * 0.1, 2, sorted=False)), T.sort(T.topk(f64, -2, sorted=False)),'
                 ' T.topk(i8, 1, sorted=False), T.topk(i8, -1, sorted=False), T.topk(f32, 3, sorted=False)]'),
        ('argtopk', 'out = [T.sort(T.argtopk(f64, 2, sorted=False)), T.sort(T.argtopk(f32, -2, sorted=False)),'
                    ' T.argtopk(i8, -1, sorted=False), T.sort(T.argtopk(i8, -3, sorted=False))]'),
        # a scan with literals in its step
        ('scan', 'out = theano.scan(lambda x, acc: acc * 0.9 + x * 0.1, sequences=f64,'
                 ' outputs_info=T.zeros_like(f64[0]))[0]'),
        ('scan f32', "out = theano.scan(lambda x, acc: acc * 0.9 + x * 0.1, sequences=f32,"
                     " outputs_info=T.constant(np.float32(0)))[0]"),
        ('scan int', 'out = theano.scan(lambda x, acc: acc + x * 300, sequences=i8,'
                     ' outputs_info=T.zeros_like(i8[0] * 300))[0]'),
        ('scan literal', 'out = theano.scan(lambda acc: acc * 0.1 + 1e-4, outputs_info=T.constant(2.5),'
                         ' n_steps=3)[0]'),
        ('scan grad', 'out = theano.grad(T.sum(theano.scan(lambda x, acc: acc * 0.5 + x * 0.1,'
                      ' sequences=f64, outputs_info=T.zeros_like(f64[0]))[0]), f64)'),
        # random streams with literals (MRG: Python and C code)
        ('mrg uniform', 'out = MRG(seed=1234).uniform((4,), low=0.1, high=0.9)'),
        ('mrg normal', 'out = MRG(seed=1234).normal((4,), avg=0.1, std=2.5)'),
        ('mrg binomial', 'out = MRG(seed=1234).binomial((6,), p=0.3)'),
        # T.ceil_intdiv (Theano's upcast of variables) and the shape of a
        # strided slice of an Alloc, which a rewrite builds with it
        ('ceil_intdiv', 'out = [T.ceil_intdiv(i32, 3), T.ceil_intdiv(i64, i32)]'),
        ('alloc strided slice', 'out = T.alloc(f64[0], 7)[::2]'),
        # Inv's Python code divides np.float32(1.0) by each element
        ('inv', 'out = [T.inv(f64), T.inv(f32), T.inv(i64), T.inv(i8), '
                'T.inv(T.cast(f64, "complex128"))]'),
        # numpy RandomState streams: two draws from one generator, not in
        # place (a shared RandomState without an update), so each copies it
        ('raw_random two draws',
         'rs = theano.shared(np.random.RandomState(7)); '
         'out = [T.raw_random.uniform(rs, (3,), 0.1, 0.9)[1], '
         'T.raw_random.normal(rs, (3,), 0.1, 2.5)[1]]'),
    ]
    return cases + more


CASES = _cases()

# one case for each measure of compat/_numpy2.py, and the literals of the
# issue: the corpus's quick slice (``--only`` these), which the reference
# data also records as its own run (results depend on what ran before in
# the process: Theano caches constants, and 0.0 and -0.0 share an entry)
MEASURED = ['f64 * 0.1', 'f64 * 3.4e39', 'f64 * 1e-310', 'i32 * 300',
            'i32 + 70000', 'i8 + 200', 'arange(1000)', 'constant(300, int8)',
            'cast constant 300 int8', 'grad 0.1 l2', 'mrg uniform',
            'raw_random two draws', 'ceil_intdiv', 'inv']

# the cases that also run in the C mode (FAST_RUN, the default): every
# case that is not a bare literal, and the literals of the issue on the
# float64, float32, int32 and int8 variables (in C a fused loop carries its
# literals in its code: each one is a new module to compile)
C_LITERALS = ['0.1', '1e-4', '3.4e39', '1e-310', '200', '300', '70000',
              '2**31', '2**63']
_LITERAL_CASES = {'%s %s %s' % (var, op, lit) for var in VARIABLES
                  for op in '*+' for lit in LITERALS}
C_CASES = [name for name, _ in CASES
           if not name.startswith(('constant(', 'as_tensor('))
           and (name not in _LITERAL_CASES
                or name.split(' ')[0] in ('f64', 'f32', 'i32', 'i8')
                and name.split(' ', 2)[2] in C_LITERALS)]

CONFIGS = [('float64', 'custom'), ('float32', 'custom'),
           ('float64', 'numpy+floatX'), ('float32', 'numpy+floatX')]


def _namespace(theano, np):
    import theano.tensor as T
    from theano.sandbox.rng_mrg import MRG_RandomStreams
    names = {'theano': theano, 'T': T, 'np': np, 'MRG': MRG_RandomStreams}
    for name, (dtype, values) in VARIABLES.items():
        names[name] = theano.shared(np.asarray(values, dtype=dtype), name=name)
    return names


def _record(value, variable):
    import numpy as np
    value = np.asarray(value)
    return [str(variable.dtype), str(value.dtype), list(value.shape),
            value.tobytes().hex()]


def _error(exc):
    return 'error: %s' % type(exc).__name__


def _build(code, theano, np):
    names = _namespace(theano, np)
    exec(code, names)
    out = names['out']
    return list(out) if isinstance(out, (list, tuple)) else [out]


def _evaluate_config(cases, mode, theano, np):
    """{name: [record per output] or 'error: Type'} for one configuration."""
    results, built = {}, {}
    for name, code in cases:
        try:
            built[name] = _build(code, theano, np)
        except Exception as exc:
            results[name] = _error(exc)
    groups = {}
    for name, outs in built.items():
        groups.setdefault(_group(name), []).append((name, outs))
    for items in groups.values():
        _run(items, mode, theano, results)
    return results


def _group(name):
    """Cases compiled into one function share it only where they cannot
    change each other's results: Theano merges equal-looking constants
    (0.0 and -0.0) in one function, and random streams of one seed."""
    if name in _LITERAL_CASES:
        return name.split(' ', 2)[2]          # one function per literal
    if name.startswith('mrg '):
        return name
    return ''


def _run(items, mode, theano, results):
    """Evaluate the built cases as one function; where that fails, in
    halves (so a case that cannot compile costs a few compiles, not one
    per case)."""
    outputs = [o for _, outs in items for o in outs]
    try:
        values = theano.function([], outputs, mode=mode,
                                 on_unused_input='ignore')()
    except Exception as exc:
        if len(items) == 1:
            results[items[0][0]] = _error(exc)
            return
        half = len(items) // 2
        _run(items[:half], mode, theano, results)
        _run(items[half:], mode, theano, results)
        return
    position = 0
    for name, outs in items:
        got = values[position:position + len(outs)]
        position += len(outs)
        results[name] = [_record(v, o) for v, o in zip(got, outs)]


def evaluate(only=None):
    """Evaluate the corpus in this process; return ``{key: record}``.

    Parameters
    ----------
    only : list of str, optional
        Case names to evaluate (default: all).

    Returns
    -------
    dict
        ``'<mode> <floatX> <cast_policy> | <case>'`` -> a list of
        ``[symbolic dtype, value dtype, shape, hex bytes]`` per output, or
        ``'error: <exception type>'``.
    """
    import warnings

    import numpy as np
    import theano
    from theano.compile.mode import Mode
    modes = {'py': Mode(linker='py', optimizer='fast_run'),
             'c': Mode(linker='cvm', optimizer='fast_run')}
    results = {}
    with warnings.catch_warnings(), np.errstate(all='ignore'):
        warnings.simplefilter('ignore')
        for floatx, policy in CONFIGS:
            with theano.configparser.change_flags(floatX=floatx,
                                                  cast_policy=policy):
                for mode_name, mode in modes.items():
                    cases = [(n, c) for n, c in CASES
                             if (only is None or n in only)
                             and (mode_name == 'py' or n in C_CASES)]
                    if mode_name == 'c' and policy != 'custom':
                        continue      # C: the default cast_policy only
                    done = _evaluate_config(cases, mode, theano, np)
                    for name, record in done.items():
                        results['%s %s %s | %s' % (mode_name, floatx, policy,
                                                   name)] = record
    return results


def main(argv=None):
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--without-patches', action='store_true')
    parser.add_argument('--only', nargs='*')
    args = parser.parse_args(argv)
    import lasagne_reg.compat
    lasagne_reg.compat.install()
    import theano  # noqa: F401 (the patches are set once it is imported)

    from tests import _pch
    _pch.install('theano')     # as in the test process (tests/_pch.py)
    if args.without_patches:
        from lasagne_reg.compat import _numpy2, _patch, _patched
        _patch.restore(_patched.wanted(source=_numpy2))
    import numpy as np
    results = evaluate(args.only)
    sys.stdout.write('\n' + json.dumps({'numpy': np.__version__,
                                        'results': results}) + '\n')
    return 0


if __name__ == '__main__':
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
        __file__))))
    sys.exit(main())
