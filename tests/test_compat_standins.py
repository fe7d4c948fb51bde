"""lasagne_reg.compat._standins: what the modules compat serves contain, each
compared with what it stands in for (numpy, importlib.metadata, pool_2d,
pickle's pure-Python pickler) or, for Theano-PyMC's names, with a fake of
their homes (tests/test_compat_pymc.py checks the real ones).

``theano.misc.pkl_utils.dump``/``load`` save shared variables and arrays to
a zip file and read them back: the round trip is compared with numpy on
every Python the Theano stack runs on (on 3.13 it raised AttributeError
without compat's ``pickle``), and the pickle it writes with what Python's
own pure-Python pickler (``pickle._Pickler``, which always took a
``persistent_id``) writes for the same objects.
"""
import io
import pickle
import sys
import types
import warnings
import zipfile

import numpy as np
import pytest

from lasagne_reg.compat import _py312, _standins

pytestmark = []     # mixed: each test says where it runs

# -- how a stand-in is made ----------------------------------------------------

@pytest.mark.nobackend
def test_a_stand_in_says_who_provides_it():
    made = _standins.module('some.module', 'what it is.')
    assert made.__name__ == 'some.module'
    assert made.__doc__ == 'Provided by lasagne_reg.compat: what it is.'
    where = _standins.module('imp', 'imp over importlib.', 'Python 3.12+')
    assert where.__doc__ == ('Provided by lasagne_reg.compat (Python 3.12+): '
                             'imp over importlib.')


@pytest.mark.nobackend
def test_a_stand_in_has_the_attributes_given():
    def lookup(name):
        if name == 'late':
            return 42
        raise AttributeError(name)

    made = _standins.module('m', 'd', answer=1, __getattr__=lookup,
                            __path__=[])
    assert made.answer == 1 and made.late == 42 and made.__path__ == []
    with pytest.raises(AttributeError):
        _ = made.missing
    # a fresh module each time: nothing leaks from one to the next
    assert not hasattr(_standins.module('m', 'd'), 'answer')
    assert 'm' not in sys.modules


@pytest.mark.nobackend
def test_every_served_module_is_made_here():
    makers = [_standins.make_downsample, _standins.make_numpy_linalg,
              _standins.make_pkg_resources, _standins.make_gof,
              _standins.make_pickle, _py312.make_distutils,
              _py312.make_distutils_sysconfig, _py312.make_distutils_spawn,
              _py312.make_numpy_distutils, _py312.make_numpy_misc_util,
              _py312.make_numpy_config, _py312.make_imp]
    for make in makers:
        assert make().__doc__.startswith(_standins.PROVIDED), make


# -- theano.tensor.signal.downsample, pkg_resources, numpy.linalg.linalg -------

@pytest.mark.nobackend
def test_pkg_resources_shim_reports_versions():
    module = _standins.make_pkg_resources()
    assert module.get_distribution('numpy').version == np.__version__
    with pytest.raises(module.DistributionNotFound) as missing:
        module.get_distribution('no-such-distribution-here')
    # as setuptools' own: the distribution's name is the exception's argument
    assert missing.value.args == ('no-such-distribution-here',)


@pytest.mark.compat
def test_numpy_linalg_shim_is_numpy_linalg():
    module = _standins.make_numpy_linalg()
    assert module.__name__ == 'numpy.linalg.linalg'
    assert module.__doc__ == ('Provided by lasagne_reg.compat: numpy.linalg '
                              'under its numpy 1 name.')
    public = [n for n in dir(np.linalg) if not n.startswith('__')]
    assert public and all(getattr(module, n) is getattr(np.linalg, n)
                          for n in public)
    assert module.LinAlgError is np.linalg.LinAlgError
    assert module.inv is np.linalg.inv


@pytest.mark.nobackend
def test_the_pkg_resources_stand_in_says_what_it_is(monkeypatch):
    pkg = _standins.make_pkg_resources()
    assert pkg.fixup_namespace_packages('/some/path') is None
    assert pkg.fixup_namespace_packages('/some/path', 'parent') is None
    with pytest.raises(AttributeError) as missing:
        _ = pkg.require
    assert str(missing.value) == (
        "module 'pkg_resources' is lasagne_reg.compat's stand-in for Lasagne "
        "0.1 and Theano (this setuptools no longer ships pkg_resources): it "
        "has get_distribution, DistributionNotFound and "
        "fixup_namespace_packages, not 'require' (code that needs it needs "
        "setuptools<82)")
    monkeypatch.setitem(sys.modules, 'pkg_resources', pkg)
    with pytest.raises(ImportError) as missing:
        exec('from pkg_resources import require', {})
    assert "cannot import name 'require'" in str(missing.value)


