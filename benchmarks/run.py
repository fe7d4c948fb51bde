#!/usr/bin/env python
"""lasagne_reg against Lasagne's formulation: build, compile and run time.

Measures, on the same networks, the L2 penalty of a network and one SGD
step on it (``penalty`` out, ``W <- W - lr * grad(penalty, W)`` for every
weight), built once with :mod:`lasagne_reg.regularization` ("ours") and once
with the reference formulation ("reference"): Lasagne 0.1's own
``lasagne.regularization`` where Lasagne is installed (Theano), otherwise the
same formula written inline (the builtin ``sum`` of ``T.sum(p ** 2)``).

Networks: stacks of 16, 64, 256 and 1024 Dense layers of 64 units, and four
large Dense layers holding 1M, 10M and 100M floats in total (float32).

Measures, each printed on one line ending in ``ours/reference=<ratio>`` or
``ours/limit=<ratio>``:

build
    building the penalty, its gradients and the update expressions.
compile-cold
    compiling the step and calling it once, in a fresh process whose compile
    cache holds only what importing the backend compiles (Theano's lazylinker)
    and nothing any graph needs.
compile-warm
    the same again for an identical graph, in the cache the cold compile
    filled (median of repeats).
run
    one call of the compiled step (median).
run (limit)
    the memory-bound limit for the same arrays: ``numpy.vdot(w, w)`` (one
    read) and ``numpy.multiply(w, 1 - 2 * lr, out=w)`` (an in-place scaled
    update: one write), reported as ``ours/limit``.

A ratio below 1 means lasagne_reg is faster. Where the reference fails
(Lasagne's gradient recurses once per parameter and raises RecursionError
past about 300 parameters; Theano's pure-Python linker cannot run Lasagne's
sum of 32 or more terms) the line says ``reference failed: <error>`` and the
ratio is ``n/a``.

The benchmark measures the backends installed in the Python that runs it:
Theano (modes ``c``: the default C VM, and ``py``: no C compiler, the
pure-Python linker), PyTensor (``c``, ``numba``, ``jax``: the last two when
numba and jax are installed) and Aesara (``c``). Each measurement runs in
its own subprocess. Results go to ``benchmarks/results/`` (``--out``):
``results.csv`` and ``results.png`` (time against network size, both axes
log; needs matplotlib).

Usage::

    python benchmarks/run.py            # everything (an hour or more)
    python benchmarks/run.py --quick    # a few minutes per mode
    python benchmarks/run.py --smoke    # seconds: what CI runs
    python benchmarks/run.py --modes theano/c --sizes 64 256 --large

Timings are sensitive to anything else using the CPU: run it on an idle
machine, and use ``--repeat`` for medians over more cold compiles.
"""
import argparse
import csv
import gc
import importlib.util
import itertools
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LEARNING_RATE = 1e-4
LARGE_LAYERS = 4

# every mode this benchmark knows, in the order it runs them
MODES = ('theano/c', 'theano/py', 'pytensor/c', 'pytensor/numba',
         'pytensor/jax', 'pytensor/py', 'aesara/c', 'aesara/py')
DEFAULT_MODES = ('theano/c', 'theano/py', 'pytensor/c', 'pytensor/numba',
                 'pytensor/jax', 'aesara/c')
# modules a mode needs besides its backend
MODE_NEEDS = {'pytensor/numba': 'numba', 'pytensor/jax': 'jax'}
JIT_MODES = ('numba', 'jax')
# the pure-Python linker runs a fused elementwise op with one Python call per
# element (about 12 us per float): larger networks would take minutes a call
PY_MAX_FLOATS = 10**6
FLAGS_VAR = {'theano': 'THEANO_FLAGS', 'pytensor': 'PYTENSOR_FLAGS',
             'aesara': 'AESARA_FLAGS'}

PRESETS = {
    # layers per Dense stack, floats per large network, units, repeats
    'full': dict(stacks=(16, 64, 256, 1024), large=(10**6, 10**7, 10**8),
                 units=64, repeat=3, warm=3, warm_time=3.0, run_time=1.0,
                 timeout=1800),
    'quick': dict(stacks=(16, 64, 256), large=(10**6, 10**7),
                  units=64, repeat=1, warm=2, warm_time=1.0, run_time=0.3,
                  timeout=600),
    'smoke': dict(stacks=(2, 40), large=(10**4,), units=4, repeat=1,
                  warm=1, warm_time=0.0, run_time=0.02, timeout=300),
}
# the smoke run: the first installed of these (compiles no C code)
SMOKE_MODES = ('theano/py', 'pytensor/py', 'aesara/py')
MEASURES = ('build', 'compile-cold', 'compile-warm', 'run')
CSV_COLUMNS = ('backend', 'mode', 'network', 'layers', 'floats', 'measure',
               'ours_s', 'against', 'against_s', 'ratio', 'note')


