"""compat on Python 3.12+: the distutils, numpy.distutils and imp stand-ins
(``lasagne_reg/compat/_py312.py``), and Theano + Lasagne running on them.
Which of them is served where is the registry's (test_compat_modules.py).

Each stand-in is compared with the real module wherever this interpreter has
one (the standard library's ``distutils`` and ``imp`` on 3.11,
``numpy.distutils`` with numpy 1.x/2.x on 3.11, setuptools' ``distutils`` on
3.12+), else with a value computed here independently. The Theano tests
(a compiled graph, a scan, a hessian, Lasagne networks trained a step) run on
every Theano stack; on 3.12 and 3.13 (``make test-py312``, ``test-py313``)
they can only pass through the stand-ins. The tests that hide setuptools'
``distutils`` apply to Python 3.12+ only and are skipped (not passed)
elsewhere.
"""
import importlib
import importlib.machinery
import importlib.util
import os
import sys
import sysconfig
import textwrap
import warnings

import numpy as np
import pytest

from lasagne_reg.compat import _modules, _py312
from tests._support import fresh_env, run_python

pytestmark = []     # mixed: each test says where it runs

PY312 = sys.version_info >= (3, 12)
only_312 = pytest.mark.skipif(not PY312, reason='Python 3.12+ only: the '
                              'standard library has distutils and imp here')


