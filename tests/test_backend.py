"""Which backend lasagne_reg uses, and the modes users run it in.

Detection rules are checked in-process with ``importlib.util.find_spec``
replaced (any set of installed backends can be pretended) and in fresh
interpreters of this virtualenv with a controlled environment (what a user's
script sees). The mode tests compile a 40-layer duck-typed network's penalties
and gradients in each mode users run on the backend under test, PyTensor's
default Numba, C and JAX linkers included, against numpy.
"""
import collections
import importlib
import importlib.util
import os
import sys
import types

import numpy as np
import pytest

import lasagne_reg
from lasagne_reg import _backend, _variant
from lasagne_reg import regularization as reg
from tests._support import BACKEND, DuckLayer, last_json, run_python

pytestmark = [pytest.mark.backends]

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BACKENDS = ('theano', 'pytensor', 'aesara')
RTOL = {'float32': 1e-5, 'float64': 1e-10}


def installed_here():
    return [name for name in BACKENDS
            if importlib.util.find_spec(name) is not None]


@pytest.fixture
def pretend(monkeypatch):
    """pretend({'pytensor', ...}): only these backends seem installed."""
    real = importlib.util.find_spec
    monkeypatch.delenv('LASAGNE_REG_BACKEND', raising=False)

    def install(names):
        def find_spec(name, *args, **kwargs):
            if name in BACKENDS:
                return object() if name in names else None
            return real(name, *args, **kwargs)
        monkeypatch.setattr(importlib.util, 'find_spec', find_spec)
    return install


def fake_variable(backend_name):
    """An object whose class comes from `backend_name`'s tensor module."""
    cls = type('TensorVariable', (object,),
               {'__module__': backend_name + '.tensor.variable'})
    return cls()


# -- detection: the rules, with any set of backends installed ---------------

def test_a_variable_belongs_to_the_backend_that_built_it(bk):
    x = bk.shared(np.ones((2, 3), dtype='float32'), name='x')
    assert lasagne_reg.backend(x) == BACKEND
    assert _backend.tensor_module(x) is bk.T
    penalty = reg.l2(x)
    assert _backend.backend_of(penalty) == BACKEND
    assert isinstance(penalty, bk.T.TensorVariable)


@pytest.mark.parametrize('name', BACKENDS)
def test_the_variables_backend_wins_over_the_installed_order(pretend, name):
    pretend(set(BACKENDS))
    assert lasagne_reg.backend(fake_variable(name)) == name
    assert lasagne_reg.backend() == 'theano'


@pytest.mark.parametrize('installed, expected', [
    ({'theano', 'pytensor', 'aesara'}, 'theano'),
    ({'pytensor', 'aesara'}, 'pytensor'),
    ({'theano', 'aesara'}, 'theano'),
    ({'aesara'}, 'aesara'),
    ({'pytensor'}, 'pytensor'),
])
def test_without_a_tensor_the_first_installed_wins(pretend, installed,
                                                   expected):
    pretend(installed)
    assert lasagne_reg.backend() == expected
    assert lasagne_reg.backend([]) == expected        # nothing to look at
    assert lasagne_reg.backend(np.ones(2)) == expected


def test_no_backend_installed_says_what_to_install(pretend):
    pretend(set())
    with pytest.raises(ImportError) as info:
        lasagne_reg.backend()
    assert str(info.value) == (
        "lasagne_reg needs a Theano-family backend: install one of theano, "
        "pytensor, aesara (for example pip install 'lasagne_reg[theano]')")


@pytest.mark.parametrize('value, expected', [
    ('aesara', 'aesara'), ('PyTensor', 'pytensor'), (' theano ', 'theano')])
def test_the_environment_variable_forces_a_backend(pretend, monkeypatch,
                                                   value, expected):
    pretend(set(BACKENDS))
    monkeypatch.setenv('LASAGNE_REG_BACKEND', value)
    assert lasagne_reg.backend() == expected
    assert lasagne_reg.backend(fake_variable(expected)) == expected