# -- the worker: one formulation, one network, one mode, one process ---------

def _set_flags(backend, mode, compiledir):
    """Backend flags for this process; must run before the backend import."""
    var = FLAGS_VAR[backend]
    flags = [f for f in os.environ.get(var, '').split(',') if f.strip()]
    flags = [f for f in flags if f.split('=')[0].strip()
             not in ('base_compiledir', 'compiledir', 'floatX', 'cxx')]
    flags += ['base_compiledir=' + compiledir, 'floatX=float32']
    if mode == 'py':
        flags.append('cxx=')
    os.environ[var] = ','.join(flags)
    os.environ['LASAGNE_REG_BACKEND'] = backend
    if backend == 'theano':
        import lasagne_reg.compat
        lasagne_reg.compat.install()


def _compile_mode(backend, mode):
    """The ``mode=`` argument of ``function`` for `mode`."""
    root = __import__(backend)
    if mode == 'py':
        return root.compile.Mode(linker='py', optimizer='fast_run')
    if backend == 'pytensor':
        return {'c': 'CVM', 'numba': 'NUMBA', 'jax': 'JAX'}[mode]
    return None      # the default: FAST_RUN with the C VM


class _DuckLayer(object):
    """A dense layer following Lasagne's layer protocol, without Lasagne."""

    def __init__(self, incoming, W, b):
        self.input_layer = incoming
        self.W, self.b = W, b

    def get_params(self, **tags):
        if tags.get('regularizable') is True or tags.get('trainable') is False:
            return [self.W]
        return [self.W, self.b]


def _weights(network, units, seed=0):
    """float32 weight matrices of the network described by `network`."""
    import numpy as np
    kind, size = network
    if kind == 'stack':
        shapes = [(units, units)] * size
    else:
        side = int(round(math.sqrt(size / LARGE_LAYERS)))
        shapes = [(side, side)] * LARGE_LAYERS
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s, dtype=np.float32) / np.float32(s[0])
            for s in shapes]


def _network(backend, weights):
    """(output layer, regularizable params, uses Lasagne) for `weights`."""
    import numpy as np
    if backend == 'theano' and importlib.util.find_spec('lasagne'):
        from lasagne.layers import InputLayer, DenseLayer
        layer = InputLayer((None, weights[0].shape[0]))
        for w in weights:
            layer = DenseLayer(layer, w.shape[1], W=w,
                               b=np.zeros(w.shape[1], np.float32))
        return layer, [lay.W for lay in _lasagne_layers(layer)], True
    root = __import__(backend)
    layer = None
    for i, w in enumerate(weights):
        layer = _DuckLayer(layer, root.shared(w, name='W%d' % i),
                           root.shared(np.zeros(w.shape[1], np.float32),
                                       name='b%d' % i))
    return layer, [lay.W for lay in _duck_layers(layer)], False


def _lasagne_layers(layer):
    from lasagne.layers import get_all_layers
    return [lay for lay in get_all_layers(layer) if hasattr(lay, 'W')]


def _duck_layers(layer):
    layers = []
    while layer is not None:
        layers.append(layer)
        layer = layer.input_layer
    return layers[::-1]


def _penalty(formulation, backend, net, params, uses_lasagne):
    """The L2 penalty of `net`, ours or the reference's."""
    if formulation == 'ours':
        from lasagne_reg.regularization import regularize_network_params, l2
        return regularize_network_params(net, l2)
    if uses_lasagne:
        import lasagne.regularization as reference
        return reference.regularize_network_params(net, reference.l2)
    T = __import__(backend + '.tensor', fromlist=['sum'])
    return sum(T.sum(p ** 2) for p in params)


def _build(formulation, backend, net, params, uses_lasagne):
    """(penalty, updates, seconds): the graph of one SGD step."""
    root = __import__(backend)
    gc.collect()    # no collection of earlier graphs inside the timing
    start = time.perf_counter()
    penalty = _penalty(formulation, backend, net, params, uses_lasagne)
    grads = root.grad(penalty, params)
    lr = __import__('numpy').float32(LEARNING_RATE)
    updates = [(p, p - lr * g) for p, g in zip(params, grads)]
    return penalty, updates, time.perf_counter() - start


