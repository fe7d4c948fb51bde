"""compat/_patch.py: replacing attributes of modules, now or after import."""
import sys
import textwrap

import pytest

from lasagne_reg.compat import _patch


@pytest.fixture
def fresh_module(tmp_path, monkeypatch):
    """A module on disk, not yet imported: name -> its source's path."""
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
    _patch.restore()
    sys.modules.pop(name, None)


def _plus_one(original):
    return lambda: original() + 1


def test_a_module_imported_later_is_patched_when_its_code_has_run(
        fresh_module):
    patch = _patch.Patch(fresh_module, 'answer', _plus_one, 'test')
    assert _patch.apply([patch]) == ['%s.answer (test)' % fresh_module]
    assert fresh_module not in sys.modules       # nothing imported early
    assert _patch.applied() == ['%s.answer (test)' % fresh_module]
    module = __import__(fresh_module)
    assert module.answer() == 43
    assert _patch.apply([patch]) == []           # idempotent, once set too
    assert module.answer() == 43
    assert _patch.restore() == [fresh_module + '.answer']
    assert module.answer() == 42
    assert _patch.applied() == []


def test_an_imported_module_is_patched_at_once_and_restored(fresh_module):
    module = __import__(fresh_module)
    patch = _patch.Patch(fresh_module, 'answer', _plus_one, 'test')
    _patch.apply([patch])
    assert module.answer() == 43
    assert not any(isinstance(f, _patch._PostImportFinder)
                   for f in sys.meta_path)       # no finder was needed
    _patch.restore()
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
    _patch.restore()
    assert vars(module.Child)['twice'] is twice
    assert 'who' not in vars(module.Child)       # not left as an own copy
    assert (child.twice(2), child.who()) == (4, 'base')


def test_restore_drops_patches_still_waiting_and_the_finder(fresh_module):
    _patch.apply([_patch.Patch(fresh_module, 'answer', _plus_one, 'test')])
    _patch.restore()
    assert not any(isinstance(f, _patch._PostImportFinder)
                   for f in sys.meta_path)
    assert __import__(fresh_module).answer() == 42


def test_a_missing_module_is_imported_as_before(fresh_module):
    _patch.apply([_patch.Patch(fresh_module + '_absent', 'f', _plus_one,
                               'test')])
    with pytest.raises(ModuleNotFoundError):
        __import__(fresh_module + '_absent')