@pytest.mark.parametrize('forced', BACKENDS)
def test_forcing_a_backend_that_is_not_installed_fails_clearly(
        pretend, monkeypatch, forced):
    pretend(set(BACKENDS) - {forced})
    monkeypatch.setenv('LASAGNE_REG_BACKEND', forced)
    message = 'LASAGNE_REG_BACKEND=%s, but %s is not installed' % (forced,
                                                                   forced)
    with pytest.raises(ImportError, match=message) as info:
        lasagne_reg.backend()
    assert str(info.value) == (
        "LASAGNE_REG_BACKEND=%s, but %s is not installed in this Python "
        "environment: pip install 'lasagne_reg[%s]', or unset "
        "LASAGNE_REG_BACKEND" % (forced, forced, forced))


def test_an_unknown_backend_name_is_a_clear_error(pretend, monkeypatch):
    pretend(set(BACKENDS))
    monkeypatch.setenv('LASAGNE_REG_BACKEND', 'tensorflow')
    with pytest.raises(ValueError) as info:
        lasagne_reg.backend()
    assert str(info.value) == (
        "LASAGNE_REG_BACKEND='tensorflow': expected one of theano, pytensor, "
        "aesara; or unset it, and the backend of your variables is used")


@pytest.mark.parametrize('mode, where', [
    ('jax', "mode='JAX' (pip install jax)"),
    ('Numba', "mode='NUMBA' (PyTensor's default)")])
def test_a_pytensor_mode_named_as_backend_says_where_it_goes(
        pretend, monkeypatch, mode, where):
    pretend(set(BACKENDS))
    monkeypatch.setenv('LASAGNE_REG_BACKEND', mode)
    with pytest.raises(ValueError) as info:
        lasagne_reg.backend()
    assert str(info.value) == (
        "LASAGNE_REG_BACKEND=%r: expected one of theano, pytensor, aesara; "
        "%s is a PyTensor mode, not a backend: set LASAGNE_REG_BACKEND="
        "pytensor (or unset it) and compile with %s"
        % (mode.lower(), mode.lower(), where))


def test_a_variable_of_another_backend_than_the_forced_one_is_an_error(
        pretend, monkeypatch):
    pretend(set(BACKENDS))
    monkeypatch.setenv('LASAGNE_REG_BACKEND', 'theano')
    with pytest.raises(ValueError, match='LASAGNE_REG_BACKEND=theano, but the '
                                         'tensor passed in is a pytensor '
                                         'variable') as info:
        lasagne_reg.backend(fake_variable('pytensor'))
    assert str(info.value).endswith('unset LASAGNE_REG_BACKEND (each variable '
                                    'then uses its own backend) or set it to '
                                    'pytensor')


@pytest.fixture
def foreign(monkeypatch):
    """Another backend than the one under test, faked in sys.modules.

    Its tensor module records the casts and constants asked of it; with
    LASAGNE_REG_BACKEND unset, its variables use it.
    """
    name = next(n for n in BACKENDS if n != BACKEND)
    calls = []
    tensor = types.ModuleType(name + '.tensor')
    tensor.cast = lambda x, dtype: calls.append(('cast', x, dtype)) or 'cast'
    tensor.constant = lambda value: calls.append(('constant', value)) or 'c'
    root = types.ModuleType(name)
    root.tensor = tensor
    monkeypatch.setitem(sys.modules, name, root)
    monkeypatch.setitem(sys.modules, name + '.tensor', tensor)
    monkeypatch.delenv('LASAGNE_REG_BACKEND', raising=False)
    return types.SimpleNamespace(name=name, tensor=tensor, calls=calls)