def _compile(backend, mode, penalty, updates):
    """(step function, seconds to compile it).

    Numba and JAX compile on the first call: for them the first call counts.
    """
    root = __import__(backend)
    gc.collect()
    start = time.perf_counter()
    step = root.function([], penalty, updates=updates,
                         mode=_compile_mode(backend, mode))
    if mode in JIT_MODES:
        step()
    seconds = time.perf_counter() - start
    if mode not in JIT_MODES:
        step()
    return step, seconds


def _per_call(fn, min_time, batches=5):
    """Median seconds per call of `fn` over `batches` timed batches."""
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-6)
    if once > min_time:
        return once
    calls = max(1, int(min_time / batches / once))
    times = []
    for _ in range(batches):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - start) / calls)
    return statistics.median(times)


def _limit_fn(arrays):
    """One read and one in-place write of every array, with numpy."""
    import numpy as np
    factor = np.float32(1 - 2 * LEARNING_RATE)

    def limit():
        for a in arrays:
            np.vdot(a, a)
            np.multiply(a, factor, out=a)
    return limit


def _error(exc):
    args = exc.args[0] if len(exc.args) == 1 else exc.args
    if type(exc).__name__ == 'MethodNotDefined' and len(args) > 2:
        # Theano's ('perform', class, 'Elemwise', hint) for the py linker
        return 'MethodNotDefined: no Python %s() for this %s' % (args[0],
                                                                args[2])
    text = str(exc).strip().splitlines()
    return '%s%s' % (type(exc).__name__, (': ' + text[0][:60]) if text else '')


def worker(spec):
    """Measure one formulation on one network; return a JSON-able dict."""
    backend, mode = spec['mode'].split('/')
    _set_flags(backend, mode, spec['compiledir'])
    if spec.get('seed_only'):
        __import__(backend + '.tensor')
        return {'seeded': True}
    weights = _weights(spec['network'], spec['units'])
    __import__(backend + '.tensor')
    net, params, uses_lasagne = _network(backend, weights)
    # imports are not what is measured
    __import__('lasagne_reg.regularization')
    if uses_lasagne:
        __import__('lasagne.regularization')
    result = {'params': len(params), 'floats': sum(w.size for w in weights),
              'lasagne': uses_lasagne, 'errors': {}}
    stage = 'build'
    try:
        penalty, updates, result['build'] = _build(
            spec['formulation'], backend, net, params, uses_lasagne)
        stage = 'compile-cold'
        step, result['compile-cold'] = _compile(backend, mode, penalty,
                                                updates)
        stage = 'compile-warm'
        builds, compiles = [], []
        until = time.perf_counter() + spec['warm_time']
        while len(compiles) < spec['warm'] or (
                time.perf_counter() < until and len(compiles) < 15):
            penalty, updates, seconds = _build(
                spec['formulation'], backend, net, params, uses_lasagne)
            builds.append(seconds)
            step, seconds = _compile(backend, mode, penalty, updates)
            compiles.append(seconds)
        # the first build pays Python's first-run costs: medians of the rest
        result['build'] = statistics.median(builds)
        result['compile-warm'] = statistics.median(compiles)
        stage = 'run'
        result['run'] = _per_call(step, spec['run_time'])
        expected = sum(float((w.astype('float64') ** 2).sum())
                       for w in (p.get_value(borrow=True) for p in params))
        value = float(step())
        if not math.isclose(value, expected, rel_tol=1e-3):
            raise AssertionError('penalty %r, numpy says %r'
                                 % (value, expected))
    except Exception as exc:   # noqa: B902 - reported, not hidden
        for later in MEASURES[MEASURES.index(stage):]:
            result['errors'][later] = _error(exc)
    arrays = [p.get_value(borrow=True) for p in params]
    result['limit'] = _per_call(_limit_fn(arrays), spec['run_time'])
    return result


# -- the driver ---------------------------------------------------------------

def _python_env():
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(
        [ROOT] + [p for p in env.get('PYTHONPATH', '').split(os.pathsep) if p])
    return env


