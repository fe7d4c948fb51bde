"""lasagne_reg.compat._shims: the numpy names and modules old Theano and
Lasagne import."""
import importlib
import importlib.machinery
import importlib.util
import sys
import warnings

import numpy as np
import pytest

from lasagne_reg.compat import _shims
from tests._compat_support import fresh_finders, linalg_served
from tests._support import last_json, run_python


def test_numpy_names_theano_uses_are_present():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)  # numpy 1.2x
        for name in ('bool', 'complex', 'product', 'cast', 'sctype2char'):
            assert hasattr(np, name), name
        assert np.cast['float32']([1, 2]).dtype == np.float32
        assert np.sctype2char(np.float32) == 'f'
        assert np.product([2, 3]) == 6


def test_the_cast_stand_in_reads_a_dtype_name_as_numpy_1_did():
    # Theano indexes np.cast with its types, whose .dtype is a string
    class Typed:
        dtype = 'float32'

    cast = _shims._Cast()
    got = cast[Typed()](2)
    assert got.dtype == np.float32 and got.shape == () and got == 2
    assert cast['int8']([300, -1]).tolist() == [44, -1]   # wraps, as astype
    assert cast[np.float64](np.float32(0.1)).dtype == np.float64
    with pytest.raises(TypeError):
        cast[object()]


def test_pkg_resources_shim_reports_versions():
    module = _shims.make_pkg_resources()
    assert module.get_distribution('numpy').version == np.__version__
    with pytest.raises(module.DistributionNotFound) as missing:
        module.get_distribution('no-such-distribution-here')
    # as setuptools' own: the distribution's name is the exception's argument
    assert missing.value.args == ('no-such-distribution-here',)


def test_numpy_linalg_shim_is_numpy_linalg():
    module = _shims.make_numpy_linalg()
    assert module.__name__ == 'numpy.linalg.linalg'
    assert module.__doc__ == ('Provided by lasagne_reg.compat: numpy.linalg '
                              'under its numpy 1 name.')
    public = [n for n in dir(np.linalg) if not n.startswith('__')]
    assert public and all(getattr(module, n) is getattr(np.linalg, n)
                          for n in public)
    assert module.LinAlgError is np.linalg.LinAlgError
    assert module.inv is np.linalg.inv


def test_has_module_finds_a_submodule_without_importing_it():
    # three levels: the parent is a subpackage, not the top package
    assert _shims._has_module('email.mime.text') is True
    assert _shims._has_module('email.mime.no_such_module') is False
    assert _shims._has_module('email.no_such_package.text') is False
    # a missing grandparent: find_spec raises, and the answer is no
    assert _shims._has_module('no_such_package_here.sub.module') is False
    # a module, not a package, as the parent: nothing below it
    assert _shims._has_module('json.decoder.anything') is False


def test_numpy_linalg_is_served_where_numpy_lacks_it(monkeypatch):
    finders = fresh_finders(monkeypatch)
    monkeypatch.setattr(sys, 'meta_path', list(sys.meta_path))
    real = _shims._has_module
    monkeypatch.setattr(_shims, '_has_module', lambda name: (
        False if name == _shims.NUMPY_LINALG else real(name)))
    assert _shims.NUMPY_LINALG in _shims.install_modules()
    served = finders[_shims.CompatFinder]
    assert served.makers[_shims.NUMPY_LINALG] is _shims.make_numpy_linalg
    spec = served.find_spec(_shims.NUMPY_LINALG)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.norm is np.linalg.norm


@pytest.mark.lasagne   # the root conftest installs only on Theano
def test_numpy_linalg_linalg_imports_after_install():
    # served only where numpy has no such module (numpy 2.4 and later)
    import importlib
    try:
        importlib.import_module('numpy.linalg.linalg')
    except ImportError:
        pytest.fail('numpy.linalg.linalg is not importable after install()')


@pytest.mark.skipif(sys.version_info < (3, 11), reason='refused on 3.11+')
@pytest.mark.lasagne   # the root conftest installs only on Theano
def test_theanos_c_scan_loop_is_refused_with_an_import_error():
    import importlib
    with pytest.raises(ImportError, match='does not compile on Python 3.11'):
        importlib.import_module(_shims.SCAN_C_LOOP)
    # ahead of the finders that would find the real module (compat's own
    # finders, such as _patch's post-import one on numpy 2, may come first)
    refusing = [i for i, f in enumerate(sys.meta_path)
                if isinstance(f, _shims.RefusingFinder)]
    assert refusing and refusing[0] < sys.meta_path.index(
        importlib.machinery.PathFinder)
    assert _shims.finder(_shims.RefusingFinder) is _shims.finder(
        _shims.RefusingFinder)


