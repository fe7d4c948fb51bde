#!/usr/bin/env python
"""l1 and l2 of one large tensor against the fastest read: speed and accuracy.

A penalty reads every weight once, so its limit is the fastest plain read
of the same array this machine offers, measured in the same process
(``_limit.py``): the best of ``numpy.vdot`` on the installed numpy, the
linked BLAS's ``sdot`` (``scipy-openblas32``, where installed) and
``numpy.vdot`` in one thread per CPU (where there is more than one); the
output says which won. For each backend/mode
installed in the Python that runs it (one subprocess per mode), on a float32
shared variable of 4096 x 4096 (16.8M floats; 1024 x 1024 in the pure-Python
modes), compiled ``function([], penalty(x))`` for:

ours
    ``lasagne_reg.regularization.l1`` / ``l2``, and ``l2`` of the
    transposed view ``x.T`` (not contiguous).
lasagne
    Lasagne's formulation, ``T.sum(abs(x))`` / ``T.sum(x ** 2)``
    (``lasagne.regularization`` itself where it is installed).
dot
    ``T.dot(x.flatten(), x.flatten())``: BLAS sdot (l2 only).
one element
    ``x[0, 0]``: what calling a compiled function of ``x`` costs without
    reading it (in PyTensor's JAX mode, for instance, each call copies the
    shared numpy array into a JAX array first).

each timed against the limit in adjacent pairs of its own, and ours
against Lasagne's likewise (see ``_timing.py``): every line gives the median
of the paired ratios with its 10-90 percentile spread, and the relative error
of the value against float64 numpy.

Usage::

    python benchmarks/kernels.py                    # every installed mode
    python benchmarks/kernels.py --modes theano/c --rounds 50
    python benchmarks/kernels.py --smoke            # small array: seconds
"""
import argparse
import importlib.util
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _limit  # noqa: E402
import _stack  # noqa: E402
import _timing  # noqa: E402

DEFAULT_MODES = ('theano/c', 'theano/py', 'pytensor/c', 'pytensor/numba',
                 'pytensor/jax', 'pytensor/py', 'aesara/c', 'aesara/py')
CANDIDATES = ('ours l2', 'lasagne l2', 'dot l2', 'ours l2 (x.T)',
              'ours l1', 'lasagne l1', 'one element')


def _formulas(mode, x):
    """{name: (symbolic value, 'l1' or 'l2')}."""
    backend = mode.split('/')[0]
    T = importlib.import_module(backend + '.tensor')
    import lasagne_reg.regularization as ours
    if _stack.has_lasagne(mode):
        import lasagne.regularization as theirs
        their_l1, their_l2 = theirs.l1, theirs.l2
    else:
        def their_l1(v):
            return T.sum(abs(v))

        def their_l2(v):
            return T.sum(v ** 2)
    flat = x.flatten()
    return {
        'ours l2': (ours.l2(x), 'l2'),
        'lasagne l2': (their_l2(x), 'l2'),
        'dot l2': (T.dot(flat, flat), 'l2'),
        'ours l2 (x.T)': (ours.l2(x.T), 'l2'),
        'ours l1': (ours.l1(x), 'l1'),
        'lasagne l1': (their_l1(x), 'l1'),
        'one element': (x[0, 0], None),
    }