def _real(name):
    """The real module `name` (not our stand-in), or None where there is
    none on this interpreter."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')     # distutils, imp: deprecated
        module = sys.modules.get(name)
        if module is None:
            spec = None
            for finder in sys.meta_path:
                if isinstance(finder, _modules.CompatFinder):
                    continue
                find = getattr(finder, 'find_spec', None)
                parent = name.rpartition('.')[0]
                path = (importlib.import_module(parent).__path__
                        if parent else None)
                spec = find and find(name, path)
                if spec is not None:
                    break
            if spec is None:
                return None
            module = importlib.import_module(name)
    if 'lasagne_reg.compat' in (module.__doc__ or ''):
        return None
    return module


# -- distutils ---------------------------------------------------------------

def _reference_sysconfig():
    module = _real('distutils.sysconfig')
    assert module is not None, (
        'no real distutils here (Python %s): neither the standard library '
        'nor setuptools provides it' % sys.version.split()[0])
    return module


@pytest.mark.compat
@pytest.mark.parametrize('kwargs', [
    {}, {'plat_specific': 1}, {'plat_specific': 0, 'prefix': '/opt/py'},
    {'plat_specific': 1, 'prefix': '/opt/py'}])
def test_get_python_inc_matches_distutils(kwargs):
    real = _reference_sysconfig()
    assert _py312.get_python_inc(**kwargs) == real.get_python_inc(**kwargs)


@pytest.mark.compat
@pytest.mark.parametrize('kwargs', [
    {}, {'plat_specific': 1}, {'standard_lib': 1},
    {'plat_specific': 1, 'standard_lib': 1},      # what Theano asks
    {'prefix': '/opt/py'}, {'plat_specific': 1, 'standard_lib': 1,
                            'prefix': '/opt/py'}])
def test_get_python_lib_matches_distutils(kwargs):
    real = _reference_sysconfig()
    assert _py312.get_python_lib(**kwargs) == real.get_python_lib(**kwargs)


@pytest.mark.compat
@pytest.mark.parametrize('name', ['EXT_SUFFIX', 'LDLIBRARY', 'LIBDIR', 'SO',
                                  'abiflags', 'NO_SUCH_VARIABLE'])
def test_get_config_var_matches_distutils(name):
    real = _reference_sysconfig()
    assert _py312.get_config_var(name) == real.get_config_var(name)


@pytest.mark.compat
def test_version_config_h_and_vars_match_distutils():
    real = _reference_sysconfig()
    assert _py312.get_python_version() == real.get_python_version()
    assert _py312.get_python_version() == '%d.%d' % sys.version_info[:2]
    assert _py312.get_config_h_filename() == real.get_config_h_filename()
    assert (_py312.get_config_vars('LIBDIR', 'VERSION')
            == real.get_config_vars('LIBDIR', 'VERSION'))


@pytest.mark.compat
def test_the_include_directory_has_pythons_headers():
    # independent of distutils: the headers Theano's C code includes
    assert os.path.isfile(os.path.join(_py312.get_python_inc(), 'Python.h'))
    assert os.path.isfile(os.path.join(_py312.get_python_inc(1),
                                       'pyconfig.h'))


@pytest.mark.compat
@pytest.mark.parametrize('name', ['sh', 'g++', 'no-such-command-4f1e'])
def test_find_executable_matches_distutils(name):
    spawn = _real('distutils.spawn')
    assert spawn is not None
    assert _py312.find_executable(name) == spawn.find_executable(name)


@pytest.mark.nobackend
def test_find_executable_on_a_given_path(tmp_path):
    tool = tmp_path / 'tool'
    tool.write_text('#!/bin/sh\n')
    tool.chmod(0o755)
    assert _py312.find_executable('tool', str(tmp_path)) == str(tool)
    assert _py312.find_executable('tool', os.defpath) is None


@pytest.mark.nobackend
def test_paths_on_a_lib64_layout_with_a_debug_build(monkeypatch):
    # as on Fedora (platlibdir lib64) with a separate exec prefix and a
    # debug build's abiflags: each path from its own part, computed here
    version = 'python%d.%d' % sys.version_info[:2]
    monkeypatch.setattr(sys, 'platlibdir', 'lib64')
    monkeypatch.setattr(sys, 'prefix', '/p')
    monkeypatch.setattr(sys, 'exec_prefix', '/e')
    monkeypatch.setattr(sys, 'base_prefix', '/bp')
    monkeypatch.setattr(sys, 'base_exec_prefix', '/be')
    real_var = sysconfig.get_config_var
    monkeypatch.setattr(sysconfig, 'get_config_var', lambda name: 'd'
                        if name == 'abiflags' else real_var(name))
    monkeypatch.setattr(sysconfig, 'get_paths', lambda: {
        'include': '/inc', 'platinclude': '/platinc'})
    lib = _py312.get_python_lib
    assert lib() == lib(0) == '/p/lib/%s/site-packages' % version
    assert lib(1) == '/e/lib64/%s/site-packages' % version
    assert lib(0, 1) == '/bp/lib/' + version
    assert lib(1, 1) == '/be/lib64/' + version
    assert lib(1, 0, '/x') == '/x/lib64/%s/site-packages' % version
    inc = _py312.get_python_inc
    assert inc() == inc(0) == '/inc' and inc(1) == '/platinc'
    assert inc(0, '/x') == '/x/include/%sd' % version


@pytest.mark.nobackend
def test_distutils_stand_in_modules():
    package = _py312.make_distutils()
    assert package.__name__ == 'distutils' and package.__path__ == []
    assert package.__doc__.startswith('Provided by lasagne_reg.compat')
    with pytest.raises(AttributeError, match="module 'distutils' has no "
                       "attribute 'core'"):
        package.core  # noqa: B018 (the attribute access is the test)
    sysconfig_module = _py312.make_distutils_sysconfig()
    assert sysconfig_module.get_python_inc is _py312.get_python_inc
    assert sorted(n for n in vars(sysconfig_module) if n.startswith('get_')) \
        == ['get_config_h_filename', 'get_config_var', 'get_config_vars',
            'get_python_inc', 'get_python_lib', 'get_python_version']
    assert _py312.make_distutils_spawn().find_executable \
        is _py312.find_executable


# -- numpy.distutils ---------------------------------------------------------

@pytest.mark.compat
def test_numpy_include_dirs_match_numpy_distutils():
    real = _real('numpy.distutils.misc_util')
    ours = _py312.get_numpy_include_dirs()
    if real is not None:
        assert ours == real.get_numpy_include_dirs()
    # and independently: numpy's C headers are there
    assert os.path.isfile(os.path.join(ours[0], 'numpy', 'arrayobject.h'))


@pytest.mark.compat
def test_numpy_distutils_package_imports_its_children_on_access(
        monkeypatch):
    real = _real('numpy.distutils')
    if real is not None:    # numpy 1.x / 2.x on 3.11: the real one serves
        assert importlib.import_module('numpy.distutils') is real
        assert not _modules._missing('numpy.distutils')
        return
    finder = _modules.CompatFinder()
    monkeypatch.setattr(sys, 'meta_path', sys.meta_path + [finder])
    for name in ('numpy.distutils', 'numpy.distutils.misc_util',
                 'numpy.distutils.__config__'):
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.delattr(np, 'distutils', raising=False)
    finder.makers.update({
        'numpy.distutils': _py312.make_numpy_distutils,
        'numpy.distutils.misc_util': _py312.make_numpy_misc_util,
        'numpy.distutils.__config__': _py312.make_numpy_config})
    package = importlib.import_module('numpy.distutils')
    # Theano's reads, as cmodule.py and configdefaults.py make them
    assert package.misc_util.get_numpy_include_dirs() == [np.get_include()]
    assert hasattr(package, '__config__') and package.__config__
    assert package.__config__.blas_opt_info == {}
    assert sys.modules['numpy.distutils.__config__'] is package.__config__
    with pytest.raises(AttributeError, match="module 'numpy.distutils' has "
                       "no attribute 'system_info'"):
        package.system_info  # noqa: B018 (the attribute access is the test)


# -- imp -----------------------------------------------------------------------

def _find(name, path=None):
    found = _py312.find_module(name, path)
    if found[0] is not None:
        found[0].close()
    return found[1:]


@pytest.mark.compat
@pytest.mark.parametrize('name', ['json', 'string', '_decimal'])
def test_find_module_matches_imp(name):
    real = _real('imp')
    ours = _find(name)
    if real is not None:
        handle, path, description = real.find_module(name)
        if handle is not None:
            handle.close()
        assert ours == (path, description)
    # independently: importlib finds the same file
    spec = importlib.util.find_spec(name)
    origin = spec.origin
    assert ours[0] == (os.path.dirname(origin)
                       if spec.submodule_search_locations else origin)


@pytest.mark.compat
def test_find_module_of_numpys_extension_on_a_path():
    core = os.path.dirname(np._core.__file__ if hasattr(np, '_core')
                           else np.core.__file__)
    path, (suffix, mode, kind) = _find('_multiarray_umath', [core])
    assert path.startswith(core) and path.endswith(suffix)
    assert (mode, kind) == ('rb', _py312.C_EXTENSION)


@pytest.mark.compat
def test_find_module_of_a_missing_module_raises_importerror():
    for path in (None, [os.path.dirname(os.__file__)]):
        with pytest.raises(ImportError) as raised:
            _py312.find_module('pudb_4f1e', path)
        assert str(raised.value) == "No module named 'pudb_4f1e'"
        assert raised.value.name == 'pudb_4f1e'
    real = _real('imp')
    if real is not None:
        with pytest.raises(ImportError):
            real.find_module('pudb_4f1e')


@pytest.mark.nobackend
def test_find_module_opens_source_as_text_and_bytecode_as_bytes(tmp_path):
    (tmp_path / 'mod_src.py').write_text('x = "\u00e9"\n', encoding='utf-8')
    handle, path, description = _py312.find_module('mod_src', [str(tmp_path)])
    with handle:
        assert description == ('.py', 'r', _py312.PY_SOURCE)
        assert handle.mode == 'r' and handle.encoding == 'utf-8'
        assert handle.read() == 'x = "\u00e9"\n'
    import py_compile
    py_compile.compile(str(tmp_path / 'mod_src.py'),
                       cfile=str(tmp_path / 'mod_pyc.pyc'))
    handle, path, description = _py312.find_module('mod_pyc', [str(tmp_path)])
    with handle:
        assert description == ('.pyc', 'rb', _py312.PY_COMPILED)
        assert handle.mode == 'rb'
        assert handle.read(4) == importlib.util.MAGIC_NUMBER
    (tmp_path / 'pkg').mkdir()
    (tmp_path / 'pkg' / '__init__.py').write_text('')
    assert _py312.find_module('pkg', [str(tmp_path)]) == (
        None, str(tmp_path / 'pkg'), ('', '', _py312.PKG_DIRECTORY))


@pytest.mark.nobackend
def test_find_module_of_a_file_it_cannot_open_raises_importerror(
        monkeypatch, tmp_path):
    # a path entry whose finder (a zip importer, say) gives an origin that
    # is no source, bytecode or extension file: imp raised ImportError too
    class Finder:
        def find_spec(self, name, target=None):
            return importlib.machinery.ModuleSpec(
                name, object(), origin=str(tmp_path / (name + ".weird")))

    monkeypatch.setitem(sys.path_importer_cache, str(tmp_path), Finder())
    with pytest.raises(ImportError) as raised:
        _py312.find_module('weird_4f1e', [str(tmp_path)])
    assert str(raised.value) == "No module named 'weird_4f1e'"
    assert raised.value.name == 'weird_4f1e'


@pytest.mark.nobackend
def test_imp_stand_in_has_find_module_and_its_constants():
    module = _py312.make_imp()
    assert module.find_module is _py312.find_module
    assert (module.PY_SOURCE, module.PY_COMPILED, module.C_EXTENSION,
            module.PKG_DIRECTORY) == (1, 2, 3, 5)


@pytest.mark.nobackend
def test_a_stand_in_package_imports_its_children_by_name(monkeypatch):
    imported = []
    monkeypatch.setattr(_py312.importlib, 'import_module', imported.append)
    _py312.make_distutils().sysconfig  # noqa: B018
    _py312.make_distutils().spawn  # noqa: B018
    _py312.make_numpy_distutils().misc_util  # noqa: B018
    _py312.make_numpy_distutils().__config__  # noqa: B018
    assert imported == ['distutils.sysconfig', 'distutils.spawn',
                        'numpy.distutils.misc_util',
                        'numpy.distutils.__config__']


@pytest.mark.nobackend
def test_a_stand_in_package_names_what_it_lacks():
    for make, name in ((_py312.make_distutils, 'distutils'),
                       (_py312.make_numpy_distutils, 'numpy.distutils')):
        with pytest.raises(AttributeError) as raised:
            make().system_info  # noqa: B018 (the attribute access is the test)
        assert str(raised.value) == (
            "module '%s' has no attribute 'system_info'" % name)


# -- Theano on this interpreter ----------------------------------------------

@pytest.mark.compat
@pytest.mark.lasagne   # Theano itself (the PyTensor and Aesara runs deselect it)
def test_a_compiled_graph_matches_numpy(bk):
    T = bk.T
    x = T.dmatrix('x')
    w = bk.shared(np.arange(12.).reshape(4, 3) / 7, name='w')
    f = bk.function([x], T.tanh(T.dot(x, w)).sum(axis=0))
    rng = np.random.RandomState(0)
    value = rng.randn(5, 4)
    np.testing.assert_allclose(f(value), np.tanh(value @ w.get_value())
                               .sum(axis=0), rtol=1e-12)
    # with a compiler, in C: the lazy linker's module and the graph's thunks
    import theano.gof.lazylinker_c as lazylinker
    assert bk.config.cxx and lazylinker.get_version() > 0
    assert type(f.fn).__name__ == 'CVM'


@pytest.mark.compat
def test_scan_and_hessian_match_numpy(bk):
    theano, T = bk.root, bk.T
    x = T.dvector('x')
    total, _ = theano.scan(lambda a, acc: acc + a * a, sequences=x,
                           outputs_info=T.zeros((), dtype='float64'))
    value = np.array([0.5, -1.5, 2.0, 3.25])
    np.testing.assert_allclose(bk.function([x], total)(value),
                               np.cumsum(value ** 2), rtol=1e-12)
    h = theano.gradient.hessian((x ** 3).sum(), x)
    np.testing.assert_allclose(bk.function([x], h)(value),
                               np.diag(6 * value), rtol=1e-12)


def _np_conv_valid_flipped(x, w):
    """Lasagne 0.1's Conv2DLayer (a true convolution, filters flipped)."""
    w = w[:, :, ::-1, ::-1]
    n, c, h, width = x.shape
    f, _, kh, kw = w.shape
    out = np.zeros((n, f, h - kh + 1, width - kw + 1))
    for i in range(h - kh + 1):
        for j in range(width - kw + 1):
            out[:, :, i, j] = np.einsum('ncij,fcij->nf',
                                        x[:, :, i:i + kh, j:j + kw], w)
    return out


