"""lasagne_reg.compat._modules: the registry of the modules compat serves and
refuses, the finders that apply it, and Theano running on what it serves."""
import importlib
import importlib.machinery
import importlib.metadata
import importlib.util
import os
import sys
import types

import numpy as np
import pytest

from lasagne_reg import _variant
from lasagne_reg.compat import _modules, _py312, _stack, _standins
from tests._compat_support import fresh_finders, linalg_served
from tests._support import last_json, run_python

pytestmark = []     # mixed: each test says where it runs

SCAN_C_LOOP = 'theano.scan_module.scan_perform_ext'
PY312_NAMES = ['distutils', 'distutils.sysconfig', 'distutils.spawn',
               'numpy.distutils', 'numpy.distutils.misc_util',
               'numpy.distutils.__config__', 'imp']


# -- the registry --------------------------------------------------------------

@pytest.mark.nobackend
def test_every_row_names_its_module_why_and_when():
    stack = _stack.Stack((3, 11), 1, _variant.THEANO)
    names = [row.name_on(stack) for row in _modules.MODULES]
    assert names == [
        'theano.tensor.signal.downsample', 'pkg_resources',
        'numpy.linalg.linalg'] + PY312_NAMES + ['theano.gof', SCAN_C_LOOP]
    for row in _modules.MODULES:
        assert isinstance(row.when, _stack.When), row
        assert len(row.why) > 25 and row.why == row.why.strip(), row
        assert callable(row.serve) or row.serve is _modules.REFUSED, row
        assert repr(row).startswith('Module('), row
    assert repr(_modules.MODULES[0]) == (
        "Module('theano.tensor.signal.downsample')")
    assert repr(_modules.MODULES[-1]) == 'Module(_scan_c_loop(variant))'
    assert [row.serve is _modules.REFUSED for row in _modules.MODULES] == \
        [False] * 11 + [True]
    assert _modules.FOR_OLD_CODE_ONLY == {'pkg_resources'}


@pytest.mark.nobackend
def test_a_module_row_keeps_what_it_is_given():
    when = _stack.When('never', lambda stack: False)
    row = _modules.Module('some.module', len, 'why it is', when)
    assert (row.name, row.serve, row.why, row.when, row.old_code_only) == (
        'some.module', len, 'why it is', when, False)
    assert _modules.Module('m', None, 'w', when, old_code_only=True) \
        .old_code_only is True
    stack = _stack.Stack((3, 11), 1, None)
    assert row.name_on(stack) == 'some.module'
    assert row.why_on(stack) == 'why it is'
    by_variant = _modules.Module(
        lambda variant: variant.distribution + '.module', None,
        '{variant.distribution} and {variant.cython}', when)
    assert by_variant.name_on(stack) == 'Theano.module'   # none: Theano's
    assert by_variant.why_on(_stack.Stack((3, 11), 1, _variant.THEANO_PYMC)) \
        == 'Theano-PyMC and Cython 0.29.21'


@pytest.mark.nobackend
def test_each_module_is_served_by_its_maker():
    makers = {row.name: row.serve for row in _modules.MODULES
              if row.serve is not _modules.REFUSED}
    assert makers == {
        'theano.tensor.signal.downsample': _standins.make_downsample,
        'pkg_resources': _standins.make_pkg_resources,
        'numpy.linalg.linalg': _standins.make_numpy_linalg,
        'distutils': _py312.make_distutils,
        'distutils.sysconfig': _py312.make_distutils_sysconfig,
        'distutils.spawn': _py312.make_distutils_spawn,
        'numpy.distutils': _py312.make_numpy_distutils,
        'numpy.distutils.misc_util': _py312.make_numpy_misc_util,
        'numpy.distutils.__config__': _py312.make_numpy_config,
        'imp': _py312.make_imp,
        'theano.gof': _standins.make_gof}