@pytest.mark.lasagne
@pytest.mark.parametrize('mode', ['FAST_RUN', 'FAST_COMPILE'])
def test_scan_works_hessian(mode):
    # theano.gradient.hessian is a scan: it needs both the refused C loop
    # (Python 3.11) and numpy.linalg.linalg (numpy 2.4)
    import theano
    import theano.tensor as T
    x = T.dvector('x')
    f = theano.function([x], theano.gradient.hessian(T.sum(x ** 3), x),
                        mode=mode)
    v = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(f(v), np.diag(6 * v), rtol=1e-12)


@pytest.mark.lasagne
def test_lasagne_recurrent_layer_matches_numpy():
    import lasagne
    import theano
    import theano.tensor as T
    from lasagne.layers import InputLayer, RecurrentLayer, get_output
    lasagne.random.set_rng(np.random.RandomState(1))
    net = RecurrentLayer(InputLayer((None, 5, 3)), 4,
                         nonlinearity=lasagne.nonlinearities.tanh)
    x = T.tensor3('x', dtype='float64')
    out = get_output(net, x)
    grad = theano.grad(out.sum(), net.W_hid_to_hid)
    f = theano.function([x], [out, grad])
    data = np.random.RandomState(0).rand(2, 5, 3)
    w_in, b = net.W_in_to_hid.get_value(), net.b.get_value()

    def forward(w_hid):
        h, steps = np.zeros((2, 4)), []
        for t in range(5):
            h = np.tanh(data[:, t] @ w_in + h @ w_hid + b)
            steps.append(h)
        return np.stack(steps, 1)

    w_hid = net.W_hid_to_hid.get_value()
    out_value, grad_value = f(data)
    np.testing.assert_allclose(out_value, forward(w_hid), rtol=1e-10)
    eps, numeric = 1e-6, np.zeros_like(w_hid)
    for i in np.ndindex(*w_hid.shape):
        step = np.zeros_like(w_hid)
        step[i] = eps
        numeric[i] = (forward(w_hid + step).sum() -
                      forward(w_hid - step).sum()) / (2 * eps)
    np.testing.assert_allclose(grad_value, numeric, rtol=1e-6, atol=1e-8)


def test_unknown_module_names_are_not_served():
    finder = _shims.finder()
    assert finder.find_spec('theano.tensor.signal.nothing_here') is None
    assert finder.find_spec('not_a_module_at_all') is None


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


# -- the shims, one by one -------------------------------------------------

def test_numpy_aliases_behave_as_numpy_1_did():
    aliases = _shims.numpy_aliases()
    assert sorted(aliases) == ['ComplexWarning', 'bool', 'cast', 'complex',
                               'product', 'sctype2char']
    assert issubclass(aliases['ComplexWarning'], RuntimeWarning)
    assert aliases['ComplexWarning'].__name__ == 'ComplexWarning'
    assert aliases['bool'] is bool and aliases['complex'] is complex
    assert aliases['product'] is np.prod
    cast = aliases['cast']['float32']([1, 2.5])
    assert cast.dtype == np.float32 and cast.tolist() == [1.0, 2.5]
    assert aliases['cast'][np.int16](3.7).dtype == np.int16
    assert aliases['sctype2char'](np.complex128) == 'D'
    assert aliases['sctype2char']('int8') == 'b'


def test_restoring_aliases_sets_only_the_missing_ones(monkeypatch):
    monkeypatch.delattr(np, 'cast')
    before = np.prod
    assert _shims.restore_numpy_aliases() == ['cast']
    assert np.cast['float64']([1]).dtype == np.float64
    assert np.prod is before
    assert _shims.restore_numpy_aliases() == []


ONLY_OLD = 'lasagne_reg_test_module_for_old_code'


@pytest.mark.parametrize('package, module, served', [
    ('oldpkg', 'oldpkg', True),                  # its __init__ imports it
    ('oldpkg', 'oldpkg.layers.dense', True),     # a submodule imports it
    ('newpkg', 'newpkg', False),                 # not old code
    ('oldpkgs', 'oldpkgs', False)])              # a prefix is not a package