@pytest.mark.compat
@pytest.mark.lasagne   # Theano itself (the PyTensor and Aesara runs deselect it)
def test_lasagne_conv_pool_dropout_network_trains_a_step(bk, L):
    import lasagne
    theano, T = bk.root, bk.T
    lasagne.random.set_rng(np.random.RandomState(4))
    net_in = L.InputLayer((None, 1, 6, 6))
    conv = L.Conv2DLayer(net_in, num_filters=2, filter_size=3)
    pool = L.MaxPool2DLayer(conv, pool_size=2)
    drop = L.DropoutLayer(pool, p=0.5)
    out = L.DenseLayer(drop, num_units=3,
                       nonlinearity=lasagne.nonlinearities.softmax)
    x, y = T.tensor4('x'), T.ivector('y')
    rng = np.random.RandomState(5)
    X = rng.randn(8, 1, 6, 6).astype(theano.config.floatX)
    Y = rng.randint(0, 3, 8).astype('int32')
    # deterministic forward pass against numpy
    predict = bk.function([x], L.get_output(out, x, deterministic=True))
    c = _np_conv_valid_flipped(X, conv.W.get_value())
    c = np.maximum(c + conv.b.get_value()[None, :, None, None], 0)
    p = c.reshape(8, 2, 2, 2, 2, 2).max(axis=(3, 5))
    z = p.reshape(8, -1) @ out.W.get_value() + out.b.get_value()
    e = np.exp(z - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(predict(X), e / e.sum(axis=1, keepdims=True),
                               rtol=1e-5, atol=1e-7)
    # a training step with dropout on, then the deterministic loss is lower
    loss = T.nnet.categorical_crossentropy(L.get_output(out, x), y).mean()
    params = L.get_all_params(out, trainable=True)
    step = theano.function([x, y], loss, updates=lasagne.updates.sgd(
        loss, params, 0.05))
    test_loss = bk.function([x, y], T.nnet.categorical_crossentropy(
        L.get_output(out, x, deterministic=True), y).mean())
    before = test_loss(X, Y)
    for _ in range(30):
        step(X, Y)
    assert test_loss(X, Y) < before


def _np_softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _trains(theano, lasagne, L, out, inputs, values, y, Y, penalty=0):
    """SGD steps on the network's loss lower it."""
    T = theano.tensor
    loss = T.nnet.categorical_crossentropy(L.get_output(out), y).mean() \
        + penalty
    params = L.get_all_params(out, trainable=True)
    step = theano.function(inputs + [y], loss,
                           updates=lasagne.updates.sgd(loss, params, 0.1))
    before = step(*(values + [Y]))
    for _ in range(30):
        after = step(*(values + [Y]))
    return after < before


@pytest.mark.compat
@pytest.mark.lasagne   # Theano itself (the PyTensor and Aesara runs deselect it)
def test_lasagne_recurrent_network_trains_a_step(bk, L):
    import lasagne

    from lasagne_reg.regularization import l2, regularize_network_params
    theano, T = bk.root, bk.T
    lasagne.random.set_rng(np.random.RandomState(6))
    seq = L.InputLayer((None, 4, 3), input_var=T.dtensor3('seq'))
    rnn = L.RecurrentLayer(seq, num_units=5,     # every step's state
                           nonlinearity=lasagne.nonlinearities.tanh)
    out = L.DenseLayer(rnn, num_units=2,
                       nonlinearity=lasagne.nonlinearities.softmax)
    rng = np.random.RandomState(7)
    X = rng.randn(6, 4, 3)
    Y = rng.randint(0, 2, 6).astype('int32')
    # forward pass against numpy (tanh RNN; the dense layer sees all states)
    predict = bk.function([seq.input_var], L.get_output(out))
    h, states = np.zeros((6, 5)), []
    for t in range(4):
        h = np.tanh(X[:, t] @ rnn.W_in_to_hid.get_value() + rnn.b.get_value()
                    + h @ rnn.W_hid_to_hid.get_value())
        states.append(h)
    z = (np.stack(states, axis=1).reshape(6, 20) @ out.W.get_value()
         + out.b.get_value())
    np.testing.assert_allclose(predict(X), _np_softmax(z), rtol=1e-5,
                               atol=1e-7)
    # the penalty against numpy, then SGD steps (through scan's gradient)
    penalty = regularize_network_params(out, l2)
    weights = [rnn.W_in_to_hid, rnn.W_hid_to_hid, out.W]
    np.testing.assert_allclose(
        bk.function([], penalty)(),
        sum((p.get_value().astype(np.float64) ** 2).sum() for p in weights),
        rtol=1e-5)
    assert _trains(theano, lasagne, L, out, [seq.input_var], [X],
                   T.ivector('y'), Y, 1e-4 * penalty)


# the gradient of W[idx] is AdvancedIncSubtensor1, whose C code compat
# rewrites for numpy 2's C API (compat/_cops.py)
@pytest.mark.compat
@pytest.mark.lasagne
def test_lasagne_embedding_network_trains_a_step(bk, L):
    import lasagne
    theano, T = bk.root, bk.T
    lasagne.random.set_rng(np.random.RandomState(8))
    words = L.InputLayer((None, 4), input_var=T.imatrix('words'))
    embed = L.EmbeddingLayer(words, input_size=10, output_size=3)
    out = L.DenseLayer(embed, num_units=2,
                       nonlinearity=lasagne.nonlinearities.softmax)
    rng = np.random.RandomState(9)
    W_idx = rng.randint(0, 10, (6, 4)).astype('int32')
    Y = rng.randint(0, 2, 6).astype('int32')
    predict = bk.function([words.input_var], L.get_output(out))
    z = (embed.W.get_value()[W_idx].reshape(6, 12) @ out.W.get_value()
         + out.b.get_value())
    np.testing.assert_allclose(predict(W_idx), _np_softmax(z), rtol=1e-5,
                               atol=1e-7)
    assert _trains(theano, lasagne, L, out, [words.input_var], [W_idx],
                   T.ivector('y'), Y)


# -- a user's environment ------------------------------------------------------

SEED = textwrap.dedent('''\
    # Lasagne's own regularization example (lasagne/regularization.py),
    # trained: no lasagne_reg line, compat comes from `enable`
    import numpy as np
    import theano
    import theano.tensor as T
    import lasagne
    from lasagne.nonlinearities import softmax
    from lasagne.layers import InputLayer, DenseLayer, get_output
    from lasagne.regularization import regularize_layer_params_weighted, l2, l1
    from lasagne.regularization import regularize_layer_params

    layer_in = InputLayer((100, 20))
    layer1 = DenseLayer(layer_in, num_units=3)
    layer2 = DenseLayer(layer1, num_units=5, nonlinearity=softmax)
    x = T.matrix('x')
    y = T.ivector('y')
    l_out = get_output(layer2, x)
    loss = T.mean(T.nnet.categorical_crossentropy(l_out, y))
    layers = {layer1: 0.1, layer2: 0.5}
    l2_penalty = regularize_layer_params_weighted(layers, l2)
    l1_penalty = regularize_layer_params(layer2, l1) * 1e-4
    loss = loss + l2_penalty - l1_penalty
    params = lasagne.layers.get_all_params(layer2, trainable=True)
    train = theano.function([x, y], loss,
                            updates=lasagne.updates.sgd(loss, params, 0.1))
    rng = np.random.RandomState(0)
    X = rng.randn(100, 20).astype(theano.config.floatX)
    Y = rng.randint(0, 5, 100).astype('int32')
    losses = [float(train(X, Y)) for _ in range(20)]
    print('losses', losses[0], losses[-1])
    ''')




@pytest.mark.slow
@pytest.mark.compat
@pytest.mark.lasagne
def test_the_seed_example_trains_unchanged_in_an_enabled_environment(
        tmp_path):
    from lasagne_reg.compat import _site
    env = fresh_env(str(tmp_path / 'env'))
    _site.enable(str(env.site))
    (tmp_path / 'seed.py').write_text(SEED)
    # its own compile cache, kept across runs: Theano's compile lock, shared
    # with this process, was seen removed as stale under load
    import theano
    cache = theano.config.base_compiledir.rstrip(os.sep) + '-subprocess'
    proc = run_python('seed.py', python=env.python, cwd=str(tmp_path),
                      env={'THEANO_FLAGS': 'base_compiledir=' + cache,
                           'LASAGNE_REG_COMPAT': None})
    assert proc.returncode == 0, proc.stderr[-3000:]
    first, last = map(float, proc.stdout.split()[-2:])
    assert last < first


@pytest.mark.slow
@pytest.mark.compat
@only_312
def test_theano_compiles_without_setuptools_distutils(tmp_path):
    """A 3.12 venv without setuptools: our distutils serves Theano's C
    compile (include and library directories) and finds g++."""
    code = textwrap.dedent('''\
        import sys, lasagne_reg.compat, numpy as np
        report = lasagne_reg.compat.install()
        assert 'distutils.sysconfig' in report.modules, report.modules
        import theano, theano.tensor as T, distutils
        assert distutils.__doc__.startswith('Provided by lasagne_reg'), distutils
        assert theano.config.cxx.endswith('g++'), theano.config.cxx
        x = T.dvector()
        f = theano.function([x], T.exp(x).sum())
        print(repr(float(f(np.arange(3.)))))
        ''')
    proc = run_python('-W', 'ignore', '-c', code, cwd=str(tmp_path),
                      env={'SETUPTOOLS_USE_DISTUTILS': 'stdlib',
                           'THEANO_FLAGS': 'base_compiledir=%s' % (
                               tmp_path / 'c'),
                           'LASAGNE_REG_COMPAT': None})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert float(proc.stdout.split()[-1]) == pytest.approx(
        np.exp(np.arange(3.)).sum(), rel=1e-12)


@pytest.mark.slow
@pytest.mark.compat
@only_312
def test_without_compat_theano_fails_on_python_312(tmp_path):
    """The errors docs/troubleshooting.rst quotes, seen for real."""
    off = {'LASAGNE_REG_COMPAT': '0'}      # an enabled hook stays out
    proc = run_python('-c', 'import theano', cwd=str(tmp_path),
                      env=dict(off, SETUPTOOLS_USE_DISTUTILS='stdlib'))
    assert proc.returncode != 0
    assert ("ModuleNotFoundError: No module named 'distutils'"
            in proc.stderr), proc.stderr[-2000:]
    proc = run_python('-c', 'import theano.tests.breakpoint',
                      cwd=str(tmp_path), env=off)
    assert "ModuleNotFoundError: No module named 'imp'" in proc.stderr \
        or "No module named 'numpy.distutils'" in proc.stderr, \
        proc.stderr[-2000:]