@pytest.mark.nobackend
@pytest.mark.parametrize('variant, name, text', [
    (_variant.THEANO, SCAN_C_LOOP,
     "lasagne_reg.compat: Theano's C scan loop (Cython 0.28 output) does not "
     "compile on Python 3.11+; Theano runs the scan loop in Python instead"),
    (None, SCAN_C_LOOP,
     "lasagne_reg.compat: Theano's C scan loop (Cython 0.28 output) does not "
     "compile on Python 3.11+; Theano runs the scan loop in Python instead"),
    (_variant.THEANO_PYMC, 'theano.scan.scan_perform_ext',
     "lasagne_reg.compat: Theano-PyMC's C scan loop (Cython 0.29.21 output) "
     "does not compile on Python 3.11+; Theano runs the scan loop in Python "
     "instead"),
])
def test_the_scan_loop_is_refused_with_one_text_for_both_variants(
        monkeypatch, variant, name, text):
    fresh = fresh_finders(monkeypatch)
    added = _modules.install(_stack.Stack((3, 11), 1, variant))
    refused = fresh[_modules.RefusingFinder].reasons
    assert refused == {name: text}
    assert added[-1] == name + ' (refused)'
    # not before Python 3.11, where its C compiles
    fresh = fresh_finders(monkeypatch)
    assert not any(n.endswith(' (refused)') for n in _modules.install(
        _stack.Stack((3, 10), 1, variant)))
    assert fresh[_modules.RefusingFinder].reasons == {}


@pytest.mark.nobackend
def test_pymc_measures_are_none_on_theano_1_0_5(monkeypatch):
    fresh = fresh_finders(monkeypatch)
    theano = _modules.install(_stack.Stack((3, 11), 1, _variant.THEANO))
    assert 'theano.gof' not in theano
    assert 'theano.gof' not in fresh[_modules.CompatFinder].makers
    fresh = fresh_finders(monkeypatch)
    pymc = _modules.install(_stack.Stack((3, 11), 1, _variant.THEANO_PYMC))
    assert pymc[-2:] == ['theano.gof',
                         'theano.scan.scan_perform_ext (refused)']
    assert fresh[_modules.CompatFinder].makers['theano.gof'] is \
        _standins.make_gof
    assert list(fresh[_modules.RefusingFinder].reasons) == [
        'theano.scan.scan_perform_ext']


# -- when a module is missing -----------------------------------------------

@pytest.mark.nobackend
def test_has_module_finds_a_submodule_without_importing_it():
    # three levels: the parent is a subpackage, not the top package
    assert _modules._has_module('email.mime.text') is True
    assert _modules._has_module('email.mime.no_such_module') is False
    assert _modules._has_module('email.no_such_package.text') is False
    # a missing grandparent: find_spec raises, and the answer is no
    assert _modules._has_module('no_such_package_here.sub.module') is False
    # a module, not a package, as the parent: nothing below it
    assert _modules._has_module('json.decoder.anything') is False


@pytest.mark.nobackend
def test_missing_means_no_finder_provides_it(monkeypatch):
    assert not _modules._missing('json')             # imported
    monkeypatch.delitem(sys.modules, 'json.tool', raising=False)
    assert not _modules._missing('json.tool')         # a child, not imported
    monkeypatch.delitem(sys.modules, 'pydoc_data', raising=False)
    assert not _modules._missing('pydoc_data')        # top level, not imported
    assert _modules._missing('pudb_4f1e')
    assert _modules._missing('json.pudb_4f1e')
    assert _modules._missing('pudb_4f1e.child')
    assert _modules._missing('')          # find_spec's ValueError
    when = _modules.missing('pudb_4f1e')
    assert when(None) is True and repr(when) == (
        "When('where nothing provides pudb_4f1e')")
    assert _modules.missing('json')(None) is False


@pytest.mark.nobackend
def test_missing_does_not_import_the_parent(monkeypatch, tmp_path):
    package = tmp_path / 'pkg_4f1e'
    package.mkdir()
    (package / '__init__.py').write_text('raise RuntimeError("imported")\n')
    (package / 'child.py').write_text('')
    monkeypatch.syspath_prepend(str(tmp_path))
    assert not _modules._missing('pkg_4f1e.child')
    assert _modules._missing('pkg_4f1e.other')
    assert 'pkg_4f1e' not in sys.modules