def worker(mode, side, rounds, max_time, compiledir, blas):
    _stack.configure(mode, compiledir, blas)
    import numpy as np
    backend = mode.split('/')[0]
    root = importlib.import_module(backend)
    print('%-15s %s; %s' % (mode, _stack.versions_line(),
                            _stack.blas_line(mode)), flush=True)
    rng = np.random.default_rng(0)
    a = rng.standard_normal((side, side), dtype=np.float32)
    x = root.shared(a, name='x')
    a = x.get_value(borrow=True)
    a64 = a.astype(np.float64).ravel()
    exact = {'l2': float(np.dot(a64, a64)), 'l1': float(np.abs(a64).sum())}
    del a64
    cmode = _stack.compile_mode(mode)
    fns, errors = {}, {}
    for name, (expr, kind) in _formulas(mode, x).items():
        try:
            fn = root.function([], expr, mode=cmode)
            value = float(fn())      # JIT modes compile here
            errors[name] = (abs(value - exact[kind]) / exact[kind] if kind
                            else float('nan'))
            # float(): JAX dispatches asynchronously; only the value waits
            fns[name] = lambda fn=fn: float(fn())
        except Exception as exc:     # noqa: B902 - reported
            print('%-15s %-14s failed: %s' % (mode, name, _error(exc)))
    # the limit: the fastest plain read of the same array, timed here
    limit_name, limit, note, medians = _limit.fastest(a)
    for name, (fn, read_note) in _limit.reads(a).items():
        value = float(fn())
        print('%-15s %-14s %s  rel.err %.1e  read: %s%s' % (
            mode, name, _timing.seconds(medians.get(name, float('nan'))),
            abs(value - exact['l2']) / exact['l2'], read_note,
            '  <- the limit' if name == limit_name else ''), flush=True)
    print('%-15s limit: %s (%s; fastest median of %d reads in interleaved '
          'rounds)' % (mode, limit_name, note, len(medians)), flush=True)
    result = {'limit': {'read': limit_name, 'note': note,
                        'seconds': medians}}
    for name in CANDIDATES:
        if name not in fns:
            continue
        # each candidate against the limit in adjacent pairs of its own
        r = _timing.paired(fns[name], limit, rounds, max_time=max_time)
        line = '%-15s %-14s %s  rel.err %.1e  /limit=%s' % (
            mode, name, _timing.seconds(r.a), errors[name],
            _timing.format_ratio(r))
        theirs = name.replace('ours', 'lasagne')
        if name.startswith('ours') and theirs in fns:
            against = _timing.paired(fns[name], fns[theirs], rounds,
                                     max_time=max_time)
            line += '  ours/lasagne=%s' % _timing.format_ratio(against)
        print(line, flush=True)
        result[name] = {'seconds': r.a, 'error': errors[name],
                        'limit': [r.median, r.low, r.high, r.n]}
    return result


def _error(exc):
    text = str(exc).strip().splitlines()
    return '%s%s' % (type(exc).__name__, (': ' + text[0][:80]) if text else '')


def _parse(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--modes', nargs='+', choices=_stack.MODES,
                        help='default: every installed one')
    parser.add_argument('--side', type=int, default=4096,
                        help='the array is side x side (default 4096)')
    parser.add_argument('--py-side', type=int, default=1024,
                        help='side in the pure-Python modes (default 1024)')
    parser.add_argument('--rounds', type=int, default=30)
    parser.add_argument('--max-time', type=float, default=60.0,
                        help='stop the rounds of a mode after this many '
                        'seconds (default 60)')
    parser.add_argument('--smoke', action='store_true',
                        help='a 64 x 64 array, 3 rounds: seconds (CI)')
    _stack.add_worker_arguments(parser)
    opts = parser.parse_args(argv)
    if opts.smoke:
        opts.side = opts.py_side = 64
        opts.rounds = 3
    return opts


def main(argv=None):
    opts = _parse(argv)
    if opts.worker:
        side = opts.py_side if opts.worker.endswith('/py') else opts.side
        result = worker(opts.worker, side, opts.rounds, opts.max_time,
                        opts.compiledir, opts.blas)
        print(json.dumps(result))
        return 0
    wanted = opts.modes or (('theano/py', 'pytensor/py', 'aesara/py')
                            if opts.smoke else DEFAULT_MODES)
    modes, skipped = _stack.available(wanted)
    if opts.smoke:
        modes = modes[:1] if not opts.modes else modes
    import numpy
    print('lasagne_reg kernels benchmark: Python %s, numpy %s; %s'
          % (sys.version.split()[0], numpy.__version__,
             _stack.machine_line()))
    print('float32 %d x %d (%d x %d in py modes); median of ratios of '
          'adjacent pairs (10-90 percentile, pairs); relative error '
          'against float64' % (opts.side, opts.side, opts.py_side,
                               opts.py_side))
    for mode, why in skipped:
        print('skipped %s: %s' % (mode, why))
    if not modes:
        print('nothing to measure: no Theano-family backend is installed '
              'here')
        return 2
    args = ['--side', str(opts.side), '--py-side', str(opts.py_side),
            '--rounds', str(opts.rounds), '--max-time', str(opts.max_time),
            '--blas', opts.blas]
    return _stack.run_workers(__file__, modes, args, opts.compiledir,
                              timeout=1200, width=15)

if __name__ == '__main__':
    sys.exit(main())
