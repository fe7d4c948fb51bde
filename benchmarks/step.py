#!/usr/bin/env python
"""What an L2 penalty costs in a training step, against the physical limit.

Two Lasagne MLPs (float32, batch 128, rectify, softmax output, categorical
cross-entropy, SGD), in one process on Theano's C backend (FAST_RUN):

mlp
    784-2048-2048-2048-2048-10 (14.2M parameters: few large weights).
deep
    784-256 then 63 more DenseLayer(256), then 10 (4.4M parameters in 65
    weights: many small ones).

Each network's step is compiled four ways, all updating the same shared
weights:

none
    the loss alone, no penalty.
lasagne
    ``loss + coef * lasagne.regularization.regularize_network_params(net,
    l2)``: Lasagne's formulation.
ours
    the same with ``lasagne_reg.regularization``.
ideal
    the loss alone, the decay written into the update,
    ``W - lr * (g + 2 * coef * W)``, and the penalty's value by one BLAS
    read of each weight, ``numpy.vdot(w, w)``, after the step (in the graph,
    ``T.dot(w.flatten(), w.flatten())`` takes Theano minutes to compile for
    many same-shaped weights).

and, beside them, ``numpy``: numpy's matmul for the same products on arrays
of the same shapes (forward ``X @ W``, weight gradients ``A.T @ dY``, input
gradients ``dY @ W.T``): the step's physical limit, as far as a BLAS goes.

Each printed ratio is timed in adjacent pairs of its own (see
``_timing.py``) and printed as the median of the paired ratios with its
10-90 percentile spread: ``ours/none`` (what the penalty costs),
``ours/lasagne``, ``ours/ideal`` (what is left to gain) and
``<step>/numpy``.

Usage::

    python benchmarks/step.py                  # both networks, 15 pairs a ratio
    python benchmarks/step.py --nets mlp --rounds 40
    python benchmarks/step.py --blas openblas  # link scipy-openblas32 by hand
    python benchmarks/step.py --smoke          # tiny networks: seconds

Prints which BLAS Theano links (``blas.ldflags``) in its header: without a
BLAS, Theano's Gemm is the NumPy C-API fallback and every ratio to numpy is
several times worse.
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _callgrind  # noqa: E402
import _stack  # noqa: E402
import _timing  # noqa: E402

VARIANTS = ('none', 'lasagne', 'ours', 'ideal')
NETS = {
    # name: (inputs, hidden widths, outputs)
    'mlp': (784, (2048,) * 4, 10),
    'deep': (784, (256,) * 64, 10),
}
SMOKE_NETS = {
    'mlp': (32, (64,) * 4, 10),
    'deep': (32, (16,) * 8, 10),
}
RATIOS = (('ours', 'none'), ('ours', 'lasagne'), ('ours', 'ideal'),
          ('none', 'numpy'), ('ours', 'numpy'), ('ideal', 'numpy'))


def build_network(shape, batch, seed=0):
    import lasagne
    import numpy as np
    from lasagne.layers import DenseLayer, InputLayer
    lasagne.random.set_rng(np.random.RandomState(seed))
    n_in, hidden, n_out = shape
    layer = InputLayer((batch, n_in))
    for width in hidden:
        layer = DenseLayer(layer, width,
                           W=lasagne.init.GlorotUniform(gain='relu'))
    return DenseLayer(layer, n_out,
                      nonlinearity=lasagne.nonlinearities.softmax)


def compile_steps(net, coef, lr, mode, variants=VARIANTS):
    """{variant: theano function (x, y) -> loss}, and compile seconds."""
    import lasagne
    import lasagne.regularization as theirs
    import numpy as np
    import theano
    import theano.tensor as T

    import lasagne_reg.regularization as ours
    x, y = T.matrix('x'), T.ivector('y')
    out = lasagne.layers.get_output(net, x)
    loss = T.mean(T.nnet.categorical_crossentropy(out, y))
    params = lasagne.layers.get_all_params(net, trainable=True)
    weights = lasagne.layers.get_all_params(net, regularizable=True)
    coef_c = np.float32(coef)
    lr_c = np.float32(lr)
    steps, seconds = {}, {}
    for variant in variants:
        start = time.perf_counter()
        if variant == 'ideal':
            grads = theano.grad(loss, params)
            decay = np.float32(2 * coef)
            updates = [(p, p - lr_c * (g + decay * p) if p in weights
                        else p - lr_c * g) for p, g in zip(params, grads)]
            outputs = loss
        else:
            total = loss
            if variant != 'none':
                module = theirs if variant == 'lasagne' else ours
                total = loss + coef_c * module.regularize_network_params(
                    net, module.l2)
            updates = lasagne.updates.sgd(total, params, lr_c)
            outputs = total
        fn = theano.function([x, y], outputs, updates=updates, mode=mode)
        if variant == 'ideal':
            fn = _with_value(fn, weights, coef_c)
        steps[variant] = fn
        seconds[variant] = time.perf_counter() - start
    return steps, seconds


def _with_value(step, weights, coef):
    """`step`, returning also the penalty's value by ``numpy.vdot``.

    In the graph, ``T.dot(w.flatten(), w.flatten())`` per weight would be
    the same BLAS read, but Theano 1.0.5's MergeOptimizer takes minutes to
    compile it for many weights of one shape (seen: 16 weights of 16 x 16,
    5-12 s; the 41 of the --smoke deep network, 648 s).
    """
    import numpy as np

    def ideal(x, y):
        loss = step(x, y)
        value = coef * sum(np.vdot(a, a) for a in
                           (w.get_value(borrow=True) for w in weights))
        return loss, value
    return ideal


def numpy_products(net, batch, seed=1):
    """numpy's matmul for the products of one step, on same-shaped arrays.

    Forward ``A @ W`` per layer, then backward ``A.T @ dY`` (weight
    gradient) per layer and ``dY @ W.T`` (input gradient) for every layer
    but the first, into preallocated outputs. The weights are the network's
    own arrays.
    """
    import lasagne
    import numpy as np
    rng = np.random.default_rng(seed)
    layers = [lay for lay in lasagne.layers.get_all_layers(net)
              if hasattr(lay, 'W')]
    ws = [lay.W.get_value(borrow=True) for lay in layers]
    acts = [rng.standard_normal((batch, w.shape[0]), dtype=np.float32)
            for w in ws]
    outs = [np.empty((batch, w.shape[1]), np.float32) for w in ws]
    dws = [np.empty_like(w) for w in ws]
    dxs = [np.empty((batch, w.shape[0]), np.float32) for w in ws]

    def products():
        for a, w, o in zip(acts, ws, outs):
            np.matmul(a, w, out=o)
        for i in range(len(ws) - 1, -1, -1):
            np.matmul(acts[i].T, outs[i], out=dws[i])
            if i:
                np.matmul(outs[i], ws[i].T, out=dxs[i])
    return products


def penalty_values(net, coef):
    """coef * l2 of the weights: Lasagne's and ours, compiled alone."""
    import lasagne.regularization as theirs
    import numpy as np
    import theano

    import lasagne_reg.regularization as ours
    c = np.float32(coef)
    fn = theano.function([], [c * m.regularize_network_params(net, m.l2)
                              for m in (theirs, ours)])
    return dict(zip(('lasagne', 'ours'), (float(v) for v in fn())))


