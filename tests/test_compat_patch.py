"""compat/_patch.py: replacing attributes of modules, now or after import."""
import sys
import textwrap
import types

import pytest

from lasagne_reg.compat import _patch

pytestmark = [pytest.mark.nobackend]


@pytest.fixture
def fresh_module(tmp_path, monkeypatch):
    """A module on disk, not yet imported; its patches are put back after
    the test (only its own: compat's patches of Theano stay in place)."""
    name = 'lasagne_reg_patch_target_%d' % id(tmp_path)
    (tmp_path / (name + '.py')).write_text(textwrap.dedent('''
        class Base:
            def who(self):
                return 'base'

        class Child(Base):
            @staticmethod
            def twice(x):
                return 2 * x

        def answer():
            return 42
    '''))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    _patch.restore(_patch.Patch(name + suffix, attribute, None, '')
                   for suffix in ('', '_absent')
                   for attribute in ('answer', 'f', 'Child.twice',
                                     'Child.who'))
    sys.modules.pop(name, None)


def _own(name):
    """applied(), less compat's own patches of Theano (numpy 2 has some)."""
    return [entry for entry in _patch.applied() if entry.startswith(name)]


def _plus_one(original):
    return lambda: original() + 1


def test_a_module_imported_later_is_patched_when_its_code_has_run(
        fresh_module):
    patch = _patch.Patch(fresh_module, 'answer', _plus_one, 'test')
    assert _patch.apply([patch]) == ['%s.answer (test)' % fresh_module]
    assert fresh_module not in sys.modules       # nothing imported early
    assert _own(fresh_module) == ['%s.answer (test)' % fresh_module]
    module = __import__(fresh_module)
    assert module.answer() == 43
    assert _patch.apply([patch]) == []           # idempotent, once set too
    assert module.answer() == 43
    assert _patch.restore([patch]) == [fresh_module + '.answer']
    assert module.answer() == 42
    assert _own(fresh_module) == []


def test_an_imported_module_is_patched_at_once_and_restored(fresh_module):
    module = __import__(fresh_module)
    patch = _patch.Patch(fresh_module, 'answer', _plus_one, 'test')
    _patch.apply([patch])
    assert module.answer() == 43
    assert fresh_module not in _patch._pending    # set at once
    _patch.restore([patch])
    assert module.answer() == 42


def test_methods_static_and_inherited_come_back_exactly(fresh_module):
    module = __import__(fresh_module)
    twice = vars(module.Child)['twice']
    patches = [
        _patch.Patch(fresh_module, 'Child.twice',
                     lambda f: staticmethod(lambda x: 3 * x), 'static'),
        _patch.Patch(fresh_module, 'Child.who',
                     lambda f: lambda self: 'child of ' + f(self), 'inherited'),
    ]
    _patch.apply(patches)
    child = module.Child()
    assert (child.twice(2), child.who()) == (6, 'child of base')
    _patch.restore(patches)
    assert vars(module.Child)['twice'] is twice
    assert 'who' not in vars(module.Child)       # not left as an own copy
    assert (child.twice(2), child.who()) == (4, 'base')


def test_restore_drops_patches_still_waiting(fresh_module):
    patch = _patch.Patch(fresh_module, 'answer', _plus_one, 'test')
    _patch.apply([patch])
    assert _patch.restore([patch]) == []          # nothing was set yet
    assert fresh_module not in _patch._pending
    assert __import__(fresh_module).answer() == 42


def test_restoring_everything_removes_the_finder(monkeypatch):
    # on copies of the registries: compat's own patches of Theano stay
    monkeypatch.setattr(_patch, '_applied', {})
    monkeypatch.setattr(_patch, '_pending', {})
    monkeypatch.setattr(sys, 'meta_path', list(sys.meta_path))
    _patch.apply([_patch.Patch('lasagne_reg_no_such_module', 'f', _plus_one,
                               'test')])
    assert any(isinstance(f, _patch._PostImportFinder) for f in sys.meta_path)
    assert _patch.restore() == []
    assert _patch.applied() == []
    assert not any(isinstance(f, _patch._PostImportFinder)
                   for f in sys.meta_path)


def test_a_missing_module_is_imported_as_before(fresh_module):
    _patch.apply([_patch.Patch(fresh_module + '_absent', 'f', _plus_one,
                               'test')])
    with pytest.raises(ModuleNotFoundError):
        __import__(fresh_module + '_absent')


def test_make_gets_the_owners_own_value_a_staticmethod_included(fresh_module):
    module = __import__(fresh_module)
    seen = []

    def keep(original):
        seen.append(original)
        return original

    patch = _patch.Patch(fresh_module, 'Child.twice', keep, 'identity')
    _patch.apply([patch])
    try:
        # the staticmethod object itself, so that setting it back as it is
        # keeps it static (a plain function would get the instance as x)
        assert isinstance(seen[0], staticmethod)
        assert module.Child().twice(2) == 4
    finally:
        _patch.restore([patch])


