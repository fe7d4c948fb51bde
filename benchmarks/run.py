#!/usr/bin/env python
"""lasagne_reg against Lasagne's formulation: build, compile and run time.

The penalty-graph benchmark. Measures, on the same networks, the L2 penalty
of a network and one SGD step on it (``penalty`` out,
``W <- W - lr * grad(penalty, W)`` for every weight), built once with
:mod:`lasagne_reg.regularization` ("ours") and once with the reference
formulation ("reference"): Lasagne 0.1's own ``lasagne.regularization``
where Lasagne is installed (Theano), otherwise the same formula written
inline (the builtin ``sum`` of ``T.sum(p ** 2)``).

Networks: stacks of 16, 64, 256 and 1024 Dense layers of 64 units, and four
large Dense layers holding 1M, 10M and 100M floats in total (float32).

Every figure is a ratio ours/reference (or ours/limit) taken as the median
of ratios of interleaved pairs (``_timing.py``), printed with its 10-90
percentile spread and the number of pairs, one line per measure::

    theano/c  dense x64  compile-warm  ours  1.40s  reference  1.01s  ours/reference=1.38 (1.20-1.50, 5 pairs)

build
    building the penalty, its gradients and the update expressions
    (pairs interleaved in one process).
compile-cold
    compiling the step and calling it once, in a fresh process whose compile
    cache holds only what importing the backend compiles (Theano's
    lazylinker) and nothing any graph needs. A cold compile needs a fresh
    process, so here each pair is two processes run back to back (ours
    first in one pair, the reference first in the next).
compile-warm
    compiling the same graphs again in one process whose cache already
    holds their C code (pairs interleaved).
run
    one call of the compiled step (pairs interleaved).
run (limit)
    the memory-bound limit for the same arrays, interleaved with ours:
    ``numpy.vdot(w, w)`` (one read) and ``numpy.multiply(w, 1 - 2 * lr,
    out=w)`` (an in-place scaled update: one write), reported as
    ``ours/limit``.

A ratio below 1 means lasagne_reg is faster. Where the reference fails
(Lasagne's gradient recurses once per parameter and raises RecursionError
past about 300 parameters; Theano's pure-Python linker cannot run Lasagne's
sum of 32 or more terms) the line says ``reference failed: <error>`` and the
ratio is ``n/a``.

The benchmark measures the backends installed in the Python that runs it:
Theano (modes ``c``: the default C VM, and ``py``: no C compiler, the
pure-Python linker), PyTensor (``c``, ``numba``, ``jax``: the last two when
numba and jax are installed) and Aesara (``c``). Results go to
``benchmarks/results/`` (``--out``): ``results.csv`` and ``results.png``
(time against network size, both axes log; needs matplotlib).

The other questions have their own modules, on the same timing helper:
``step.py`` (what a penalty costs in a training step, against numpy's
matmul), ``kernels.py`` (l1/l2 of one large tensor against ``numpy.vdot``)
and ``compile.py`` (warm compile time against depth).

Usage::

    python benchmarks/run.py            # everything (an hour or more)
    python benchmarks/run.py --quick    # a few minutes per mode
    python benchmarks/run.py --smoke    # seconds: what CI runs
    python benchmarks/run.py --modes theano/c --sizes 64 256 --large
"""
import argparse
import csv
import gc
import importlib.util
import itertools
import json
import math
import os
import shutil
import sys
import tempfile
import time
from typing import NamedTuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _networks  # noqa: E402
import _stack  # noqa: E402
import _timing  # noqa: E402

ROOT = _stack.ROOT
LEARNING_RATE = 1e-4
LARGE_LAYERS = 4

MODES = _stack.MODES
DEFAULT_MODES = ('theano/c', 'theano/py', 'pytensor/c', 'pytensor/numba',
                 'pytensor/jax', 'aesara/c')
JIT_MODES = _stack.JIT_MODES
# the pure-Python linker runs a fused elementwise op with one Python call per
# element (about 12 us per float): larger networks would take minutes a call
PY_MAX_FLOATS = 10**6