@pytest.mark.nobackend
def test_numpy_linalg_is_served_where_numpy_lacks_it(monkeypatch):
    finders = fresh_finders(monkeypatch)
    monkeypatch.setattr(sys, 'meta_path', list(sys.meta_path))
    real = _modules._has_module
    monkeypatch.setattr(_modules, '_has_module', lambda name: (
        False if name == _standins.NUMPY_LINALG else real(name)))
    assert _standins.NUMPY_LINALG in _modules.install(_stack.current())
    served = finders[_modules.CompatFinder]
    assert served.makers[_standins.NUMPY_LINALG] is \
        _standins.make_numpy_linalg
    spec = served.find_spec(_standins.NUMPY_LINALG)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.norm is np.linalg.norm


_STAND_INS = {
    # name: (attributes Theano reads, children a package imports on access)
    'distutils': ((), ('sysconfig', 'spawn')),
    'distutils.sysconfig': (('get_config_var', 'get_config_vars',
                             'get_python_version', 'get_python_inc',
                             'get_python_lib', 'get_config_h_filename'), ()),
    'distutils.spawn': (('find_executable',), ()),
    'numpy.distutils': ((), ('misc_util', '__config__')),
    'numpy.distutils.misc_util': (('get_numpy_include_dirs',), ()),
    'numpy.distutils.__config__': (('blas_opt_info', 'lapack_opt_info'), ()),
    'imp': (('find_module', 'PY_SOURCE', 'PY_COMPILED', 'C_EXTENSION',
             'PKG_DIRECTORY'), ()),
}


@pytest.mark.nobackend
def test_every_stand_in_is_offered_where_its_module_is_missing(monkeypatch):
    # as on a Python 3.12+ without setuptools: all seven, each made as
    # named, with what Theano reads of it, saying who provides it
    fresh = fresh_finders(monkeypatch)[_modules.CompatFinder]
    monkeypatch.setattr(_modules, '_missing', lambda name: True)
    added = _modules.install(_stack.Stack((3, 12), 2, _variant.THEANO))
    assert [n for n in added if n in _STAND_INS] == PY312_NAMES
    for name in _STAND_INS:
        module = fresh.makers[name]()
        attributes, children = _STAND_INS[name]
        assert module.__name__ == name
        assert module.__doc__ == ('Provided by lasagne_reg.compat (Python '
                                  '3.12+): ' + _py312._DOCS[name])
        for attribute in attributes:
            assert getattr(module, attribute) is not None, (name, attribute)
        assert (module.__dict__.get('__path__') == []) == bool(children)
    config = fresh.makers['numpy.distutils.__config__']()
    assert config.blas_opt_info == {} and config.lapack_opt_info == {}


@pytest.mark.nobackend
def test_nothing_is_served_for_a_module_already_imported(monkeypatch):
    for name in ('imp', 'distutils', 'numpy.distutils'):
        monkeypatch.setitem(sys.modules, name, object())
    fresh = fresh_finders(monkeypatch)[_modules.CompatFinder]
    added = _modules.install(_stack.Stack((3, 12), 2, _variant.THEANO))
    assert not set(PY312_NAMES) & (set(added) | set(fresh.makers))


@pytest.mark.compat
def test_stand_ins_are_served_exactly_where_missing():
    expected = set()
    if sys.version_info >= (3, 12):
        expected |= {'imp', 'numpy.distutils', 'numpy.distutils.misc_util',
                     'numpy.distutils.__config__'}
        try:
            importlib.metadata.version('setuptools')
            setuptools = os.environ.get('SETUPTOOLS_USE_DISTUTILS',
                                        'local') == 'local'
        except importlib.metadata.PackageNotFoundError:
            setuptools = False
        if not setuptools:
            expected |= {'distutils', 'distutils.sysconfig',
                         'distutils.spawn'}
    # conftest.py ran install(): what it served is registered
    served = set(_modules.finder().makers) & set(PY312_NAMES)
    assert served == expected
    for name in expected:
        module = importlib.import_module(name)
        assert module.__doc__.startswith('Provided by lasagne_reg.compat')