def test_old_code_only_modules_are_served_while_old_code_imports(
        monkeypatch, tmp_path, package, module, served):
    # a real package whose code imports the module, through the real import
    # system; 'oldpkg' stands for Lasagne and Theano (OLD_CODE)
    fresh = fresh_finders(monkeypatch)[_shims.CompatFinder]
    monkeypatch.setattr(sys, 'meta_path', list(sys.meta_path) + [fresh])
    monkeypatch.setattr(_shims, 'FOR_OLD_CODE_ONLY', {ONLY_OLD})
    monkeypatch.setattr(_shims, 'OLD_CODE', ('oldpkg',))
    fresh.makers[ONLY_OLD] = lambda: _shims.types.ModuleType(ONLY_OLD, 'x')
    path = tmp_path.joinpath(*module.split('.'))
    for parent in [tmp_path.joinpath(*module.split('.')[:i])
                   for i in range(1, module.count('.') + 1)]:
        parent.mkdir(exist_ok=True)
        parent.joinpath('__init__.py').write_text('')
    if module == package:
        path.mkdir()
        path = path / '__init__'
    path.with_suffix('.py').write_text('import %s as got\n' % ONLY_OLD)
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [ONLY_OLD, module] + [module.rsplit('.', i)[0]
                                      for i in range(1, module.count('.') + 1)]:
        monkeypatch.delitem(sys.modules, name, raising=False)
    try:
        if served:
            assert importlib.import_module(module).got.__doc__ == 'x'
        else:
            with pytest.raises(ModuleNotFoundError) as missing:
                importlib.import_module(module)
            assert missing.value.name == ONLY_OLD
        # once old code has imported, nobody else is served anew
        sys.modules.pop(ONLY_OLD, None)
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module(ONLY_OLD)
    finally:
        for name in list(sys.modules):
            if name.split('.')[0] == package:
                sys.modules.pop(name)
        sys.modules.pop(ONLY_OLD, None)


def test_a_module_without_a_spec_is_not_being_imported(monkeypatch):
    # __main__-like modules have __spec__ None: they are never "importing"
    monkeypatch.setattr(_shims, 'OLD_CODE', ('oldpkg',))
    monkeypatch.setitem(sys.modules, 'oldpkg', _shims.types.ModuleType(
        'oldpkg'))
    assert sys.modules['oldpkg'].__spec__ is None
    assert _shims._old_code_importing() is False
    done = _shims.types.ModuleType('oldpkg.done')
    done.__spec__ = importlib.machinery.ModuleSpec('oldpkg.done', None)
    done.__spec__._initializing = False
    monkeypatch.setitem(sys.modules, 'oldpkg.done', done)
    assert _shims._old_code_importing() is False
    done.__spec__._initializing = True
    assert _shims._old_code_importing() is True


def test_setuptools_lacks_pkg_resources_sees_through_the_stand_in(
        monkeypatch):
    # the stand-in imported (by Lasagne) is not a real pkg_resources
    stand_in = _shims.make_pkg_resources()
    stand_in.__spec__ = importlib.machinery.ModuleSpec(
        'pkg_resources', _shims.CompatFinder())
    monkeypatch.setitem(sys.modules, 'pkg_resources', stand_in)
    assert _shims._setuptools_lacks_pkg_resources() is True
    real = _shims.types.ModuleType('pkg_resources')
    real.__spec__ = importlib.machinery.ModuleSpec('pkg_resources', None)
    monkeypatch.setitem(sys.modules, 'pkg_resources', real)
    assert _shims._setuptools_lacks_pkg_resources() is False
    # not imported: the path decides
    monkeypatch.delitem(sys.modules, 'pkg_resources')
    on_path = importlib.machinery.PathFinder.find_spec('pkg_resources')
    assert _shims._setuptools_lacks_pkg_resources() is (on_path is None)


def test_the_pkg_resources_stand_in_says_what_it_is(monkeypatch):
    pkg = _shims.make_pkg_resources()
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


@pytest.mark.lasagne
def test_other_code_sees_pkg_resources_as_without_compat():
    # setuptools 82+ (.venv-numpy2): other code's "import pkg_resources"
    # fails as it would without compat, Lasagne gets the stand-in, and
    # pytest's syspath_prepend (which calls pkg_resources once imported)
    # still works; with an older setuptools the real one serves everyone
    out = run_python(code='''
        import importlib.util, json, sys
        real = importlib.util.find_spec('pkg_resources') is not None
        import lasagne_reg.compat
        lasagne_reg.compat.install()
        try:
            import pkg_resources
            plain = 'imported'
        except ImportError as exc:
            plain = type(exc).__name__
        sys.modules.pop('pkg_resources', None)
        import lasagne
        from _pytest.monkeypatch import MonkeyPatch
        patch = MonkeyPatch()
        patch.syspath_prepend('.')
        patch.undo()
        print(json.dumps([real, plain, lasagne.__version__,
                          sys.modules['pkg_resources'].__doc__]))
    ''')
    real, plain, version, doc = last_json(out)
    assert version == '0.1'
    stand_in = 'Provided by lasagne_reg.compat: the get_distribution of ' \
        'old setuptools.'
    if real:
        assert (plain, doc == stand_in) == ('imported', False)
    else:
        assert (plain, doc) == ('ModuleNotFoundError', stand_in)


