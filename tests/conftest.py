"""Fixtures: the backend under test and real layer graphs.

``bk`` wraps the backend's few entry points (shared, function, grad, modes);
the Lasagne graph fixtures build real Lasagne 0.1 networks; ``DuckLayer``
follows Lasagne's layer protocol without Lasagne, for every backend.
"""
import contextlib
import importlib
import os
import types

import numpy as np
import pytest

from tests._support import BACKEND, DuckLayer, lasagne_mlp


def _backend_namespace(name):
    root = importlib.import_module(name)
    T = importlib.import_module(name + '.tensor')
    compile_mod = importlib.import_module(name + '.compile')
    Mode = compile_mod.Mode

    def shared(value, name=None):
        return root.shared(np.asarray(value), name=name)

    def function(inputs, outputs, mode=None):
        with compiling(mode):
            return root.function(inputs, outputs, mode=mode,
                                 on_unused_input='ignore')

    def py_mode():
        # the pure-Python linker, with the backend's default rewrites
        return Mode(linker='py')

    def compiling(mode):
        # PyTensor sizes fused loops for C whenever a compiler is configured
        # (up to 1024 operands); its pure-Python linker runs at most 32, so
        # PyTensor's pure-Python mode is that linker with cxx= (no compiler).
        linker = type(getattr(mode, 'linker', None)).__name__
        if name == 'pytensor' and linker == 'PerformLinker':
            return change_flags(cxx='')
        return contextlib.nullcontext()

    def evaluate(expr, mode=None):
        return function([], expr, mode=mode)()

    if name == 'theano' and not hasattr(root.config, 'change_flags'):
        from theano.configparser import change_flags  # Theano 1.0.5
    else:     # PyTensor, Aesara, Theano-PyMC (where the other is deprecated)
        change_flags = root.config.change_flags

    return types.SimpleNamespace(change_flags=change_flags,
        name=name, root=root, T=T, shared=shared, function=function,
        grad=root.grad, py_mode=py_mode, evaluate=evaluate,
        config=root.config, Mode=Mode,
        default_mode=root.config.mode,   # the user's default, before ours
        test_mode=TEST_MODE.get(name))


# The mode the tests compile in when they name none (mode=None, .eval(),
# bk.root.function): real compilation that is fast cold. Theano and Aesara:
# their own default, FAST_RUN with the C linker. PyTensor: its default linker,
# Numba, compiles every new function for 10-20 s cold, too slow for a suite
# of a few hundred functions; FAST_COMPILE (rewrites, then its VM linker with
# Python thunks) compiles in milliseconds. tests/test_backend.py checks
# results and gradients in the modes PyTensor users run: the default (Numba),
# FAST_RUN with the C linker, and JAX. A mode set in PYTENSOR_FLAGS wins
# (PYTENSOR_FLAGS=mode=NUMBA runs every test in Numba, slowly).
TEST_MODE = {'pytensor': 'FAST_COMPILE'}


def _mode_in_flags(name):
    flags = os.environ.get(name.upper() + '_FLAGS', '')
    return any(f.split('=')[0].strip() == 'mode' for f in flags.split(','))


@pytest.fixture(scope='session')
def bk():
    if BACKEND == 'none':
        pytest.fail('this test uses the backend (the bk fixture): it cannot '
                    'be marked nobackend')
    namespace = _backend_namespace(BACKEND)
    if _mode_in_flags(BACKEND):
        namespace.test_mode = None
    return namespace


@pytest.fixture(scope='session', autouse=True)
def _test_mode(request):
    """Every test compiles in the backend's test mode (TEST_MODE)."""
    if BACKEND == 'none':
        yield
        return
    namespace = request.getfixturevalue('bk')
    if namespace.test_mode is None:
        yield
        return
    with namespace.change_flags(mode=namespace.test_mode):
        yield


@pytest.fixture
def duck_mlp(bk):
    """in -> 3 duck dense layers with W (regularizable) and b (not)."""
    rng = np.random.RandomState(0)
    layer = DuckLayer(None, name='in')
    for i, (n_in, n_out) in enumerate([(5, 4), (4, 3), (3, 2)]):
        W = bk.shared(rng.randn(n_in, n_out), name='W%d' % i)
        b = bk.shared(rng.randn(n_out), name='b%d' % i)
        layer = DuckLayer(layer, [(W, {'trainable', 'regularizable'}),
                                  (b, {'trainable'})], name='dense%d' % i)
    return layer


@pytest.fixture(scope='session')
def L():
    """lasagne.layers, importable only on the Theano run."""
    return importlib.import_module('lasagne.layers')


@pytest.fixture
def mlp(L):
    return lasagne_mlp(L)


@pytest.fixture
def convnet(L):
    """Conv2D -> MaxPool -> Conv2D -> Dense, as in Lasagne's MNIST example."""
    import lasagne
    lasagne.random.set_rng(np.random.RandomState(1))
    net = L.InputLayer((None, 1, 10, 10))
    net = L.Conv2DLayer(net, num_filters=4, filter_size=3)
    net = L.MaxPool2DLayer(net, pool_size=2)
    net = L.Conv2DLayer(net, num_filters=3, filter_size=2)
    return L.DenseLayer(net, num_units=5)


@pytest.fixture
def merge_net(L):
    """Two branches from one input, joined by concat and by an elementwise sum."""
    import lasagne
    lasagne.random.set_rng(np.random.RandomState(2))
    l_in = L.InputLayer((None, 6))
    left = L.DenseLayer(l_in, num_units=4, name='left')
    right = L.DenseLayer(l_in, num_units=4, name='right')
    right2 = L.DenseLayer(right, num_units=4, name='right2')
    concat = L.ConcatLayer([left, right2], name='concat')
    summed = L.ElemwiseSumLayer([left, right2], name='sum')
    both = L.ConcatLayer([concat, summed], name='both')
    return L.DenseLayer(both, num_units=3, name='out')


@pytest.fixture
def tied_net(L):
    """Two dense layers sharing one weight matrix (an autoencoder-style tie)."""
    import lasagne
    lasagne.random.set_rng(np.random.RandomState(3))
    l_in = L.InputLayer((None, 4))
    first = L.DenseLayer(l_in, num_units=4, name='first')
    second = L.DenseLayer(first, num_units=4, W=first.W, name='second')
    return first, second