def test_a_variable_is_cast_in_the_graph_of_its_own_backend(foreign):
    x = fake_variable(foreign.name)
    x.dtype = 'float64'
    assert _backend.tensor_module(x) is foreign.tensor
    assert _backend.cast(x, 'float64') is x         # nothing to do
    assert foreign.calls == []
    assert _backend.cast(x, 'float32') == 'cast'
    assert foreign.calls == [('cast', x, 'float32')]
    assert _backend.constant(0.1, 'float32', x) == 'c'
    kind, value = foreign.calls[-1]
    assert kind == 'constant'
    assert value.dtype == np.float32 and value.shape == ()
    assert value == np.float32(0.1)


def test_cast_keeps_the_kind_of_its_argument(bk):
    x = bk.shared(np.array([1.5, -2.25]), name='x')
    assert _backend.cast(x, 'float64') is x
    y = _backend.cast(x, 'float32')
    assert isinstance(y, bk.T.TensorVariable) and y.dtype == 'float32'
    np.testing.assert_array_equal(bk.evaluate(y),
                                  np.array([1.5, -2.25], dtype='float32'))
    # numbers become numpy scalars of the dtype, never arrays or variables
    for number, dtype in [(3, 'float32'), (np.float64(0.1), 'float32'),
                          (2.5, 'float64'), (np.array(7.0), 'int32')]:
        value = _backend.cast(number, dtype)
        assert type(value) is np.dtype(dtype).type, (number, dtype)
        assert value == np.asarray(number).astype(dtype)


def test_submodule_imports_the_backends_module(bk):
    assert _backend.submodule(BACKEND, 'tensor') is bk.T
    assert _backend.submodule(BACKEND, 'compile').Mode is bk.Mode


SHARED = object()     # a shared variable of the backend under test


@pytest.mark.parametrize('value, numeric, tensor', [
    (np.ones(2), True, True),
    (np.float32(1.5), True, False),
    (1.5, True, False),
    (3, True, False),
    (True, False, False),
    (None, False, False),
    ('1', False, False),
    ([1.0, 2.0], False, False),
    (SHARED, False, True),
])
def test_what_counts_as_a_number_and_as_a_tensor(bk, value, numeric, tensor):
    if value is SHARED:
        value = bk.shared(np.ones(2))
    assert _backend.is_numeric(value) is numeric
    assert _backend.is_tensor(value) is tensor


def test_the_active_backend_is_the_one_under_test():
    # the root conftest sets LASAGNE_REG_BACKEND to the backend under test
    assert os.environ['LASAGNE_REG_BACKEND'] == BACKEND
    assert lasagne_reg.backend() == BACKEND


# -- detection: fresh interpreters, the real installation -------------------

@pytest.mark.slow
def test_a_fresh_interpreter_finds_the_installed_backend_without_importing():
    out = run_python(code='''
        import json, sys
        import lasagne_reg
        active = lasagne_reg.backend()
        print(json.dumps({
            'active': active,
            'imported': [m for m in ('theano', 'pytensor', 'aesara')
                         if m in sys.modules]}))
    ''')
    result = last_json(out)
    assert result == {'active': installed_here()[0], 'imported': []}


@pytest.mark.slow
@pytest.mark.parametrize('forced', BACKENDS)
def test_forcing_in_a_fresh_interpreter(forced):
    out = run_python(code='''
        import lasagne_reg
        print('"%s"' % lasagne_reg.backend())
    ''', env={'LASAGNE_REG_BACKEND': forced})
    if forced in installed_here():
        assert last_json(out) == forced
    else:
        assert out.returncode != 0
        assert ('ImportError: LASAGNE_REG_BACKEND=%s, but %s is not '
                'installed in this Python environment' % (forced, forced)
                in out.stderr), out.stderr[-2000:]