@pytest.mark.nobackend
def test_setuptools_lacks_pkg_resources_sees_through_the_stand_in(
        monkeypatch):
    # the stand-in imported (by Lasagne) is not a real pkg_resources
    stand_in = _standins.make_pkg_resources()
    stand_in.__spec__ = importlib.machinery.ModuleSpec(
        'pkg_resources', _modules.CompatFinder())
    monkeypatch.setitem(sys.modules, 'pkg_resources', stand_in)
    assert _modules._setuptools_lacks_pkg_resources() is True
    assert _modules.NO_PKG_RESOURCES(None) is True
    real = types.ModuleType('pkg_resources')
    real.__spec__ = importlib.machinery.ModuleSpec('pkg_resources', None)
    monkeypatch.setitem(sys.modules, 'pkg_resources', real)
    assert _modules._setuptools_lacks_pkg_resources() is False
    # not imported: the path decides
    # a module object without a __spec__ attribute at all: not ours
    monkeypatch.setitem(sys.modules, 'pkg_resources', types.SimpleNamespace())
    assert _modules._setuptools_lacks_pkg_resources() is False
    monkeypatch.delitem(sys.modules, 'pkg_resources')
    on_path = importlib.machinery.PathFinder.find_spec('pkg_resources')
    assert _modules._setuptools_lacks_pkg_resources() is (on_path is None)


# -- the finders -----------------------------------------------------------------

@pytest.mark.compat
def test_unknown_module_names_are_not_served():
    finder = _modules.finder()
    assert finder.find_spec('theano.tensor.signal.nothing_here') is None
    assert finder.find_spec('not_a_module_at_all') is None


ONLY_OLD = 'lasagne_reg_test_module_for_old_code'


@pytest.mark.nobackend
@pytest.mark.parametrize('package, module, served', [
    ('oldpkg', 'oldpkg', True),                  # its __init__ imports it
    ('oldpkg', 'oldpkg.layers.dense', True),     # a submodule imports it
    ('newpkg', 'newpkg', False),                 # not old code
    ('oldpkgs', 'oldpkgs', False)])              # a prefix is not a package
def test_old_code_only_modules_are_served_while_old_code_imports(
        monkeypatch, tmp_path, package, module, served):
    # a real package whose code imports the module, through the real import
    # system; 'oldpkg' stands for Lasagne and Theano (OLD_CODE)
    fresh = fresh_finders(monkeypatch)[_modules.CompatFinder]
    monkeypatch.setattr(sys, 'meta_path', list(sys.meta_path) + [fresh])
    monkeypatch.setattr(_modules, 'FOR_OLD_CODE_ONLY', {ONLY_OLD})
    monkeypatch.setattr(_modules, 'OLD_CODE', ('oldpkg',))
    fresh.makers[ONLY_OLD] = lambda: types.ModuleType(ONLY_OLD, 'x')
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


@pytest.mark.nobackend
def test_a_module_without_a_spec_is_not_being_imported(monkeypatch):
    # __main__-like modules have __spec__ None: they are never "importing"
    monkeypatch.setattr(_modules, 'OLD_CODE', ('oldpkg',))
    monkeypatch.setitem(sys.modules, 'oldpkg', types.ModuleType('oldpkg'))
    assert sys.modules['oldpkg'].__spec__ is None
    assert _modules._old_code_importing() is False
    done = types.ModuleType('oldpkg.done')
    done.__spec__ = importlib.machinery.ModuleSpec('oldpkg.done', None)
    done.__spec__._initializing = False
    monkeypatch.setitem(sys.modules, 'oldpkg.done', done)
    assert _modules._old_code_importing() is False
    done.__spec__._initializing = True
    assert _modules._old_code_importing() is True


