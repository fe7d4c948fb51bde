"""lasagne_reg.compat._standin: how compat's stand-in modules are made."""
import sys

import pytest

from lasagne_reg.compat import _py312, _shims, _standin


def test_a_stand_in_says_who_provides_it():
    made = _standin.module('some.module', 'what it is.')
    assert made.__name__ == 'some.module'
    assert made.__doc__ == 'Provided by lasagne_reg.compat: what it is.'
    where = _standin.module('imp', 'imp over importlib.', 'Python 3.12+')
    assert where.__doc__ == ('Provided by lasagne_reg.compat (Python 3.12+): '
                             'imp over importlib.')


def test_a_stand_in_has_the_attributes_given():
    def lookup(name):
        if name == 'late':
            return 42
        raise AttributeError(name)

    made = _standin.module('m', 'd', answer=1, __getattr__=lookup,
                           __path__=[])
    assert made.answer == 1 and made.late == 42 and made.__path__ == []
    with pytest.raises(AttributeError):
        _ = made.missing
    # a fresh module each time: nothing leaks from one to the next
    assert not hasattr(_standin.module('m', 'd'), 'answer')
    assert 'm' not in sys.modules


def test_every_served_module_is_made_here():
    makers = [_shims.make_downsample, _shims.make_numpy_linalg,
              _shims.make_pkg_resources, _py312.make_distutils,
              _py312.make_distutils_sysconfig, _py312.make_distutils_spawn,
              _py312.make_numpy_distutils, _py312.make_numpy_misc_util,
              _py312.make_numpy_config, _py312.make_imp]
    for make in makers:
        assert make().__doc__.startswith(_standin.PROVIDED), make