@pytest.mark.slow
def test_numpy_in_numpy_out_without_importing_any_backend():
    out = run_python(code='''
        import collections, json, sys
        import numpy as np
        from lasagne_reg import regularization as reg

        class Layer(object):
            # Lasagne's protocol with numpy parameters (unhashable, so
            # tests._support.DuckLayer cannot hold them)
            def __init__(self, incoming, W, b):
                self.input_layer, self.W, self.b = incoming, W, b

            def get_params(self, regularizable=None):
                return [self.W] if regularizable else [self.W, self.b]

        rng = np.random.RandomState(0)
        ws = [rng.randn(3, 2).astype('float32') for _ in range(3)]
        bs = [rng.randn(2).astype('float32') for _ in range(3)]
        layer, layers = None, []
        for w, b in zip(ws, bs):
            layer = Layer(layer, w, b)
            layers.append(layer)
        results = {
            'l1': reg.l1(ws[0]),
            'l2': reg.l2(ws[0]),
            'apply': reg.apply_penalty(ws, reg.l2),
            'network': reg.regularize_network_params(layer, reg.l1),
            'layers': reg.regularize_layer_params(layers[:2], reg.l2),
            'weighted': reg.regularize_layer_params_weighted(
                collections.OrderedDict(zip(layers, [0.5, 1, 2])), reg.l2),
        }
        print(json.dumps({
            'values': {k: float(v) for k, v in results.items()},
            'types': sorted({type(v).__name__ for v in results.values()}),
            'imported': [m for m in ('theano', 'pytensor', 'aesara',
                                     'lasagne') if m in sys.modules]}))
    ''')
    result = last_json(out)
    rng = np.random.RandomState(0)
    ws = [rng.randn(3, 2).astype('float32') for _ in range(3)]
    sq = [float((w.astype('float64') ** 2).sum()) for w in ws]
    ab = [float(np.abs(w.astype('float64')).sum()) for w in ws]
    expected = {'l1': ab[0], 'l2': sq[0], 'apply': sum(sq),
                'network': sum(ab), 'layers': sq[0] + sq[1],
                'weighted': 0.5 * sq[0] + sq[1] + 2 * sq[2]}
    assert sorted(result['values']) == sorted(expected)
    for key, value in expected.items():
        np.testing.assert_allclose(result['values'][key], value, rtol=1e-5,
                                   err_msg=key)
    assert result['types'] == ['float32']
    assert result['imported'] == []


@pytest.mark.slow
def test_duck_layers_need_no_lasagne():
    # lasagne_reg.compat.install() is what a Theano 1.0.5 user calls first
    out = run_python(code='''
        import json, sys
        import numpy as np
        import lasagne_reg.compat
        if lasagne_reg.backend() == 'theano':
            lasagne_reg.compat.install()
        root = __import__(lasagne_reg.backend())
        from lasagne_reg import regularization as reg
        from tests._support import DuckLayer
        layer = DuckLayer(None)
        for i in range(40):
            w = root.shared(np.ones((2, 2), dtype='float32'))
            layer = DuckLayer(layer, [(w, {'regularizable'})])
        penalty = reg.regularize_network_params(layer, reg.l2)
        print(json.dumps({
            'class_module': type(penalty).__module__.split('.')[0],
            'dtype': str(penalty.dtype),
            'lasagne_imported': 'lasagne' in sys.modules}))
    ''')
    assert last_json(out) == {'class_module': BACKEND, 'dtype': 'float32',
                              'lasagne_imported': False}


# -- the modes users run -----------------------------------------------------

# (id, mode argument, flags set around the compile, linker expected)
# Theano-PyMC renamed Theano 1.0.5's VM_Linker to VMLinker
_THEANO_VM = ('VMLinker' if _variant.installed() is _variant.THEANO_PYMC
              else 'VM_Linker')