@pytest.mark.compat
def test_the_finder_serves_its_modules_through_import(monkeypatch):
    finders = fresh_finders(monkeypatch)
    fresh = finders[_modules.CompatFinder]
    monkeypatch.setattr(sys, 'meta_path', list(sys.meta_path))
    monkeypatch.setattr(_modules, '_setuptools_lacks_pkg_resources',
                        lambda: True)
    stack = _stack.current()
    assert _modules.install(stack) == [
        'theano.tensor.signal.downsample', 'pkg_resources'] + \
        linalg_served() + [SCAN_C_LOOP + ' (refused)']
    assert _modules.install(stack) == []
    refused = finders[_modules.RefusingFinder]
    assert list(refused.reasons) == [SCAN_C_LOOP]
    with pytest.raises(ImportError) as refusal:
        refused.create_module(refused.find_spec(SCAN_C_LOOP))
    assert str(refusal.value) == (
        "lasagne_reg.compat: Theano's C scan loop (Cython 0.28 output) "
        "does not compile on Python 3.11+; Theano runs the scan loop in "
        "Python instead")
    assert refusal.value.name == SCAN_C_LOOP    # as import names it
    assert refused.find_spec('theano.scan_module.scan_op') is None
    # asked while no module of Lasagne or Theano is being imported: not
    # served; while Lasagne's __init__ runs (its spec is initializing): served
    assert fresh.find_spec('pkg_resources') is None
    lasagne = types.ModuleType('lasagne')
    lasagne.__spec__ = importlib.machinery.ModuleSpec('lasagne', None)
    lasagne.__spec__._initializing = True
    monkeypatch.setitem(sys.modules, 'lasagne', lasagne)
    spec = fresh.find_spec('pkg_resources')
    assert spec.name == 'pkg_resources' and spec.loader is fresh
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.get_distribution('numpy').version == np.__version__
    assert fresh.find_spec('pkg_resources.extern') is None


@pytest.mark.nobackend
def test_the_refusing_finder_is_inserted_once_and_first(monkeypatch):
    monkeypatch.setattr(sys, 'meta_path', [
        f for f in sys.meta_path
        if not isinstance(f, _modules.RefusingFinder)])
    first = _modules.finder(_modules.RefusingFinder)
    assert sys.meta_path[0] is first
    assert _modules.finder(_modules.RefusingFinder) is first
    assert sum(isinstance(f, _modules.RefusingFinder)
               for f in sys.meta_path) == 1


@pytest.mark.nobackend
def test_the_finder_is_appended_once_and_last(monkeypatch):
    monkeypatch.setattr(sys, 'meta_path', [
        f for f in sys.meta_path if not isinstance(f, _modules.CompatFinder)])
    first = _modules.finder()
    assert isinstance(first, _modules.CompatFinder)
    assert sys.meta_path[-1] is first
    assert _modules.finder() is first
    assert sum(isinstance(f, _modules.CompatFinder)
               for f in sys.meta_path) == 1


# -- Theano on what is served and refused ------------------------------------

@pytest.mark.compat
@pytest.mark.lasagne   # the root conftest installs only on Theano
def test_numpy_linalg_linalg_imports_after_install():
    # served only where numpy has no such module (numpy 2.4 and later)
    try:
        importlib.import_module('numpy.linalg.linalg')
    except ImportError:
        pytest.fail('numpy.linalg.linalg is not importable after install()')


@pytest.mark.compat
@pytest.mark.lasagne   # the root conftest installs only on Theano
def test_theanos_c_scan_loop_is_refused_with_an_import_error():
    with pytest.raises(ImportError, match='does not compile on Python 3.11'):
        importlib.import_module(SCAN_C_LOOP)
    # ahead of the finders that would find the real module (compat's own
    # finders, such as _patch's post-import one on numpy 2, may come first)
    refusing = [i for i, f in enumerate(sys.meta_path)
                if isinstance(f, _modules.RefusingFinder)]
    assert refusing and refusing[0] < sys.meta_path.index(
        importlib.machinery.PathFinder)
    assert _modules.finder(_modules.RefusingFinder) is _modules.finder(
        _modules.RefusingFinder)


@pytest.mark.compat
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


@pytest.mark.compat
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


@pytest.mark.compat
@pytest.mark.lasagne
@pytest.mark.slow
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