def products_count(net):
    import lasagne
    layers = [lay for lay in lasagne.layers.get_all_layers(net)
              if hasattr(lay, 'W')]
    return 3 * len(layers) - 1


def run_net(name, shape, opts, mode):
    import lasagne
    import numpy as np
    net = build_network(shape, opts.batch)
    n_params = lasagne.layers.count_params(net, trainable=True)
    n_weights = len(lasagne.layers.get_all_params(net, regularizable=True))
    print('%s: %s, %s parameters, %d regularizable weights, %d products'
          % (name, '-'.join(str(s) for s in
                            (shape[0],) + tuple(shape[1]) + (shape[2],))
             if len(shape[1]) <= 6 else '%d-%dx%d-%d' % (
                 shape[0], len(shape[1]), shape[1][0], shape[2]),
             f'{n_params:,}', n_weights, products_count(net)),
          flush=True)
    steps, compile_s = compile_steps(net, opts.coef, opts.lr, mode)
    print('  compiled (s, warm cache after the first run): %s' % ', '.join(
        '%s %.1f' % kv for kv in compile_s.items()), flush=True)
    rng = np.random.default_rng(2)
    xb = rng.standard_normal((opts.batch, shape[0]), dtype=np.float32)
    yb = rng.integers(0, shape[2], opts.batch).astype(np.int32)
    fns = {v: (lambda f=f: f(xb, yb)) for v, f in steps.items()}
    fns['numpy'] = numpy_products(net, opts.batch)
    # the penalties are the same number (float32 against float64)
    exact = opts.coef * sum(
        float(np.dot(w.ravel(), w.ravel())) for w in
        (p.get_value().astype(np.float64) for p in
         lasagne.layers.get_all_params(net, regularizable=True)))
    values = penalty_values(net, opts.coef)
    print('  penalty coef*l2: float64 %.7g, %s' % (exact, ', '.join(
        '%s %.7g' % kv for kv in values.items())), flush=True)
    result, samples = {}, {}
    for a, b in RATIOS:
        # each ratio from adjacent pairs of its own: the closer in time the
        # two samples of a pair, the better the machine's drift cancels
        times = _timing.interleave({a: fns[a], b: fns[b]}, opts.rounds,
                                   min_time=opts.min_time,
                                   max_time=opts.max_time)
        for v, exc in times.errors.items():
            print('  %s failed: %r' % (v, exc))
        for v in (a, b):
            samples.setdefault(v, []).extend(times.get(v, []))
        r = _timing.ratio(times, a, b)
        print('  %-14s %s' % ('%s/%s' % (a, b), _timing.format_ratio(r)),
              flush=True)
        result['%s/%s' % (a, b)] = [r.median, r.low, r.high, r.n]
    print('  median seconds per call: %s' % ', '.join(
        '%s %s' % (v, _timing.seconds(float(np.median(samples[v]))).strip())
        for v in list(VARIANTS) + ['numpy'] if samples.get(v)), flush=True)
    if opts.instructions:
        result['instructions ours/none'] = count_instructions(name, opts)
    return result