@pytest.mark.nobackend
def test_shim_modules_say_who_provides_them():
    downsample = _standins.make_downsample()
    assert downsample.__name__ == 'theano.tensor.signal.downsample'
    assert downsample.__doc__ == ('Provided by lasagne_reg.compat: Theano < '
                                  '0.9 pooling names over pool_2d.')
    assert downsample.max_pool_2d is _standins._max_pool_2d
    pkg = _standins.make_pkg_resources()
    assert pkg.__name__ == 'pkg_resources'
    assert pkg.__doc__ == ('Provided by lasagne_reg.compat: the '
                           'get_distribution of old setuptools.')
    dist = pkg.get_distribution('numpy')
    assert (dist.project_name, dist.version) == ('numpy', np.__version__)


@pytest.mark.compat
@pytest.mark.lasagne
def test_downsample_shim_matches_numpy():
    import theano
    import theano.tensor as T
    from theano.tensor.signal import downsample
    x = T.tensor4()
    data = np.random.RandomState(0).randn(2, 3, 6, 4)
    f = theano.function([x], downsample.max_pool_2d(x, ds=(2, 2),
                                                    ignore_border=True))
    expected = data.reshape(2, 3, 3, 2, 2, 2).max(axis=(3, 5))
    np.testing.assert_allclose(f(data.astype(theano.config.floatX)),
                               expected, rtol=1e-6)


def _max_pool_keeping_borders(a):
    """2x2 max pooling that keeps the partial windows at the borders."""
    padded = np.pad(a, ((0, 0), (0, 0), (0, 1), (0, 1)),
                    constant_values=-np.inf)
    return padded.reshape(2, 3, 4, 2, 3, 2).max(axis=(3, 5))


@pytest.mark.compat
@pytest.mark.lasagne
@pytest.mark.parametrize('kwargs, reference', [
    # Theano < 0.9's defaults: borders kept (ignore_border=False), max
    ({}, _max_pool_keeping_borders),
    # overlapping windows (stride 1), borders ignored
    ({'st': (1, 1), 'ignore_border': True},
     lambda a: np.max([a[..., i:i + 6, j:j + 4] for i in (0, 1)
                       for j in (0, 1)], axis=0)),
    # padding and the average mode (on a 6 x 4 image)
    ({'ignore_border': True, 'padding': (1, 1),
      'mode': 'average_inc_pad'},
     lambda a: np.pad(a, ((0, 0), (0, 0), (1, 1), (1, 1))).reshape(
         2, 3, 4, 2, 3, 2).mean(axis=(3, 5))),
])
def test_downsample_shim_passes_every_argument_on(kwargs, reference):
    import theano
    import theano.tensor as T
    x = T.tensor4()
    data = np.random.RandomState(1).randn(2, 3, 7, 5).astype(
        theano.config.floatX)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', UserWarning)  # pool_2d's default
        f = theano.function([x], _standins._max_pool_2d(x, (2, 2), **kwargs))
    if 'padding' in kwargs:
        data = np.ascontiguousarray(data[..., :6, :4])
    np.testing.assert_allclose(f(data), reference(data), rtol=1e-5)


# -- theano.gof on Theano-PyMC ---------------------------------------------------

@pytest.fixture
def pymc_homes(monkeypatch):
    """Theano-PyMC's homes of theano.gof's names, faked: each module has
    one name of its own, and the first two share one."""
    homes = {home: types.ModuleType(home) for home in _standins.GOF_HOMES}
    for home, module in homes.items():
        setattr(module, 'Own_' + home.replace('.', '_'), object())
    homes['theano.graph.basic'].Shared = 'from basic'
    homes['theano.graph.op'].Shared = 'from op'
    for home, name in _standins.GOF_RENAMED.values():
        if name is not None:
            setattr(homes[home], name, object())
    asked = []

    def import_module(name):
        asked.append(name)
        return homes[name]
    monkeypatch.setattr(_standins.importlib, 'import_module', import_module)
    return homes, asked