def _spawn(spec, timeout):
    """Run `worker(spec)` in a fresh interpreter; its dict, or an error."""
    cmd = [sys.executable, os.path.abspath(__file__), '--worker',
           json.dumps(spec)]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True,
                             timeout=timeout, env=_python_env(), cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {'failed': 'timed out after %d s' % timeout}
    lines = out.stdout.strip().splitlines()
    if out.returncode != 0 or not lines or not lines[-1].startswith('{'):
        tail = (out.stderr.strip().splitlines() or ['no output'])[-1]
        return {'failed': 'worker exited with code %d: %s'
                % (out.returncode, tail[:160])}
    return json.loads(lines[-1])


def _available(modes):
    """(modes to run, [(mode, why not)]) among `modes`."""
    run, skipped = [], []
    for mode in modes:
        backend = mode.split('/')[0]
        need = MODE_NEEDS.get(mode)
        if importlib.util.find_spec(backend) is None:
            skipped.append((mode, '%s is not installed in %s'
                            % (backend, sys.prefix)))
        elif need and importlib.util.find_spec(need) is None:
            skipped.append((mode, '%s is not installed in %s'
                            % (need, sys.prefix)))
        else:
            run.append(mode)
    return run, skipped


class Bench(object):
    """Runs the jobs, prints one line per measurement, keeps the rows."""

    def __init__(self, opts, out):
        self.opts, self.out = opts, out
        self.rows = []
        self.failures = []
        self.seeds = {}
        self.tmp = tempfile.mkdtemp(prefix='lasagne-reg-bench-')
        self.count = itertools.count()
        self.cells = itertools.count()

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def seed(self, mode):
        """A compile dir holding what importing the backend compiles.

        Empty for the py modes, which compile nothing.
        """
        key = mode if mode.endswith('/py') else mode.split('/')[0]
        if key not in self.seeds:
            path = os.path.join(self.tmp, 'seed-' + key.replace('/', '-'))
            os.makedirs(path)
            self.seeds[key] = path
            if mode.endswith('/py'):
                return path
            got = _spawn({'mode': key + '/c', 'compiledir': path,
                          'seed_only': True}, self.opts.timeout)
            if 'failed' in got:
                raise SystemExit('%s does not import: %s'
                                 % (key, got['failed']))
        return self.seeds[key]

    def measure(self, mode, network, formulation):
        """Median results of `--repeat` cold processes."""
        results = []
        for _ in range(self.opts.repeat):
            compiledir = os.path.join(self.tmp, 'cold-%d' % next(self.count))
            shutil.copytree(self.seed(mode), compiledir)
            spec = {'mode': mode, 'network': network, 'units': self.opts.units,
                    'formulation': formulation, 'compiledir': compiledir,
                    'warm': self.opts.warm, 'warm_time': self.opts.warm_time,
                    'run_time': self.opts.run_time}
            results.append(_spawn(spec, self.opts.timeout))
            shutil.rmtree(compiledir, ignore_errors=True)
            if 'failed' in results[-1] or results[-1]['errors']:
                break      # a failure repeats itself: no need to wait again
        return _median_result(results)

    def cell(self, mode, network):
        """Both formulations on one network: print and keep the rows."""
        # who goes first alternates from cell to cell
        if next(self.cells) % 2:
            reference = self.measure(mode, network, 'reference')
            ours = self.measure(mode, network, 'ours')
        else:
            ours = self.measure(mode, network, 'ours')
            reference = self.measure(mode, network, 'reference')
        backend, linker = mode.split('/')
        kind, size = network
        name = ('dense x%d' % size if kind == 'stack'
                else 'large %s' % _floats_name(size))
        floats = ours.get('floats', reference.get('floats', ''))
        layers = size if kind == 'stack' else LARGE_LAYERS
        for measure in MEASURES:
            self.line(backend, linker, name, layers, floats, measure,
                      ours, reference, 'reference')
        self.line(backend, linker, name, layers, floats, 'run', ours,
                  {'run': ours.get('limit'), 'errors': {}}, 'limit')

    def line(self, backend, linker, name, layers, floats, measure, ours,
             other, against):
        ours_s, ours_err = _value(ours, measure)
        other_s, other_err = _value(other, measure)
        if ours_err:
            note, ratio = 'ours failed: ' + ours_err, 'n/a'
            self.failures.append('%s/%s %s %s: %s' % (backend, linker, name,
                                                      measure, ours_err))
        elif other_err:
            note, ratio = '%s failed: %s' % (against, other_err), 'n/a'
        else:
            note, ratio = '', '%.2f' % (ours_s / other_s if other_s else 0)
        label = measure + (' (limit)' if against == 'limit' else '')
        text = '%-14s %-12s %-20s ours %s  %s %s  %sours/%s=%s' % (
            backend + '/' + linker, name, label, _seconds(ours_s), against,
            _seconds(other_s), note + '; ' if note else '', against, ratio)
        print(text, flush=True)
        self.rows.append(dict(zip(CSV_COLUMNS, (
            backend, linker, name, layers, floats, measure,
            _csv_number(ours_s), against, _csv_number(other_s), ratio,
            note))))