# -- PyTensor: a plain MLP, no Lasagne -----------------------------------------

def pytensor_steps(shape, batch, coef, lr, seed=0):
    """{'none', 'ours'}: SGD steps of a plain PyTensor MLP (no Lasagne), in
    PyTensor's default mode; and its weights.

    The same network as Lasagne's (``shape``: inputs, hidden widths,
    outputs; rectify, softmax, categorical cross-entropy, Glorot-uniform
    weights with gain sqrt(2), zero biases), written with PyTensor alone;
    *ours* adds ``coef * sum(lasagne_reg.regularization.l2(W))``.
    """
    import numpy as np
    import pytensor
    import pytensor.tensor as pt
    from pytensor.tensor.special import softmax

    import lasagne_reg.regularization as ours
    rng = np.random.default_rng(seed)
    x, y = pt.matrix('x', dtype='float32'), pt.ivector('y')
    sizes = (shape[0],) + tuple(shape[1]) + (shape[2],)
    params, weights, h = [], [], x
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        bound = np.sqrt(2.0) * np.sqrt(6.0 / (n_in + n_out))
        W = pytensor.shared(rng.uniform(-bound, bound, (n_in, n_out))
                            .astype(np.float32), name='W%d' % i)
        b = pytensor.shared(np.zeros(n_out, np.float32), name='b%d' % i)
        params += [W, b]
        weights.append(W)
        h = pt.dot(h, W) + b
        h = softmax(h, axis=1) if i == len(sizes) - 2 else pt.maximum(h, 0)
    loss = -pt.mean(pt.log(h[pt.arange(y.shape[0]), y]))
    lr_c, coef_c = np.float32(lr), np.float32(coef)
    steps = {}
    for variant in ('none', 'ours'):
        total = loss
        if variant == 'ours':
            total = loss + coef_c * ours.apply_penalty(weights, ours.l2)
        grads = pytensor.grad(total, params)
        updates = [(p, p - lr_c * g) for p, g in zip(params, grads)]
        steps[variant] = pytensor.function([x, y], total, updates=updates)
    return steps, weights


def _steps_for(backend, shape, opts):
    """{variant: step function (x, y)} of `backend`: none and ours."""
    if backend == 'pytensor':
        return pytensor_steps(shape, opts.batch, opts.coef, opts.lr)[0]
    import theano
    net = build_network(shape, opts.batch)
    steps, _ = compile_steps(net, opts.coef, opts.lr,
                             _stack.compile_mode('theano/c'),
                             variants=('none', 'ours'))
    del theano
    return steps


