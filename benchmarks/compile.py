#!/usr/bin/env python
"""Warm compile time of penalty + gradient against depth, and whose it is.

For stacks of 64, 128, 256, 512 and 1024 Dense(64) layers (float32), in one
process per backend/mode:

build
    ``regularize_network_params(net, l2)``, its gradients and the SGD
    updates ``W - lr * grad``.
ours
    warm compile of ``function([], penalty, updates=...)``: the graph was
    compiled once before, so every C module it needs is in the cache.
updates only
    warm compile of the same number of in-place updates with no penalty,
    ``W <- W * (1 - 2 * lr)`` (the decay written into the update, which
    is what the penalty's gradient step computes): what compiling n
    parameters costs Theano with no penalty at all.

The two compiles are timed in interleaved pairs (``_timing.py``); each is
split by the backend's profiler into optimizer time (graph rewrites) and
linker time (making thunks, cache look-ups of C modules). Then a
least-squares fit of log(time) against log(layers) gives the exponent of
each column: 1 is linear growth.

Usage::

    python benchmarks/compile.py                    # Theano C, 64-1024
    python benchmarks/compile.py --sizes 64 128 256 --rounds 3
    python benchmarks/compile.py --modes pytensor/c aesara/c
    python benchmarks/compile.py --smoke            # seconds
"""
import argparse
import importlib
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _networks  # noqa: E402
import _stack  # noqa: E402
import _timing  # noqa: E402

LEARNING_RATE = 1e-4
COLUMNS = ('build', 'ours', 'ours opt', 'ours link', 'upd', 'upd opt',
           'upd link', 'ours-upd')


def _stack_of(root, layers, units):
    import numpy as np
    rng = np.random.default_rng(0)
    weights = [rng.standard_normal((units, units), dtype=np.float32)
               / np.float32(units) for _ in range(layers)]
    return _networks.dense_stack(root, weights)


def _profiled(root, mode):
    """function(..., profile=<stats>) and its stats, or no profile."""
    stats_cls = getattr(root.compile, 'ProfileStats', None) or getattr(
        getattr(root.compile, 'profiling', None), 'ProfileStats', None)
    if stats_cls is None:
        return {}, None
    stats = stats_cls(atexit_print=False)
    return {'profile': stats}, stats


def _phases(stats):
    """(optimizer seconds, linker seconds) of a compile's profile.

    Aesara calls the optimizer the rewriter.
    """
    optimizer = getattr(stats, 'optimizer_time', None)
    if optimizer is None:
        optimizer = getattr(stats, 'rewriting_time', 0.0)
    return optimizer, stats.linker_time