@pytest.mark.nobackend
def test_gof_names_are_looked_up_in_theano_pymcs_homes_on_use(pymc_homes):
    homes, asked = pymc_homes
    gof = _standins.make_gof()
    assert gof.__name__ == 'theano.gof'
    assert gof.__doc__ == ('Provided by lasagne_reg.compat: Theano 1.0.5 '
                           'names over theano.graph and theano.link of '
                           'Theano-PyMC.')
    assert asked == []                   # nothing imported until asked
    # each name from the first home that has it, then kept on the module
    assert gof.Shared == 'from basic'
    assert vars(gof)['Shared'] == 'from basic'     # kept: asked once
    last = _standins.GOF_HOMES[-1]
    own = 'Own_' + last.replace('.', '_')
    assert getattr(gof, own) is getattr(homes[last], own)
    assert asked == ['theano.graph.basic'] + list(_standins.GOF_HOMES)
    # the renamed ones: the C classes as Op and Type, modules as modules
    assert gof.Op is homes['theano.graph.op'].COp
    assert gof.PureOp is homes['theano.graph.op'].Op
    assert gof.Type is homes['theano.graph.type'].CType
    assert gof.PureType is homes['theano.graph.type'].Type
    assert gof.cmodule is homes['theano.link.c.cmodule']
    assert gof.graph is homes['theano.graph.basic']
    with pytest.raises(AttributeError) as missing:
        gof.NoSuchName  # noqa: B018 (the attribute access is the test)
    assert str(missing.value) == (
        "module 'theano.gof' has no attribute 'NoSuchName' (lasagne_reg."
        "compat looked in Theano-PyMC's %s)" % ', '.join(_standins.GOF_HOMES))
    # dunder names are never looked up (copy, pickle and help ask for them)
    asked.clear()
    with pytest.raises(AttributeError) as dunder:
        gof.__wrapped__  # noqa: B018 (the attribute access is the test)
    assert dunder.value.args == ('__wrapped__',) and asked == []


# -- pickle for theano.misc.pkl_utils (Python 3.13+) ------------------------------

def _objects():
    import theano
    weights = theano.shared(np.arange(6.).reshape(2, 3), name='W')
    bias = theano.shared(np.float32(0.5), name='b')
    return weights, bias, np.array([1, 2, 3], dtype='int16')


def _dump(objects):
    from theano.misc import pkl_utils
    saved = io.BytesIO()
    pkl_utils.dump(objects, saved)
    return saved


@pytest.mark.compat
@pytest.mark.lasagne
def test_dump_then_load_gives_the_values_back():
    from theano.misc import pkl_utils
    weights, bias, array = _objects()
    saved = _dump((weights, bias, array))
    with np.load(io.BytesIO(saved.getvalue())) as arrays:
        assert sorted(arrays.keys()) == ['W', 'array_0', 'b', 'pkl']
        np.testing.assert_array_equal(arrays['W'], np.arange(6.).reshape(2, 3))
        assert arrays['b'].dtype == np.float32 and arrays['b'] == 0.5
    saved.seek(0)
    weights2, bias2, array2 = pkl_utils.load(saved)
    assert weights2.name == 'W' and bias2.name == 'b'
    np.testing.assert_array_equal(weights2.get_value(),
                                  np.arange(6.).reshape(2, 3))
    assert bias2.get_value().dtype == np.float32
    assert array2.dtype == np.int16 and array2.tolist() == [1, 2, 3]


@pytest.mark.compat
@pytest.mark.lasagne
def test_the_pickle_written_is_the_pure_python_picklers(monkeypatch):
    from theano.misc import pkl_utils
    objects = _objects()
    ours = zipfile.ZipFile(_dump(objects)).read('pkl')
    # the reference: pickle's pure-Python Pickler, everything else pickle's
    reference = types.SimpleNamespace(Pickler=pickle._Pickler)
    monkeypatch.setattr(pkl_utils, 'pickle', reference)
    theirs = zipfile.ZipFile(_dump(objects)).read('pkl')
    assert ours == theirs


@pytest.mark.compat
def test_the_stand_in_pickle_takes_persistent_id_and_load_on_any_python():
    # what pkl_utils does with it, without Theano: objects kept apart by
    # their persistent id, on the stand-in's Pickler and on the pure-Python
    # one, and read back through the stand-in's Unpickler
    standin = _standins.make_pickle()
    kept = {}

    def persistent_id(obj):
        if isinstance(obj, np.ndarray):
            kept['array_%d' % len(kept)] = obj
            return 'array_%d' % (len(kept) - 1)
        return None

    written = []
    for pickler in (pickle._Pickler, standin.Pickler):
        kept.clear()
        out = io.BytesIO()
        p = pickler(out, protocol=pickle.DEFAULT_PROTOCOL)
        p.persistent_id = persistent_id
        p.dump({'w': np.arange(3), 'n': 7})
        written.append(out.getvalue())
    assert written[0] == written[1]
    u = standin.Unpickler(io.BytesIO(written[1]))
    u.persistent_load = kept.__getitem__
    loaded = u.load()
    assert loaded['n'] == 7 and loaded['w'] is kept['array_0']
    assert standin.__name__ == 'pickle'
    assert standin.Pickler.__mro__[1] is pickle.Pickler
    assert standin.Unpickler.__mro__[1] is pickle.Unpickler
    assert standin.HIGHEST_PROTOCOL == pickle.HIGHEST_PROTOCOL
    assert standin.loads is pickle.loads
    assert standin.__doc__ == (
        'Provided by lasagne_reg.compat (Python 3.13+): the standard pickle, '
        'with Pickler and Unpickler whose instances take persistent_id and '
        "persistent_load (Theano's pkl_utils sets them)")