def _batch(shape, batch):
    import numpy as np
    rng = np.random.default_rng(2)
    xb = rng.standard_normal((batch, shape[0]), dtype=np.float32)
    yb = rng.integers(0, shape[2], batch).astype(np.int32)
    return xb, yb


def count_worker(opts):
    """Under callgrind: one step of none and of ours, counted, twice."""
    nets = SMOKE_NETS if opts.smoke else NETS
    shape = nets[opts.count_worker]
    steps = _steps_for(opts.backend, shape, opts)
    xb, yb = _batch(shape, opts.batch)
    for fn in steps.values():        # compiled, warm: not counted
        fn(xb, yb)
        fn(xb, yb)
    for _ in range(2):
        for variant in ('none', 'ours'):
            _callgrind.count(variant, lambda f=steps[variant]: f(xb, yb))
    return 0


def count_instructions(net, opts):
    """ours/none of the instructions of one step (callgrind), printed."""
    import subprocess
    import tempfile
    why = _callgrind.available()
    if why:
        print('  instructions: not counted (%s)' % why)
        return None
    out_dir = tempfile.mkdtemp(prefix='lasagne_reg_step_cg_')
    argv = [os.path.abspath(__file__), '--backend', opts.backend,
            '--count-worker', net, '--batch', str(opts.batch),
            '--coef', str(opts.coef), '--lr', str(opts.lr),
            '--blas', opts.blas] + (['--smoke'] if opts.smoke else []) + \
        (['--compiledir', opts.compiledir] if opts.compiledir else [])
    cmd, env = _callgrind.command(argv, out_dir)
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode:
        print('  instructions: the callgrind run failed (%d): %s' % (
            done.returncode, done.stderr.strip()[-1500:]))
        return None
    counts = _callgrind.totals(out_dir)
    import shutil
    shutil.rmtree(out_dir, ignore_errors=True)
    per = {}
    for label, total in counts:
        per.setdefault(label, []).append(total)
    ratio = float(per['ours'][0]) / per['none'][0]
    print('  instructions of one step (callgrind, %.0f s; OPENBLAS and '
          'kernel threads 1): none %s, ours %s; ours/none %.4f (again: '
          '%.4f)' % (time.perf_counter() - start,
                     ' / '.join(f'{v:,}' for v in per['none']),
                     ' / '.join(f'{v:,}' for v in per['ours']),
                     ratio, float(per['ours'][1]) / per['none'][1]),
          flush=True)
    return ratio


def run_pytensor_net(name, shape, opts):
    """Wall-clock ours/none of the plain PyTensor MLP, default mode."""
    import numpy as np
    import pytensor
    start = time.perf_counter()
    steps, weights = pytensor_steps(shape, opts.batch, opts.coef, opts.lr)
    xb, yb = _batch(shape, opts.batch)
    for fn in steps.values():
        fn(xb, yb)            # the JIT compiles on the first call
    print('%s (PyTensor, no Lasagne): %s, %d weights; built, compiled and '
          'run once in %.1f s (default linker: %s)' % (
              name, '-'.join(str(v) for v in (shape[0],) + tuple(shape[1])
                             + (shape[2],)) if len(shape[1]) <= 6 else
              '%d-%dx%d-%d' % (shape[0], len(shape[1]), shape[1][0],
                               shape[2]), len(weights),
              time.perf_counter() - start, type(
                  pytensor.compile.mode.get_default_mode().linker).__name__),
          flush=True)
    fns = {v: (lambda f=f: f(xb, yb)) for v, f in steps.items()}
    times = _timing.interleave(fns, opts.rounds, min_time=opts.min_time,
                               max_time=opts.max_time)
    r = _timing.ratio(times, 'ours', 'none')
    print('  %-14s %s' % ('ours/none', _timing.format_ratio(r)), flush=True)
    print('  median seconds per call: none %s, ours %s' % tuple(
        _timing.seconds(float(np.median(times[v]))).strip()
        for v in ('none', 'ours')), flush=True)
    result = {'ours/none': [r.median, r.low, r.high, r.n]}
    if opts.instructions:
        result['instructions ours/none'] = count_instructions(name, opts)
    return result