PRESETS = {
    # layers per Dense stack, floats per large network, units; cold pairs
    # (processes), warm rounds (build and compile), run rounds and seconds
    # per run sample
    'full': dict(stacks=(16, 64, 256, 1024), large=(10**6, 10**7, 10**8),
                 units=64, repeat=3, warm=5, runs=30, run_time=0.05,
                 timeout=1800),
    'quick': dict(stacks=(16, 64, 256), large=(10**6, 10**7),
                  units=64, repeat=1, warm=3, runs=15, run_time=0.02,
                  timeout=600),
    'smoke': dict(stacks=(2, 40), large=(10**4,), units=4, repeat=1,
                  warm=2, runs=3, run_time=0.0, timeout=300),
}
# the smoke run: the first installed of these (compiles no C code)
SMOKE_MODES = ('theano/py', 'pytensor/py', 'aesara/py')
MEASURES = ('build', 'compile-cold', 'compile-warm', 'run')
FORMULATIONS = ('ours', 'reference')
CSV_COLUMNS = ('backend', 'mode', 'network', 'layers', 'floats', 'measure',
               'ours_s', 'against', 'against_s', 'ratio', 'ratio_p10',
               'ratio_p90', 'pairs', 'note')




class Paired(NamedTuple):
    """A median of paired ratios, its 10-90 percentile spread and its
    number of pairs: what ``_timing.format_ratio`` prints."""
    median: float
    low: float
    high: float
    n: int


class Measure(NamedTuple):
    """One measure of ours against the reference (or the limit): median
    seconds per call of each, and their paired ratio (None where fewer than
    both ran). Workers send it as JSON (a list); :meth:`from_json` reads it
    back."""
    ours: float | None
    other: float | None
    ratio: Paired | None = None

    @classmethod
    def of(cls, r):
        """The measure that ``_timing.Ratio`` `r` holds."""
        return cls(r.a, r.b, Paired(r.median, r.low, r.high, r.n))

    @classmethod
    def from_json(cls, value):
        if value is None:
            return None
        ours, other, ratio = value
        return cls(ours, other, None if ratio is None else Paired(*ratio))


# -- the workers: one network, one mode, one process -------------------------

def _network(backend, weights):
    """(output layer, regularizable params, uses Lasagne) for `weights`."""
    import numpy as np
    if backend == 'theano' and importlib.util.find_spec('lasagne'):
        from lasagne.layers import DenseLayer, InputLayer
        layer = InputLayer((None, weights[0].shape[0]))
        for w in weights:
            layer = DenseLayer(layer, w.shape[1], W=w,
                               b=np.zeros(w.shape[1], np.float32))
        return layer, [lay.W for lay in _lasagne_layers(layer)], True
    layer, params = _networks.dense_stack(__import__(backend), weights)
    return layer, params, False


def _lasagne_layers(layer):
    from lasagne.layers import get_all_layers
    return [lay for lay in get_all_layers(layer) if hasattr(lay, 'W')]


def _penalty(formulation, backend, net, params, uses_lasagne):
    """The L2 penalty of `net`, ours or the reference's."""
    if formulation == 'ours':
        from lasagne_reg.regularization import l2, regularize_network_params
        return regularize_network_params(net, l2)
    if uses_lasagne:
        import lasagne.regularization as reference
        return reference.regularize_network_params(net, reference.l2)
    T = __import__(backend + '.tensor', fromlist=['sum'])
    return sum(T.sum(p ** 2) for p in params)


def _build(formulation, backend, net, params, uses_lasagne):
    """(penalty, updates): the graph of one SGD step."""
    root = __import__(backend)
    penalty = _penalty(formulation, backend, net, params, uses_lasagne)
    grads = root.grad(penalty, params)
    lr = __import__('numpy').float32(LEARNING_RATE)
    return penalty, [(p, p - lr * g) for p, g in zip(params, grads)]


