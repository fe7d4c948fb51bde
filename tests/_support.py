"""Helpers shared by the tests (not fixtures): duck-typed layers, numpy references."""
import collections
import os

import numpy as np

BACKEND = os.environ.get('LASAGNE_REG_TEST_BACKEND', 'theano')


def _protocol_get_params(params, tags):
    """Lasagne's tag rule, restated: True tags required, False excluded."""
    only = {t for t, v in tags.items() if v}
    exclude = {t for t, v in tags.items() if not v}
    return [p for p, ptags in params.items()
            if only <= ptags and not (exclude & ptags)]


class DuckLayer:
    """A layer that follows Lasagne's protocol without being a Lasagne Layer."""

    def __init__(self, incoming, params=(), name=None):
        if isinstance(incoming, (list, tuple)):
            self.input_layers = list(incoming)
        else:
            self.input_layer = incoming
        self.params = collections.OrderedDict(
            (p, set(tags)) for p, tags in params)
        self.name = name

    def get_params(self, **tags):
        return _protocol_get_params(self.params, tags)


def lasagne_mlp(L, sizes=(6, 5, 4, 3), dtype=None, seed=0):
    """A real Lasagne MLP: InputLayer then one DenseLayer per size."""
    import lasagne
    lasagne.random.set_rng(np.random.RandomState(seed))
    layer = L.InputLayer((None, sizes[0]))
    for n in sizes[1:]:
        layer = L.DenseLayer(layer, num_units=n)
    if dtype is not None:
        for p in L.get_all_params(layer):
            p.set_value(p.get_value().astype(dtype))
    return layer


class Recorder:
    """A penalty that records the tensors it is called on and returns 0
    (Lasagne's own tests use a Mock)."""

    def __init__(self):
        self.calls = []

    def __call__(self, x):
        self.calls.append(x)
        return 0


def values(params):
    """Current numpy values of shared variables."""
    return [p.get_value() for p in params]


def np_l1(arrays):
    return sum(np.abs(np.asarray(a, dtype=np.float64)).sum() for a in arrays)


def np_l2(arrays):
    return sum((np.asarray(a, dtype=np.float64) ** 2).sum() for a in arrays)


def fresh_env(directory, inherit=True):
    """A new virtualenv in `directory`, for tests that write site-packages.

    With `inherit`, its site-packages sees this interpreter's packages (and
    so lasagne_reg) through a .pth file, as a user's environment would.
    Returns a namespace with ``python`` (its interpreter) and ``site`` (its
    site-packages, a pathlib.Path).
    """
    import pathlib
    import subprocess
    import sys
    import sysconfig
    subprocess.run([sys.executable, '-m', 'venv', '--without-pip',
                    directory], check=True)
    python = os.path.join(directory, 'bin', 'python')
    site = pathlib.Path(subprocess.run(
        [python, '-c', 'import sysconfig; '
         'print(sysconfig.get_paths()["purelib"])'],
        check=True, capture_output=True, text=True).stdout.strip())
    if inherit:
        (site / '_base_env.pth').write_text(
            'import site; site.addsitedir(%r)\n'
            % sysconfig.get_paths()['purelib'])
    import types
    return types.SimpleNamespace(python=python, site=site)