def _parse(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--nets', nargs='+', choices=sorted(NETS),
                        default=['mlp', 'deep'])
    parser.add_argument('--rounds', type=int, default=15,
                        help='pairs per ratio (default 15)')
    parser.add_argument('--max-time', type=float, default=60.0,
                        help='stop the pairs of a ratio after this many '
                        'seconds (at least 3 pairs; default 60)')
    parser.add_argument('--min-time', type=float, default=0.0,
                        help='seconds per sample (default: one call)')
    parser.add_argument('--batch', type=int, default=128)
    parser.add_argument('--coef', type=float, default=1e-4,
                        help='l2 coefficient (default 1e-4)')
    parser.add_argument('--lr', type=float, default=1e-3)
    parser.add_argument('--blas', choices=_stack.BLAS_CHOICES,
                        default='compat', help='how Theano gets a BLAS '
                        '(see benchmarks/_stack.py; default compat)')
    parser.add_argument('--compiledir', help='Theano base_compiledir '
                        '(default: THEANO_FLAGS or Theano\'s own)')
    parser.add_argument('--smoke', action='store_true',
                        help='tiny networks, 3 rounds: seconds (CI)')
    parser.add_argument('--json', action='store_true',
                        help='end with one JSON line of the ratios')
    parser.add_argument('--backend', choices=('theano', 'pytensor'),
                        default='theano', help='theano: the Lasagne MLPs '
                        'on Theano C (default); pytensor: the same MLPs '
                        'written in plain PyTensor, in its default mode '
                        '(ours/none only)')
    parser.add_argument('--instructions', action='store_true',
                        help='also count the instructions of one step of '
                        'none and of ours under valgrind --tool=callgrind '
                        '(deterministic; minutes per network)')
    parser.add_argument('--count-worker', help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None):
    opts = _parse(argv)
    if opts.smoke:
        opts.rounds, opts.batch = 3, 8
    mode_name = 'theano/c' if opts.backend == 'theano' else 'pytensor/numba'
    if opts.count_worker:
        # scipy.stats' boost ufuncs fail to initialise under valgrind
        # (SystemError, not ImportError); Theano imports scipy.stats for its
        # scipy-based scalar ops (none in these steps) and does without
        # them on an ImportError
        sys.modules['scipy.stats'] = None
        _stack.configure(mode_name, opts.compiledir, opts.blas)
        return count_worker(opts)
    if opts.backend == 'pytensor':
        return main_pytensor(opts)
    if not _stack.available([mode_name])[0]:
        print('nothing to measure: Theano is not installed in %s'
              % sys.prefix)
        return 2
    _stack.configure(mode_name, opts.compiledir, opts.blas)
    import lasagne  # noqa: F401
    import theano  # noqa: F401
    print('lasagne_reg training-step benchmark: %s' % _stack.versions_line())
    print(_stack.machine_line())
    print(_stack.blas_line(mode_name))
    # a first product links Theano's BLAS into the process
    m = theano.tensor.matrix()
    theano.function([m], theano.tensor.dot(m, m))
    libs = _stack.blas_libraries_line()
    if libs:
        print(libs)
    print('float32, batch %d, l2 coefficient %g, SGD lr %g, FAST_RUN; '
          'median of ratios of adjacent pairs (10-90 percentile, pairs)'
          % (opts.batch, opts.coef, opts.lr), flush=True)
    nets = SMOKE_NETS if opts.smoke else NETS
    results = {}
    for name in opts.nets:
        results[name] = run_net(name, nets[name], opts,
                                _stack.compile_mode(mode_name))
    if opts.json:
        print(json.dumps(results))
    return 0


def main_pytensor(opts):
    if not _stack.available(['pytensor/numba'])[0]:
        print('nothing to measure: PyTensor (with Numba) is not installed '
              'in %s' % sys.prefix)
        return 2
    _stack.configure('pytensor/numba', opts.compiledir, opts.blas)
    print('lasagne_reg training-step benchmark: %s' % _stack.versions_line())
    print(_stack.machine_line())
    print('float32, batch %d, l2 coefficient %g, SGD lr %g, PyTensor\'s '
          'default mode; median of ratios of adjacent pairs (10-90 '
          'percentile, pairs)' % (opts.batch, opts.coef, opts.lr),
          flush=True)
    nets = SMOKE_NETS if opts.smoke else NETS
    results = {name: run_pytensor_net(name, nets[name], opts)
               for name in opts.nets}
    if opts.json:
        print(json.dumps(results))
    return 0


if __name__ == '__main__':
    sys.exit(main())