USER_MODES = {
    'theano': [
        ('FAST_RUN', 'FAST_RUN', {}, _THEANO_VM),
        ('FAST_COMPILE', 'FAST_COMPILE', {}, _THEANO_VM),
        ('py', 'py', {}, 'PerformLinker'),
    ],
    'aesara': [
        ('FAST_RUN', 'FAST_RUN', {}, 'VMLinker'),
        ('FAST_COMPILE', 'FAST_COMPILE', {}, 'VMLinker'),
        ('py', 'py', {}, 'PerformLinker'),
    ],
    'pytensor': [
        # PyTensor's defaults: mode=Mode, linker=auto, which is Numba
        ('default-numba', None, {'mode': 'Mode', 'linker': 'auto'},
         'NumbaLinker'),
        ('FAST_RUN-c', 'FAST_RUN', {'linker': 'cvm'}, 'VMLinker'),
        ('JAX', 'JAX', {}, 'JAXLinker'),
        ('FAST_COMPILE', 'FAST_COMPILE', {}, 'VMLinker'),
        ('py', 'py', {}, 'PerformLinker'),
    ],
}[BACKEND]


def _duck_network(bk, n_layers, dtype):
    rng = np.random.RandomState(11)
    layer, layers = DuckLayer(None), []
    for i in range(n_layers):
        W = bk.shared(rng.randn(4, 3).astype(dtype), name='W%d' % i)
        b = bk.shared(rng.randn(3).astype(dtype), name='b%d' % i)
        layer = DuckLayer(layer, [(W, {'trainable', 'regularizable'}),
                                  (b, {'trainable'})], name='dense%d' % i)
        layers.append(layer)
    return layers


def _compile(bk, outputs, mode, flags):
    if mode == 'py':
        mode = bk.py_mode()
    with bk.change_flags(**flags):
        return bk.function([], outputs, mode=mode)


# Theano-PyMC on numpy 2: its autocaster gives a Python float literal
# float32 (NEP 50 compares 0.01 with float32(0.01) in float32), so the
# weighted penalty's 0.01 coefficients lose float64's precision; compat's
# numpy-2 measures are written for Theano 1.0.5 only (docs/backends.rst).
# Strict: the day they cover Theano-PyMC, this says so.
PYMC_NUMPY2 = (BACKEND == 'theano'
               and _variant.installed() is _variant.THEANO_PYMC
               and int(np.__version__.split('.')[0]) >= 2)


@pytest.mark.parametrize('dtype', [
    'float32', pytest.param('float64', marks=pytest.mark.xfail(
        PYMC_NUMPY2, strict=True, reason='Theano-PyMC on numpy 2 makes a '
        'float literal float32 (compat patches Theano 1.0.5 only)'))])
@pytest.mark.parametrize('mode_id, mode, flags, linker', USER_MODES,
                         ids=[m[0] for m in USER_MODES])
