"""lasagne_reg._variant: Theano 1.0.5 or Theano-PyMC, told apart without
importing theano, and the flag spelling, Op base and scan loop each has.

Nothing here needs a Theano: the installed distributions are faked where a
case needs them (tests/test_compat_pymc.py checks the real Theano-PyMC).
"""
import importlib.metadata
import sys
import types

import pytest

from lasagne_reg import _kernels, _variant

pytestmark = [pytest.mark.nobackend]


def _fake_installed(monkeypatch, versions):
    """Make importlib.metadata report exactly `versions` {dist: version}."""
    real = importlib.metadata.version

    def version(name):
        if name in ('Theano', 'Theano-PyMC'):
            if name not in versions:
                raise importlib.metadata.PackageNotFoundError(name)
            return versions[name]
        return real(name)
    monkeypatch.setattr(importlib.metadata, 'version', version)


def test_flag_names_as_each_variant_spells_them():
    assert _variant.THEANO.flag('blas.ldflags') == 'blas.ldflags'
    assert _variant.THEANO.flag('gcc.cxxflags') == 'gcc.cxxflags'
    assert _variant.THEANO_PYMC.flag('blas.ldflags') == 'blas__ldflags'
    assert _variant.THEANO_PYMC.flag('gcc.cxxflags') == 'gcc__cxxflags'


@pytest.mark.parametrize('versions, expected', [
    ({}, None),
    ({'Theano': '1.0.5'}, _variant.THEANO),
    ({'Theano-PyMC': '1.1.2'}, _variant.THEANO_PYMC),
])
def test_installed_reads_the_distribution(monkeypatch, versions, expected):
    _fake_installed(monkeypatch, versions)
    assert _variant.installed() is expected
    if expected is not None:
        assert expected.version == list(versions.values())[0]


@pytest.mark.parametrize('subdir, expected', [
    ('graph', _variant.THEANO_PYMC), ('gof', _variant.THEANO)])
def test_both_installed_the_package_layout_decides(monkeypatch, tmp_path,
                                                    subdir, expected):
    _fake_installed(monkeypatch, {'Theano': '1.0.5', 'Theano-PyMC': '1.1.2'})
    (tmp_path / subdir).mkdir()
    spec = types.SimpleNamespace(submodule_search_locations=[str(tmp_path)])
    seen = []

    def find_spec(name):
        seen.append(name)
        return spec
    assert _variant.installed(find_spec) is expected
    assert seen == ['theano']


def test_both_in_the_metadata_but_no_package_is_theano(monkeypatch):
    # metadata of both, and no theano package to look into (a broken
    # install): Theano 1.0.5, the variant compat knows best, not an error
    _fake_installed(monkeypatch, {'Theano': '1.0.5', 'Theano-PyMC': '1.1.2'})
    assert _variant.installed(lambda name: None) is _variant.THEANO


def test_a_variant_keeps_what_it_is_given():
    made = _variant.Variant('Some-Theano', '__', 'graph.op', 'graph.basic',
                            'scan.perform_ext', 'scan.c_code')
    assert (made.distribution, made.separator, made.op_base,
            made.apply_module, made.scan_c_loop, made.cython) == (
        'Some-Theano', '__', 'graph.op', 'graph.basic', 'scan.perform_ext',
        'scan.c_code')
    assert repr(made) == "Variant('Some-Theano')"
    assert repr(_variant.THEANO) == "Variant('Theano')"


def test_installed_imports_no_theano():
    before = set(sys.modules)
    _variant.installed()
    assert not {m for m in set(sys.modules) - before
                if m.split('.')[0] == 'theano'}


def test_each_variant_names_its_op_base_and_scan_loop():
    assert _variant.THEANO.op_base == ('gof', 'Op')
    assert _variant.THEANO.apply_module == 'gof'
    assert _variant.THEANO.scan_c_loop == 'theano.scan_module.scan_perform_ext'
    assert _variant.THEANO.cython == 'Cython 0.28'
    assert _variant.THEANO_PYMC.op_base == ('graph.op', 'COp')
    assert _variant.THEANO_PYMC.apply_module == 'graph.basic'
    assert _variant.THEANO_PYMC.scan_c_loop == 'theano.scan.scan_perform_ext'
    assert _variant.THEANO_PYMC.cython == 'Cython 0.29.21'
    assert _variant.VARIANTS == (_variant.THEANO, _variant.THEANO_PYMC)


@pytest.mark.parametrize('versions, expected', [
    ({'Theano': '1.0.5'}, ('TheanoOnePassPenalty', 'gof', 'Op', 'gof')),
    ({'Theano-PyMC': '1.1.2'}, ('TheanoOnePassPenalty', 'graph.op', 'COp',
                                'graph.basic')),
    ({}, ('TheanoOnePassPenalty', 'gof', 'Op', 'gof')),
])
def test_the_kernels_take_the_variants_op_base(monkeypatch, versions,
                                               expected):
    _fake_installed(monkeypatch, versions)
    assert _kernels._bases('theano') == expected
    assert _kernels._bases('aesara') == _kernels._BASES['aesara']
