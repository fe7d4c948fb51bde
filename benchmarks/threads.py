#!/usr/bin/env python
"""The kernels' thread scaling: l2 and l1 of float32 vectors by size.

For each size, the compiled ``l2(x)`` (and ``l1(x)``) of a backend's mode
(``--mode``: Theano's C by default; ``aesara/c``, ``pytensor/c``,
``pytensor/numba``) with ``LASAGNE_REG_NUM_THREADS`` = N against the same
with 1, in adjacent
pairs (``_timing.py``): the median of the per-pair time ratios, its 10-90
percentile spread and the pairs. The kernels read the environment variable
on every call above their threshold (``_onepass.PARALLEL_MIN``); below it
they always use one thread, so a ratio there shows only noise. The values
are compared bit for bit across thread counts as well.

Usage::

    python benchmarks/threads.py                        # N = 2
    python benchmarks/threads.py --threads 2 4 --sizes 1048576 16777216
    .venv-pytensor/bin/python benchmarks/threads.py --mode pytensor/numba
"""
import argparse
import importlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _stack  # noqa: E402
import _timing  # noqa: E402

SIZES = [2 ** 16, 2 ** 18, 2 ** 20, 2 ** 21, 2 ** 22, 2 ** 23, 2 ** 24]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--mode', default='theano/c',
                        choices=[m for m in _stack.MODES
                                 if m.endswith(('/c', '/numba'))])
    parser.add_argument('--threads', type=int, nargs='+', default=[2])
    parser.add_argument('--sizes', type=int, nargs='+', default=SIZES)
    parser.add_argument('--rounds', type=int, default=41)
    parser.add_argument('--min-time', type=float, default=0.02,
                        help='seconds per sample (default 0.02)')
    parser.add_argument('--max-time', type=float, default=15.0)
    parser.add_argument('--compiledir')
    opts = parser.parse_args(argv)
    _stack.configure(opts.mode, opts.compiledir, 'compat')
    import numpy as np
    root = importlib.import_module(opts.mode.split('/')[0])

    from lasagne_reg import regularization as reg
    from lasagne_reg._kernels import _onepass
    print('lasagne_reg kernel threads, %s: %s' % (opts.mode,
                                                  _stack.versions_line()))
    print('%s; threshold %d elements' % (_stack.machine_line(),
                                         _onepass.PARALLEL_MIN))
    x = root.tensor.vector('x', dtype='float32')
    mode = _stack.compile_mode(opts.mode)
    fns = {'l2': root.function([x], reg.l2(x), mode=mode),
           'l1': root.function([x], reg.l1(x), mode=mode)}
    rng = np.random.default_rng(0)

    def call(fn, a, threads):
        def run():
            os.environ['LASAGNE_REG_NUM_THREADS'] = str(threads)
            return fn(a)
        return run

    for n in opts.sizes:
        a = rng.standard_normal(n, dtype=np.float32)
        for kind, fn in fns.items():
            one = call(fn, a, 1)
            bits = np.asarray(one()).tobytes()
            for threads in opts.threads:
                many = call(fn, a, threads)
                same = np.asarray(many()).tobytes() == bits
                r = _timing.paired(many, one, opts.rounds,
                                   min_time=opts.min_time,
                                   max_time=opts.max_time)
                print('%s n=%9d  1 thread %s  %d threads %s  %d/1=%s  '
                      'same bits: %s' % (
                          kind, n, _timing.seconds(r.b), threads,
                          _timing.seconds(r.a), threads,
                          _timing.format_ratio(r), same), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
