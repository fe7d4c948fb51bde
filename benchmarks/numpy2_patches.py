"""What compat's numpy-2 patches cost: compile time and a training step.

On numpy 2, ``lasagne_reg.compat.install()`` replaces a few Theano functions
(``lasagne_reg/compat/_numpy2.py``). This times, in one process and in
alternation (``_timing.paired``: median of per-pair ratios, 10-90 percentile
spread), the same Lasagne MLP's SGD training function built and compiled
with the patches and without them (``_patch.restore()``), and one training
step of each. Without the patches the graph differs (its float literals are
float32), which is what a user without them gets.

    .venv-numpy2/bin/python benchmarks/numpy2_patches.py [--rounds N]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _timing  # noqa: E402


def _build(theano, T, lasagne, sizes, batch):
    import numpy as np
    L = lasagne.layers
    lasagne.random.set_rng(np.random.RandomState(0))
    x, y = T.matrix('x'), T.ivector('y')
    net = L.InputLayer((None, sizes[0]), x)
    for n in sizes[1:-1]:
        net = L.DenseLayer(net, n)
    net = L.DenseLayer(net, sizes[-1],
                       nonlinearity=lasagne.nonlinearities.softmax)
    from lasagne_reg.regularization import l2, regularize_network_params
    out = L.get_output(net)
    loss = (lasagne.objectives.categorical_crossentropy(out, y).mean()
            + 1e-4 * regularize_network_params(net, l2))
    params = L.get_all_params(net, trainable=True)
    updates = lasagne.updates.sgd(loss, params, learning_rate=0.01)
    return theano.function([x, y], loss, updates=updates)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--rounds', type=int, default=15)
    parser.add_argument('--sizes', default='784,256,256,10')
    parser.add_argument('--batch', type=int, default=128)
    args = parser.parse_args(argv)
    import lasagne_reg.compat as compat
    from lasagne_reg.compat import _patch, _patched
    compat.install()
    import lasagne
    import numpy as np
    import theano
    import theano.tensor as T
    sizes = [int(s) for s in args.sizes.split(',')]
    if not _patched.wanted():
        print('numpy %s: compat sets no patch here; nothing to compare'
              % np.__version__)
        return 0
    patches = _patched.wanted()

    def with_patches():
        _patch.apply(patches)
        return _build(theano, T, lasagne, sizes, args.batch)

    def without_patches():
        _patch.restore()
        try:
            return _build(theano, T, lasagne, sizes, args.batch)
        finally:
            _patch.apply(patches)

    fns = {'with': with_patches(), 'without': without_patches()}  # warm
    compile_ratio = _timing.paired(with_patches, without_patches,
                                   args.rounds, collect=True)
    rng = np.random.RandomState(1)
    xb = rng.rand(args.batch, sizes[0]).astype(theano.config.floatX)
    yb = rng.randint(0, sizes[-1], args.batch).astype('int32')
    step_ratio = _timing.paired(lambda: fns['with'](xb, yb),
                                lambda: fns['without'](xb, yb),
                                args.rounds * 4, min_time=0.05)
    print('numpy %s, floatX=%s, MLP %s, batch %d, %d pairs'
          % (np.__version__, theano.config.floatX, args.sizes, args.batch,
             args.rounds))
    print('build+compile  with/without patches: %s' % compile_ratio)
    print('training step  with/without patches: %s' % step_ratio)
    return 0


if __name__ == '__main__':
    sys.exit(main())
