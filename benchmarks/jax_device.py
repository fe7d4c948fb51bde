#!/usr/bin/env python
"""l1 and l2 in PyTensor's JAX mode on JAX's default device (a GPU if any).

``benchmarks/kernels.py`` measures every mode against ``numpy.vdot`` on the
CPU. On a GPU the physical limit is the device's own read of the weights,
so here the reference is ``jax.jit(jnp.vdot)`` on the same array, already on
the device. For a float32 tensor of ``side x side`` and each penalty:

device
    The JAX function PyTensor builds for ``penalty(x)`` (``jax_funcify`` of
    its graph, ``jax.jit``-ed), called on the device-resident array: what
    the penalty costs inside a jitted JAX training step.
function
    ``pytensor.function([], penalty(x), mode='JAX')`` with ``x`` a shared
    variable, as a Theano-style script compiles it. PyTensor 3.0.7's JAX
    linker keeps shared values as numpy arrays on the host, so every call
    copies the weights to the device first: that copy, not the penalty, is
    what this row measures.

``ours`` is ``lasagne_reg.regularization.l1``/``l2``; ``lasagne`` is
Lasagne's formulation, ``T.sum(abs(x))`` / ``T.sum(x ** 2)``. Every line is
the median of paired ratios (10-90 percentile, pairs), timed in adjacent
pairs (see ``_timing.py``); device calls wait for their result
(``block_until_ready``).

Usage (needs PyTensor and a JAX that sees the device; the project's
.venv-pytensor has a CPU-only JAX)::

    python benchmarks/jax_device.py                  # 16384 x 16384
    python benchmarks/jax_device.py --side 4096 --rounds 30
    python benchmarks/jax_device.py --smoke          # seconds, any device
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import _timing  # noqa: E402


def _jitted(variable, expression):
    """jax.jit of the JAX function PyTensor builds for `expression`."""
    import jax
    from pytensor.compile.mode import get_mode
    from pytensor.graph.fg import FunctionGraph
    from pytensor.link.jax.dispatch import jax_funcify
    fgraph = FunctionGraph([variable], [expression], clone=True)
    get_mode('JAX').optimizer.rewrite(fgraph)
    fn = jax.jit(jax_funcify(fgraph))
    return lambda a: fn(a)[0]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--side', type=int, default=16384)
    parser.add_argument('--rounds', type=int, default=40)
    parser.add_argument('--min-time', type=float, default=0.02,
                        help='seconds per sample (default 0.02)')
    parser.add_argument('--smoke', action='store_true',
                        help='a 64 x 64 tensor, 3 pairs: checks the script')
    args = parser.parse_args(argv)
    if args.smoke:
        args.side, args.rounds, args.min_time = 64, 3, 0.0

    import jax
    import jax.numpy as jnp
    import pytensor
    import pytensor.tensor as pt

    import lasagne_reg.regularization as ours

    device = jax.devices()[0]
    rng = np.random.default_rng(0)
    host = rng.standard_normal((args.side, args.side)).astype('float32')
    on_device = jax.device_put(host, device)
    exact = {'l2': float(np.sum(host.astype(np.float64) ** 2)),
             'l1': float(np.sum(np.abs(host.astype(np.float64))))}
    print('x: float32 %d x %d (%.0f MiB)'
          % (args.side, args.side, host.nbytes / 2 ** 20))

    vdot = jax.jit(jnp.vdot)

    def limit():
        vdot(on_device, on_device).block_until_ready()

    x = pt.matrix('x', dtype='float32')
    shared = pytensor.shared(host, name='x')
    formulas = {
        ('ours', 'l2'): ours.l2, ('lasagne', 'l2'): lambda v: pt.sum(v ** 2),
        ('ours', 'l1'): ours.l1, ('lasagne', 'l1'): lambda v: pt.sum(abs(v)),
    }
    calls = {}
    for (who, kind), formula in formulas.items():
        fn = _jitted(x, formula(x))
        calls[('device', who, kind)] = (
            lambda fn=fn: fn(on_device).block_until_ready(), fn)
        compiled = pytensor.function([], formula(shared), mode='JAX')
        calls[('function', who, kind)] = (compiled, None)

    print('jax %s, pytensor %s, device %s, x64 %s (float64 sums)'
          % (jax.__version__, pytensor.__version__, device,
             jax.config.jax_enable_x64))
    print('%-9s %-8s %-3s %10s  %-9s %-34s %s'
          % ('row', 'who', 'pen', 'per call', 'rel.err', '/device vdot',
             'ours/lasagne'))
    for row in ('device', 'function'):
        for kind in ('l2', 'l1'):
            for who in ('ours', 'lasagne'):
                call, fn = calls[(row, who, kind)]
                value = float(fn(on_device) if fn is not None else call())
                err = abs(value - exact[kind]) / exact[kind]
                r = _timing.paired(call, limit, args.rounds,
                                   min_time=args.min_time)
                line = '%-9s %-8s %-3s %10s  %-9.1e %-34s' % (
                    row, who, kind, _timing.seconds(r.a).strip(), err,
                    _timing.format_ratio(r))
                if who == 'ours':
                    other = calls[(row, 'lasagne', kind)][0]
                    line += ' ' + _timing.format_ratio(_timing.paired(
                        call, other, args.rounds, min_time=args.min_time))
                print(line, flush=True)
    r = _timing.paired(limit, limit, 5, min_time=args.min_time)
    print('device vdot: %s per call (%.0f GB/s read)'
          % (_timing.seconds(r.a).strip(), host.nbytes / r.a / 1e9))


if __name__ == '__main__':
    sys.exit(main())