def worker(mode, sizes, units, rounds, compiledir, blas):
    _stack.configure(mode, compiledir, blas)
    import numpy as np
    backend = mode.split('/')[0]
    root = importlib.import_module(backend)
    from lasagne_reg.regularization import l2, regularize_network_params
    print('%-12s %s; %s' % (mode, _stack.versions_line(),
                            _stack.blas_line(mode)), flush=True)
    cmode = _stack.compile_mode(mode)
    lr = np.float32(LEARNING_RATE)
    factor = np.float32(1 - 2 * LEARNING_RATE)
    rows = {}
    for n in sizes:
        net, weights = _stack_of(root, n, units)

        def build(net=net, weights=weights):
            penalty = regularize_network_params(net, l2)
            grads = root.grad(penalty, weights)
            return penalty, [(w, w - lr * g) for w, g in zip(weights, grads)]

        graph = build()
        phases = {'ours': [], 'upd': []}

        def compile_ours(graph=graph, phases=phases):
            kwargs, stats = _profiled(root, mode)
            root.function([], graph[0], updates=graph[1], mode=cmode,
                          **kwargs)
            if stats is not None:
                phases['ours'].append(_phases(stats))

        def compile_updates(weights=weights, phases=phases):
            kwargs, stats = _profiled(root, mode)
            root.function([], [], updates=[(w, w * factor) for w in weights],
                          mode=cmode, **kwargs)
            if stats is not None:
                phases['upd'].append(_phases(stats))

        start = time.perf_counter()
        compile_ours()          # fills the cache: the rounds are warm
        compile_updates()
        first = time.perf_counter() - start
        for key in phases:
            phases[key].clear()
        times = _timing.interleave({'ours': compile_ours,
                                    'upd': compile_updates, 'build': build},
                                   rounds, collect=True)
        r = _timing.ratio(times, 'ours', 'upd')
        med = {k: float(np.median(v)) for k, v in times.items()}
        row = {'build': med['build'], 'ours': med['ours'], 'upd': med['upd'],
               'ours-upd': float(np.median(np.subtract(times['ours'],
                                                       times['upd']))),
               'ratio': [r.median, r.low, r.high, r.n], 'first': first}
        for key in ('ours', 'upd'):
            if phases[key]:
                row[key + ' opt'] = float(np.median([p[0]
                                                     for p in phases[key]]))
                row[key + ' link'] = float(np.median([p[1]
                                                      for p in phases[key]]))
        rows[n] = row
        print('%-12s %5d  %s  ours/upd=%s  (first compile of both %.1fs)' % (
            mode, n, '  '.join(_cell(row.get(c)) for c in COLUMNS),
            _timing.format_ratio(r), first), flush=True)
    if len(sizes) > 1:
        fit = {}
        logn = np.log(sizes)
        for c in COLUMNS:
            ys = [rows[n].get(c) for n in sizes]
            if all(y is not None and y > 0 for y in ys):
                fit[c] = float(np.polyfit(logn, np.log(ys), 1)[0])
        print('%-12s %5s  %s' % (mode, 'n^k', '  '.join(
            ('%7s' % ('%.2f' % fit[c]) if c in fit else '%7s' % '-')
            for c in COLUMNS)), flush=True)
        rows['exponent'] = fit
    return rows


def _cell(value):
    return '%7s' % ('-' if value is None else '%.2f' % value)


def _parse(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--modes', nargs='+', choices=_stack.MODES,
                        default=['theano/c'])
    parser.add_argument('--sizes', nargs='+', type=int,
                        default=[64, 128, 256, 512, 1024])
    parser.add_argument('--units', type=int, default=64)
    parser.add_argument('--rounds', type=int, default=2,
                        help='interleaved pairs per size (default 2)')
    parser.add_argument('--smoke', action='store_true',
                        help='stacks of 4 and 8 Dense(4): seconds (CI)')
    _stack.add_worker_arguments(parser)
    opts = parser.parse_args(argv)
    if opts.smoke:
        opts.sizes, opts.units, opts.rounds = [4, 8], 4, 2
    return opts


def main(argv=None):
    opts = _parse(argv)
    if opts.worker:
        rows = worker(opts.worker, opts.sizes, opts.units, opts.rounds,
                      opts.compiledir, opts.blas)
        print(json.dumps({str(k): v for k, v in rows.items()}))
        return 0
    modes, skipped = _stack.available(opts.modes)
    import numpy
    print('lasagne_reg compile benchmark: Python %s, numpy %s; %s'
          % (sys.version.split()[0], numpy.__version__,
             _stack.machine_line()))
    print('Dense(%d) stacks; seconds, medians of %d interleaved rounds; '
          'opt/link: the profiler\'s optimizer and linker time; upd: the '
          'same updates with no penalty' % (opts.units, opts.rounds))
    for mode, why in skipped:
        print('skipped %s: %s' % (mode, why))
    if not modes:
        print('nothing to measure: no Theano-family backend is installed '
              'here')
        return 2
    print('%-12s %5s  %s' % ('mode', 'layers', '  '.join(
        '%7s' % c for c in COLUMNS)), flush=True)
    args = ['--sizes'] + [str(s) for s in opts.sizes]
    args += ['--units', str(opts.units), '--rounds', str(opts.rounds),
             '--blas', opts.blas]
    return _stack.run_workers(__file__, modes, args, opts.compiledir,
                              timeout=3600, width=12)

if __name__ == '__main__':
    sys.exit(main())