def test_several_patches_of_a_module_not_yet_imported(fresh_module):
    first = _patch.Patch(fresh_module, 'answer', _plus_one, 'one')
    second = _patch.Patch(fresh_module, 'Child.who',
                          lambda f: lambda self: 'patched', 'two')
    assert _patch.apply([first]) == ['%s.answer (one)' % fresh_module]
    # another patch of the same waiting module is scheduled too; the first
    # again is not scheduled twice
    assert _patch.apply([first, second]) == [
        '%s.Child.who (two)' % fresh_module]
    assert [p.name for p in _patch._pending[fresh_module]] == [
        first.name, second.name]
    # restoring one leaves the other waiting
    assert _patch.restore([first]) == []
    assert [p.name for p in _patch._pending[fresh_module]] == [second.name]
    module = __import__(fresh_module)
    assert (module.answer(), module.Child().who()) == (42, 'patched')


def test_a_patch_already_set_does_not_stop_the_next(fresh_module):
    module = __import__(fresh_module)
    first = _patch.Patch(fresh_module, 'answer', _plus_one, 'one')
    second = _patch.Patch(fresh_module, 'Child.who',
                          lambda f: lambda self: 'patched', 'two')
    _patch.apply([first])
    assert _patch.apply([first, second]) == [
        '%s.Child.who (two)' % fresh_module]
    assert (module.answer(), module.Child().who()) == (43, 'patched')


def test_a_submodule_of_a_package_is_patched_after_import(tmp_path,
                                                          monkeypatch):
    # a package's submodule is found on the package's __path__, which the
    # finder must hand on to the finders it asks
    package = 'lasagne_reg_patch_package_%d' % id(tmp_path)
    (tmp_path / package).mkdir()
    (tmp_path / package / '__init__.py').write_text('')
    (tmp_path / package / 'inner.py').write_text('def answer():\n'
                                                 '    return 42\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    patch = _patch.Patch(package + '.inner', 'answer', _plus_one, 'test')
    _patch.apply([patch])
    try:
        import importlib
        inner = importlib.import_module(package + '.inner')
        assert inner.answer() == 43
        # the loader's other methods are the real loader's
        loader = inner.__spec__.loader
        assert isinstance(loader, _patch._PatchingLoader)
        assert loader.is_package(package + '.inner') is False
        assert 'return 42' in loader.get_source(package + '.inner')
    finally:
        _patch.restore([patch])
        for name in (package + '.inner', package):
            sys.modules.pop(name, None)


@pytest.mark.slow
def test_an_extension_module_is_created_by_its_own_loader():
    # create_module matters for C extensions: a fresh interpreter imports
    # one after its patch was scheduled
    from tests._support import last_json, run_python
    out = run_python(code='''
        import json, sys
        from lasagne_reg.compat import _patch
        name = '_lsprof'
        assert name not in sys.modules
        _patch.apply([_patch.Patch(name, 'marker', lambda old: 'set', 'x')])
        import _lsprof
        print(json.dumps([_lsprof.marker, type(_lsprof.Profiler).__name__,
                          _lsprof.__spec__.origin.endswith('.so')]))
    ''')
    assert last_json(out) == ['set', 'type', True]


def test_patch_repr_and_the_finder_first_on_meta_path(monkeypatch):
    patch = _patch.Patch('some.module', 'Cls.attr', None, 'why')
    assert repr(patch) == "Patch('some.module.Cls.attr')"
    monkeypatch.setattr(_patch, '_pending', {})
    monkeypatch.setattr(sys, 'meta_path', [
        f for f in sys.meta_path if not isinstance(f, _patch._PostImportFinder)])
    _patch.apply([_patch.Patch('lasagne_reg_no_such_module', 'f', _plus_one,
                               'test')])
    # first, so that it is asked before any finder that would answer
    assert isinstance(sys.meta_path[0], _patch._PostImportFinder)


def test_the_wrapped_loader_creates_with_the_real_one():
    seen = []

    class Real:
        def create_module(self, spec):
            seen.append(spec)
            return 'made'

    assert _patch._PatchingLoader(Real()).create_module('spec') == 'made'
    assert seen == ['spec']


def test_a_module_whose_patch_was_restored_meanwhile_loads(fresh_module):
    # found while its patch waited, loaded after restore(): loads unpatched
    import importlib.util
    patch = _patch.Patch(fresh_module, 'answer', _plus_one, 'test')
    _patch.apply([patch])
    spec = importlib.util.find_spec(fresh_module)
    assert isinstance(spec.loader, _patch._PatchingLoader)
    _patch.restore([patch])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.answer() == 42


def test_wraps_keeps_the_replacements_name_and_takes_the_originals_doc():
    def original(x):
        """The original's."""
        return x
    original.tag = 'kept apart'

    @_patch.wraps(original)
    def replacement(x):
        return original(x) + 1

    assert replacement(1) == 2
    assert replacement.__name__ == 'replacement'
    assert replacement.__qualname__.endswith('<locals>.replacement')
    assert replacement.__module__ == __name__
    assert replacement.__doc__ == "The original's."
    assert replacement.__wrapped__ is original
    assert not hasattr(replacement, 'tag')      # no __dict__ merged


def test_a_patch_may_add_a_missing_attribute_and_restore_removes_it():
    module = types.ModuleType('_lasagne_reg_test_target')
    sys.modules[module.__name__] = module
    seen = []
    patch = _patch.Patch(module.__name__, 'added',
                         lambda original: seen.append(original) or 42,
                         'a test')
    try:
        assert _patch.apply([patch]) == [
            '_lasagne_reg_test_target.added (a test)']
        assert module.added == 42 and seen == [None]
    finally:
        restored = _patch.restore([patch])
        del sys.modules[module.__name__]
    assert restored == ['_lasagne_reg_test_target.added']
    assert not hasattr(module, 'added')