def test_shim_modules_say_who_provides_them():
    downsample = _shims.make_downsample()
    assert downsample.__name__ == 'theano.tensor.signal.downsample'
    assert downsample.__doc__ == ('Provided by lasagne_reg.compat: Theano < '
                                  '0.9 pooling names over pool_2d.')
    assert downsample.max_pool_2d is _shims._max_pool_2d
    pkg = _shims.make_pkg_resources()
    assert pkg.__name__ == 'pkg_resources'
    assert pkg.__doc__ == ('Provided by lasagne_reg.compat: the '
                           'get_distribution of old setuptools.')
    dist = pkg.get_distribution('numpy')
    assert (dist.project_name, dist.version) == ('numpy', np.__version__)


def test_the_finder_serves_its_modules_through_import(monkeypatch):
    finders = fresh_finders(monkeypatch)
    fresh = finders[_shims.CompatFinder]
    monkeypatch.setattr(sys, 'meta_path', list(sys.meta_path))
    import importlib.util as util
    monkeypatch.setattr(_shims, '_setuptools_lacks_pkg_resources',
                        lambda: True)
    assert _shims.install_modules() == [
        'theano.tensor.signal.downsample', 'pkg_resources'] + \
        linalg_served() + [_shims.SCAN_C_LOOP + ' (refused)']
    assert _shims.install_modules() == []
    refused = finders[_shims.RefusingFinder]
    assert list(refused.reasons) == [_shims.SCAN_C_LOOP]
    with pytest.raises(ImportError) as refusal:
        refused.create_module(refused.find_spec(_shims.SCAN_C_LOOP))
    assert str(refusal.value) == (
        "lasagne_reg.compat: Theano 1.0.5's C scan loop (Cython 0.28 output) "
        "does not compile on Python 3.11+; Theano runs the scan loop in "
        "Python instead")
    assert refusal.value.name == _shims.SCAN_C_LOOP    # as import names it
    assert refused.find_spec('theano.scan_module.scan_op') is None
    # asked while no module of Lasagne or Theano is being imported: not
    # served; while Lasagne's __init__ runs (its spec is initializing): served
    assert fresh.find_spec('pkg_resources') is None
    lasagne = _shims.types.ModuleType('lasagne')
    lasagne.__spec__ = importlib.machinery.ModuleSpec('lasagne', None)
    lasagne.__spec__._initializing = True
    monkeypatch.setitem(sys.modules, 'lasagne', lasagne)
    spec = fresh.find_spec('pkg_resources')
    assert spec.name == 'pkg_resources' and spec.loader is fresh
    module = util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.get_distribution('numpy').version == np.__version__
    assert fresh.find_spec('pkg_resources.extern') is None


def test_the_refusing_finder_is_inserted_once_and_first(monkeypatch):
    monkeypatch.setattr(sys, 'meta_path', [
        f for f in sys.meta_path if not isinstance(f, _shims.RefusingFinder)])
    first = _shims.finder(_shims.RefusingFinder)
    assert sys.meta_path[0] is first
    assert _shims.finder(_shims.RefusingFinder) is first
    assert sum(isinstance(f, _shims.RefusingFinder)
               for f in sys.meta_path) == 1


def test_the_finder_is_appended_once_and_last(monkeypatch):
    monkeypatch.setattr(sys, 'meta_path', [
        f for f in sys.meta_path if not isinstance(f, _shims.CompatFinder)])
    first = _shims.finder()
    assert isinstance(first, _shims.CompatFinder)
    assert sys.meta_path[-1] is first
    assert _shims.finder() is first
    assert sum(isinstance(f, _shims.CompatFinder) for f in sys.meta_path) == 1


@pytest.mark.lasagne
def _max_pool_keeping_borders(a):
    """2x2 max pooling that keeps the partial windows at the borders."""
    padded = np.pad(a, ((0, 0), (0, 0), (0, 1), (0, 1)),
                    constant_values=-np.inf)
    return padded.reshape(2, 3, 4, 2, 3, 2).max(axis=(3, 5))


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
        f = theano.function([x], _shims._max_pool_2d(x, (2, 2), **kwargs))
    if 'padding' in kwargs:
        data = np.ascontiguousarray(data[..., :6, :4])
    np.testing.assert_allclose(f(data), reference(data), rtol=1e-5)