def _median_result(results):
    failed = [r for r in results if 'failed' in r]
    if failed:
        return {'errors': {m: failed[0]['failed'] for m in MEASURES}}
    merged = dict(results[0])
    for key in MEASURES + ('limit',):
        values = [r[key] for r in results if key in r]
        if values:
            merged[key] = statistics.median(values)
    return merged


def _value(result, measure):
    errors = result.get('errors', {})
    if measure in errors:
        return None, errors[measure]
    return result.get(measure), None


def _seconds(value):
    if value is None:
        return '%10s' % '-'
    if value < 1e-3:
        return '%8.1fus' % (value * 1e6)
    if value < 1:
        return '%8.2fms' % (value * 1e3)
    return '%8.2fs ' % value


def _csv_number(value):
    return '' if value is None else '%.6g' % value


def _floats_name(n):
    for unit, scale in (('M', 10**6), ('k', 10**3)):
        if n >= scale:
            return '%g%s' % (n / scale, unit)
    return str(n)


def write_csv(rows, path):
    with open(path, 'w', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def plot(rows, path, units):
    """Time against network size, both axes log: one panel per measure."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(2, 4, figsize=(18, 8.5), squeeze=False)
    modes = sorted({(r['backend'], r['mode']) for r in rows})
    colors = dict(zip(modes, plt.rcParams['axes.prop_cycle'].by_key()
                      ['color'] * 3))
    for row_i, kind in enumerate(('dense', 'large')):
        for col, measure in enumerate(MEASURES):
            ax = axes[row_i][col]
            for mode in modes:
                _plot_mode(ax, rows, mode, kind, measure, colors[mode])
            ax.set_xscale('log')
            ax.set_yscale('log')
            ax.set_title('%s, %s' % (measure, 'Dense(%d) stacks' % units
                                     if kind == 'dense' else
                                     '%d large layers' % LARGE_LAYERS))
            ax.set_xlabel('Dense layers' if kind == 'dense'
                          else 'floats in the weights')
            ax.set_ylabel('seconds')
            ax.grid(True, which='both', alpha=0.3)
    handles, labels = [], []
    for ax in axes.flat:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    fig.legend(handles, labels, loc='lower center', ncol=min(6, len(labels)),
               fontsize='small')
    fig.suptitle('lasagne_reg (solid) against the reference (dashed) and '
                 'the memory-bound limit (dotted)')
    fig.tight_layout(rect=(0, 0.07, 1, 0.96))
    fig.savefig(path, dpi=80)
    plt.close(fig)


def _plot_mode(ax, rows, mode, kind, measure, color):
    mine = [r for r in rows if (r['backend'], r['mode']) == mode
            and r['network'].startswith(kind) and r['measure'] == measure]
    x_key = 'layers' if kind == 'dense' else 'floats'
    series = [('ours_s', 'reference', '-', 'ours'),
              ('against_s', 'reference', '--', 'reference'),
              ('against_s', 'limit', ':', 'limit')]
    for key, against, style, who in series:
        points = sorted((float(r[x_key]), float(r[key])) for r in mine
                        if r['against'] == against and r[key] != ''
                        and r[x_key] != '')
        if points:
            ax.plot(*zip(*points), style, marker='o', ms=3, color=color,
                    label='%s/%s %s' % (mode[0], mode[1], who))


def _parse(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    preset = parser.add_mutually_exclusive_group()
    preset.add_argument('--quick', action='store_true',
                        help='stacks of 16-256 layers, 1M and 10M floats, '
                        'one cold compile each: a few minutes per mode')
    preset.add_argument('--smoke', action='store_true',
                        help='tiny networks, in the first installed of %s '
                        '(or --modes): seconds (CI)' % ', '.join(SMOKE_MODES))
    parser.add_argument('--modes', nargs='+', metavar='BACKEND/MODE',
                        choices=MODES, help='among: %s (default: every '
                        'installed one of %s)' % (', '.join(MODES),
                                                  ', '.join(DEFAULT_MODES)))
    parser.add_argument('--sizes', nargs='*', type=int, metavar='LAYERS',
                        help='Dense stack depths (none: no stacks)')
    parser.add_argument('--large', nargs='*', type=float, metavar='FLOATS',
                        help='total floats of the large networks (none: '
                        'no large networks)')
    parser.add_argument('--repeat', type=int,
                        help='cold processes per measurement (median)')
    parser.add_argument('--out', default=os.path.join(ROOT, 'benchmarks',
                                                      'results'),
                        help='folder for results.csv and results.png')
    parser.add_argument('--worker', help=argparse.SUPPRESS)
    opts = parser.parse_args(argv)
    name = 'smoke' if opts.smoke else 'quick' if opts.quick else 'full'
    preset = PRESETS[name]
    opts.preset = name
    opts.sizes = preset['stacks'] if opts.sizes is None else opts.sizes
    opts.large = (preset['large'] if opts.large is None
                  else [int(f) for f in opts.large])
    opts.repeat = opts.repeat or preset['repeat']
    for key in ('units', 'warm', 'warm_time', 'run_time', 'timeout'):
        setattr(opts, key, preset[key])
    if opts.modes is None:
        opts.modes = (_available(SMOKE_MODES)[0][:1] if opts.smoke
                      else list(DEFAULT_MODES))
    return opts


def _header(opts, modes, skipped):
    import numpy
    print('lasagne_reg benchmark (%s): Python %s, numpy %s, %s, %d cores'
          % (opts.preset, platform.python_version(), numpy.__version__,
             platform.machine(), os.cpu_count() or 0))
    print('python: %s' % sys.executable)
    for var in ('OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE', 'OMP_NUM_THREADS'):
        if os.environ.get(var):
            print('%s=%s (the numpy limit runs with it)' % (var,
                                                            os.environ[var]))
    print('modes: %s' % (', '.join(modes) or 'none'))
    for mode, why in skipped:
        print('skipped %s: %s' % (mode, why))
    print('stacks: %s Dense(%d) layers; large: %s floats in %d layers; '
          'float32; %d cold process(es) per measurement'
          % (', '.join(map(str, opts.sizes)) or 'none', opts.units,
             ', '.join(_floats_name(f) for f in opts.large) or 'none',
             LARGE_LAYERS, opts.repeat), flush=True)


def main(argv=None):
    opts = _parse(argv)
    if opts.worker:
        print(json.dumps(worker(json.loads(opts.worker))))
        return 0
    modes, skipped = _available(opts.modes)
    _header(opts, modes, skipped)
    has_matplotlib = importlib.util.find_spec('matplotlib') is not None
    if not has_matplotlib:
        print('NOTE: matplotlib is not installed in %s: results.png will '
              'not be written (pip install -r requirements/demo.txt); the '
              'CSV will.' % sys.prefix, flush=True)
    if not modes:
        print('nothing to measure: no Theano-family backend is installed '
              'here')
        return 2
    os.makedirs(opts.out, exist_ok=True)
    bench = Bench(opts, opts.out)
    try:
        networks = ([('stack', n) for n in opts.sizes]
                    + [('large', int(f)) for f in opts.large])
        for mode in modes:
            for network in networks:
                if (mode.endswith('/py') and network[0] == 'large'
                        and network[1] > PY_MAX_FLOATS):
                    print('skipped %s large %s: the pure-Python linker runs '
                          'elementwise ops one Python call per float'
                          % (mode, _floats_name(network[1])), flush=True)
                    continue
                bench.cell(mode, network)
    finally:
        bench.close()
        csv_path = os.path.join(opts.out, 'results.csv')
        write_csv(bench.rows, csv_path)
        print('wrote %s' % csv_path)
    if has_matplotlib:
        png_path = os.path.join(opts.out, 'results.png')
        plot(bench.rows, png_path, opts.units)
        print('wrote %s' % png_path)
    else:
        print('no plot: matplotlib is not installed in %s' % sys.prefix)
    if bench.failures:
        print('lasagne_reg failed in %d measurement(s):' % len(bench.failures))
        for failure in bench.failures:
            print('  ' + failure)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