def _compile(mode, graph):
    """The step function of `graph`; Numba and JAX compile on a first call,
    which is part of their compile."""
    root = __import__(mode.split('/')[0])
    penalty, updates = graph
    step = root.function([], penalty, updates=updates,
                         mode=_stack.compile_mode(mode))
    if mode.split('/')[1] in JIT_MODES:
        step()
    return step


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
    if (type(exc).__name__ == 'MethodNotDefined'
            and isinstance(args, tuple) and len(args) > 2):
        # Theano's ('perform', class, 'Elemwise', hint) for the py linker
        return 'MethodNotDefined: no Python %s() for this %s' % (args[0],
                                                                args[2])
    text = str(exc).strip().splitlines()
    if type(exc).__name__ == 'MethodNotDefined':
        # raised at call time, Theano folds the tuple into its message
        return 'MethodNotDefined: no Python perform() for an Elemwise'
    return '%s%s' % (type(exc).__name__, (': ' + text[0][:60]) if text else '')


def _setup(spec):
    """(mode, backend, net, params, uses Lasagne, weights) of a worker."""
    mode = spec['mode']
    backend = mode.split('/')[0]
    _stack.configure(mode, spec['compiledir'], spec.get('blas', 'compat'))
    import numpy  # noqa: F401
    weights = _weights(spec['network'], spec['units'])
    __import__(backend + '.tensor')
    net, params, uses_lasagne = _network(backend, weights)
    # imports are not what is measured
    __import__('lasagne_reg.regularization')
    if uses_lasagne:
        __import__('lasagne.regularization')
    return mode, backend, net, params, uses_lasagne, weights


def cold_worker(spec):
    """One formulation's cold compile (and call), in this fresh process."""
    mode, backend, net, params, uses_lasagne, _ = _setup(spec)
    try:
        graph = _build(spec['formulation'], backend, net, params,
                       uses_lasagne)
        gc.collect()
        start = time.perf_counter()
        step = _compile(mode, graph)
        seconds = time.perf_counter() - start
        step()
    except Exception as exc:   # noqa: B902 - reported, not hidden
        return {'error': _error(exc)}
    return {'seconds': seconds}


def _pair_result(times, a, b):
    return Measure.of(_timing.ratio(times, a, b))


def warm_worker(spec):
    """Build, warm compile and run of both formulations, interleaved."""
    mode, backend, net, params, uses_lasagne, weights = _setup(spec)
    result = {'params': len(params), 'floats': sum(w.size for w in weights),
              'lasagne': uses_lasagne, 'errors': {}, 'pairs': {}}
    graphs, steps = {}, {}
    for formulation in FORMULATIONS:
        stage = 'build'
        try:
            graphs[formulation] = _build(formulation, backend, net, params,
                                         uses_lasagne)
            stage = 'compile-warm'
            # the first compile fills the cache: compiles after it are warm;
            # a step that cannot run (no Python perform() for a wide
            # Elemwise in the py linker) counts as one that does not compile
            steps[formulation] = _compile(mode, graphs[formulation])
            steps[formulation]()
            stage = 'run'
            expected = sum(float((p.get_value().astype('float64') ** 2).sum())
                           for p in params)
            value = float(steps[formulation]())
            if not math.isclose(value, expected, rel_tol=1e-3):
                raise AssertionError('penalty %r, numpy says %r'
                                     % (value, expected))
        except Exception as exc:   # noqa: B902 - reported, not hidden
            for later in ('build', 'compile-warm', 'run')[
                    ('build', 'compile-warm', 'run').index(stage):]:
                result['errors'].setdefault(formulation, {})[later] = \
                    _error(exc)
    ok = {m: [f for f in FORMULATIONS
              if m not in result['errors'].get(f, {})]
          for m in ('build', 'compile-warm', 'run')}
    builds = {f: (lambda f=f: _build(f, backend, net, params, uses_lasagne))
              for f in ok['build']}
    result['pairs']['build'] = _pair_times(builds, spec['warm'])
    compiles = {f: (lambda f=f: _compile(mode, graphs[f]))
                for f in ok['compile-warm']}
    result['pairs']['compile-warm'] = _pair_times(compiles, spec['warm'])
    runs = {f: steps[f] for f in ok['run']}
    runs['limit'] = _limit_fn([p.get_value(borrow=True) for p in params])
    times = _timing.interleave(runs, spec['runs'],
                               min_time=spec['run_time'])
    result['pairs']['run'] = (_pair_result(times, 'ours', 'reference')
                              if len(ok['run']) == 2 else _single(times))
    result['pairs']['limit'] = (_pair_result(times, 'ours', 'limit')
                                if 'ours' in ok['run'] else None)
    return result