def test_deep_duck_network_in_the_modes_users_run(bk, mode_id, mode, flags,
                                                  linker, dtype):
    if mode_id == 'JAX':
        assert importlib.util.find_spec('jax'), \
            'jax is missing: requirements/pytensor.txt installs it'
    layers = _duck_network(bk, 40, dtype)
    weights = [list(lay.params)[0] for lay in layers]
    coeffs = [0.01 * (1 + i % 3) for i in range(len(layers))]
    network = reg.regularize_network_params(layers[-1], reg.l2)
    weighted = reg.regularize_layer_params_weighted(
        collections.OrderedDict(zip(layers, coeffs)), reg.l1)
    per_layer = reg.regularize_layer_params(layers[::2], reg.l2)
    grads = bk.grad(network + weighted, weights)
    f = _compile(bk, [network, weighted, per_layer] + grads, mode, flags)
    assert type(f.maker.linker).__name__ == linker
    if mode_id == 'FAST_RUN-c':
        assert f.maker.linker.use_cloop and f.maker.linker.c_thunks
    out = f()

    ws = [w.get_value().astype('float64') for w in weights]
    sq = [(w ** 2).sum() for w in ws]
    ab = [np.abs(w).sum() for w in ws]
    rtol = RTOL[dtype]
    np.testing.assert_allclose(out[0], sum(sq), rtol=rtol)
    np.testing.assert_allclose(out[1], sum(c * a for c, a in zip(coeffs, ab)),
                               rtol=rtol)
    np.testing.assert_allclose(out[2], sum(sq[::2]), rtol=rtol)
    for g, w, c in zip(out[3:], ws, coeffs):
        np.testing.assert_allclose(g, 2 * w + c * np.sign(w), rtol=rtol)
        assert np.asarray(g).dtype == dtype
    for expr in (network, weighted, per_layer):
        assert expr.dtype == dtype
    # PyTensor 3.0.7's JAX linker returns a float32 sum, which it
    # accumulates in float64, as float64 (docs/backends.rst, known limits):
    # the first two outputs sum 40 terms with such a reduction; l2 itself is
    # our Op, whose JAX implementation keeps float32, and the 20 terms of
    # the third are added without one
    value_dtypes = [dtype] * 3
    if mode_id == 'JAX':
        value_dtypes[:2] = ['float64'] * 2
    assert [str(np.asarray(v).dtype) for v in out[:3]] == value_dtypes


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('mode', ['py', 'FAST_COMPILE'])
def test_sums_of_many_terms_survive_the_rewrites_in_python_modes(bk, mode,
                                                                  dtype):
    # bk.root.function, not bk.function: the py linker with the compiler
    # configured. PyTensor rewrites a sum over a stack of scalars back into
    # one add of them all, which no Python linker runs beyond 31 inputs.
    layers = _duck_network(bk, 40, dtype)
    weights = [list(lay.params)[0] for lay in layers]
    mode = bk.Mode(linker='py') if mode == 'py' else mode
    ws = [w.get_value().astype('float64') for w in weights]
    for penalty, value, grad in [
            (reg.regularize_network_params(layers[-1], reg.l2),
             sum((w ** 2).sum() for w in ws), [2 * w for w in ws]),
            (reg.regularize_layer_params_weighted(
                collections.OrderedDict((lay, 0.5) for lay in layers),
                reg.l1),
             0.5 * sum(np.abs(w).sum() for w in ws),
             [0.5 * np.sign(w) for w in ws])]:
        with bk.change_flags(floatX='float64'):
            f = bk.root.function([], [penalty] + bk.grad(penalty, weights),
                                 mode=mode)
        out = f()
        np.testing.assert_allclose(out[0], value, rtol=RTOL[dtype])
        for g, expected in zip(out[1:], grad):
            np.testing.assert_allclose(g, expected, rtol=RTOL[dtype])


def test_the_library_imports_a_backend_only_through_backend():
    """What _backend's docstring and docs/backends.rst say: outside the demo
    and compat (which import Theano when they run), no module imports a
    backend by name, and only _backend and the report import a module whose
    name is computed (the backend _backend chose)."""
    import ast
    backends = set(BACKENDS)
    package = os.path.join(ROOT, 'lasagne_reg')
    computed = set()
    for folder, _, files in os.walk(package):
        relative = os.path.relpath(folder, package).replace(os.sep, '/')
        if relative.split('/')[0] in ('compat', 'demo'):
            continue
        for name in files:
            if not name.endswith('.py'):
                continue
            path = os.path.join(folder, name)
            with open(path) as f:
                tree = ast.parse(f.read())
            module = os.path.relpath(path, ROOT).replace(os.sep, '/')
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom):
                    names = [node.module or '']
                else:
                    names = []
                for imported in names:
                    assert imported.split('.')[0] not in backends, \
                        (module, imported)
                if (isinstance(node, ast.Call)
                        and isinstance(node.func, ast.Attribute)
                        and node.func.attr == 'import_module'):
                    [arg] = node.args
                    if isinstance(arg, ast.Constant):    # jax, by name
                        assert arg.value.split('.')[0] not in backends, \
                            (module, arg.value)
                    else:
                        computed.add(module)
    assert computed == {'lasagne_reg/_backend.py', 'lasagne_reg/report.py'}