def _pair_times(fns, rounds):
    times = _timing.interleave(fns, rounds, collect=True)
    if len(fns) == 2:
        return _pair_result(times, 'ours', 'reference')
    return _single(times)


def _single(times):
    """Only one formulation ran: its median, no ratio."""
    import numpy as np
    got = {k: float(np.median(v)) for k, v in times.items() if v}
    return Measure(got.get('ours'), got.get('reference'))


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


def seed_worker(spec):
    _stack.configure(spec['mode'], spec['compiledir'],
                     spec.get('blas', 'compat'))
    __import__(spec['mode'].split('/')[0] + '.tensor')
    return {'seeded': True, 'versions': _stack.versions_line(),
            'blas': _stack.blas_line(spec['mode'])}


WORKERS = {'seed': seed_worker, 'cold': cold_worker, 'warm': warm_worker}


# -- the driver ---------------------------------------------------------------

def _spawn(spec, timeout):
    """Run a worker in a fresh interpreter; its dict, or {'failed': why}."""
    code, result, tail = _stack.spawn(
        os.path.abspath(__file__), ['--worker', json.dumps(spec)], timeout,
        stream=False)
    if code is None:
        return {'failed': tail}
    if code != 0 or result is None:
        return {'failed': 'worker exited with code %d: %s'
                % (code, tail[:160])}
    return result


class Bench:
    """Runs the jobs, prints one line per measurement, keeps the rows."""

    def __init__(self, opts, out):
        self.opts, self.out = opts, out
        self.rows = []
        self.failures = []
        self.seeds = {}
        self.tmp = tempfile.mkdtemp(prefix='lasagne-reg-bench-')
        self.count = itertools.count()

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def spec(self, mode, **more):
        spec = {'mode': mode, 'units': self.opts.units,
                'blas': self.opts.blas}
        spec.update(more)
        return spec

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
            got = _spawn(self.spec(key + '/c', kind='seed', compiledir=path),
                         self.opts.timeout)
            if 'failed' in got:
                raise SystemExit('%s does not import: %s'
                                 % (key, got['failed']))
            print('%s: %s; %s' % (key, got['versions'], got['blas']),
                  flush=True)
        return self.seeds[key]

    def fresh_dir(self, mode):
        path = os.path.join(self.tmp, 'cold-%d' % next(self.count))
        shutil.copytree(self.seed(mode), path)
        return path

    def cold_pairs(self, mode, network):
        """Median ratio of `--repeat` pairs of cold processes."""
        seconds = {f: [] for f in FORMULATIONS}
        errors = {}
        for i in range(self.opts.repeat):
            order = FORMULATIONS if i % 2 == 0 else FORMULATIONS[::-1]
            for formulation in order:
                if formulation in errors:
                    continue
                path = self.fresh_dir(mode)
                got = _spawn(self.spec(mode, kind='cold', network=network,
                                       formulation=formulation,
                                       compiledir=path), self.opts.timeout)
                shutil.rmtree(path, ignore_errors=True)
                if 'seconds' in got:
                    seconds[formulation].append(got['seconds'])
                else:
                    errors[formulation] = got.get('error', got.get('failed'))
        import numpy as np
        med = {f: float(np.median(v)) if v else None
               for f, v in seconds.items()}
        ratio = None
        if not errors:
            ratio = Measure.of(_timing.ratio(seconds, 'ours',
                                             'reference')).ratio
        return Measure(med['ours'], med['reference'], ratio), errors

    def warm(self, mode, network):
        key = 'warm-' + mode.replace('/', '-')
        path = os.path.join(self.tmp, key)
        if not os.path.exists(path):
            shutil.copytree(self.seed(mode), path)
        spec = self.spec(mode, kind='warm', network=network, compiledir=path,
                         warm=self.opts.warm, runs=self.opts.runs,
                         run_time=self.opts.run_time)
        return _spawn(spec, self.opts.timeout)

    def cell(self, mode, network):
        """Both formulations on one network: print and keep the rows."""
        cold, cold_errors = self.cold_pairs(mode, network)
        warm = self.warm(mode, network)
        backend, linker = mode.split('/')
        kind, size = network
        name = ('dense x%d' % size if kind == 'stack'
                else 'large %s' % _floats_name(size))
        layers = size if kind == 'stack' else LARGE_LAYERS
        floats = warm.get('floats', '')
        if 'failed' in warm:
            errs = {f: {m: warm['failed'] for m in MEASURES}
                    for f in FORMULATIONS}
            pairs = {}
        else:
            errs = warm['errors']
            pairs = {measure: Measure.from_json(value)
                     for measure, value in warm['pairs'].items()}
        for f, why in cold_errors.items():
            errs.setdefault(f, {})['compile-cold'] = why
        pairs['compile-cold'] = cold
        for measure in MEASURES:
            self.line(backend, linker, name, layers, floats, measure,
                      pairs.get(measure), errs, 'reference')
        self.line(backend, linker, name, layers, floats, 'run',
                  pairs.get('limit'), errs, 'limit')

    def line(self, backend, linker, name, layers, floats, measure, pair,
             errs, against):
        pair = pair or Measure(None, None)
        ours_s, other_s = pair.ours, pair.other
        ours_err = errs.get('ours', {}).get(measure)
        other_err = (errs.get('reference', {}).get(measure)
                     if against == 'reference' else None)
        ratio = pair.ratio
        if ours_err:
            note, text = 'ours failed: ' + ours_err, 'n/a'
            self.failures.append('%s/%s %s %s: %s' % (backend, linker, name,
                                                      measure, ours_err))
            ratio = None
        elif other_err:
            note, text = '%s failed: %s' % (against, other_err), 'n/a'
            ratio = None
        elif not ratio:
            note, text = 'no pairs', 'n/a'
        else:
            note = ''
            text = _timing.format_ratio(ratio)
        label = measure + (' (limit)' if against == 'limit' else '')
        print('%-14s %-12s %-14s ours %s  %s %s  %sours/%s=%s' % (
            backend + '/' + linker, name, label, _timing.seconds(ours_s),
            against, _timing.seconds(other_s), note + '; ' if note else '',
            against, text), flush=True)
        low = high = n = ''
        median = 'n/a'
        if ratio:
            median = '%.6g' % ratio.median
            low, high, n = '%.6g' % ratio.low, '%.6g' % ratio.high, ratio.n
        self.rows.append(dict(zip(CSV_COLUMNS, (
            backend, linker, name, layers, floats, measure,
            _csv_number(ours_s), against, _csv_number(other_s), median,
            low, high, n, note))))


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
                        'one cold pair each: a few minutes per mode')
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
                        help='pairs of cold processes per network')
    parser.add_argument('--blas', choices=_stack.BLAS_CHOICES,
                        default='compat', help='how Theano gets a BLAS '
                        '(benchmarks/_stack.py; default compat)')
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
    for key in ('units', 'warm', 'runs', 'run_time', 'timeout'):
        setattr(opts, key, preset[key])
    if opts.modes is None:
        opts.modes = (_stack.available(SMOKE_MODES)[0][:1] if opts.smoke
                      else list(DEFAULT_MODES))
    return opts


def _header(opts, modes, skipped):
    import numpy
    print('lasagne_reg penalty-graph benchmark (%s): Python %s, numpy %s'
          % (opts.preset, sys.version.split()[0], numpy.__version__))
    print(_stack.machine_line())
    print('python: %s' % sys.executable)
    print('modes: %s; --blas %s' % (', '.join(modes) or 'none', opts.blas))
    for mode, why in skipped:
        print('skipped %s: %s' % (mode, why))
    print('stacks: %s Dense(%d) layers; large: %s floats in %d layers; '
          'float32; ratios: median of interleaved pairs (10-90 percentile, '
          'pairs); %d cold pair(s), %d warm pairs, %d run pairs'
          % (', '.join(map(str, opts.sizes)) or 'none', opts.units,
             ', '.join(_floats_name(f) for f in opts.large) or 'none',
             LARGE_LAYERS, opts.repeat, opts.warm, opts.runs), flush=True)


def main(argv=None):
    opts = _parse(argv)
    if opts.worker:
        spec = json.loads(opts.worker)
        print(json.dumps(WORKERS[spec['kind']](spec)))
        return 0
    modes, skipped = _stack.available(opts.modes)
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
