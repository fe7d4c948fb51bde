"""compat._variant: Theano 1.0.5 or Theano-PyMC, told apart without importing
theano, and the flag spelling, Op base and scan loop each reads.

Nothing here needs a Theano: these run on every stack (the Theano-PyMC run
included), with the installed distributions faked where a case needs them.
"""
import importlib.metadata
import sys
import types

import pytest

from lasagne_reg import _kernels
from lasagne_reg.compat import _flags, _patch, _pymc, _variant


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
    assert _flags.names(None) == ('blas.ldflags', 'gcc.cxxflags')
    assert _flags.names(_variant.THEANO) == ('blas.ldflags', 'gcc.cxxflags')
    assert _flags.names(_variant.THEANO_PYMC) == ('blas__ldflags',
                                                  'gcc__cxxflags')


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


def test_the_installed_theano_is_reported():
    from lasagne_reg import compat
    variant = _variant.installed()
    if variant is None:       # PyTensor, Aesara: install() is not run there
        report = compat.InstallReport()
        assert report.theano == ''
    else:
        report = compat.install()     # the conftest ran it: changes nothing
        assert report.theano == '%s %s' % (
            variant.distribution,
            importlib.metadata.version(variant.distribution))
    assert repr(report).endswith(', theano=%r)' % report.theano)


class _Blas:
    ldflags = '-L/b -lscipy_openblas'
    cxxflags = ['-Dsgemm_=scipy_sgemm_', '-Xlinker -rpath=/b']


@pytest.mark.parametrize('numpy_major', [1, 2])
@pytest.mark.parametrize('blas', [None, _Blas()])
def test_theano_1_0_5_flags_are_unchanged_by_the_variant(numpy_major, blas):
    plain = _flags.wanted(numpy_major, 'floatX=float32', {}, blas)
    named = _flags.wanted(numpy_major, 'floatX=float32', {}, blas,
                          _variant.THEANO)
    assert plain == named
    assert set(plain[0]) <= {'blas.ldflags', 'gcc.cxxflags'}


def test_theano_pymc_gets_its_own_spelling():
    flags, used = _flags.wanted(2, '', {}, _Blas(), _variant.THEANO_PYMC)
    assert used is not None
    assert flags == {
        'blas__ldflags': '-L/b -lscipy_openblas',
        'gcc__cxxflags': list(_flags.NUMPY2_CXXFLAGS)
        + ['-Dsgemm_=scipy_sgemm_', '-Xlinker -rpath=/b']}
    text, changes = _flags.merged('floatX=float32', {}, flags)
    assert text == ('floatX=float32,blas__ldflags=-L/b -lscipy_openblas,'
                    'gcc__cxxflags=' + ' '.join(flags['gcc__cxxflags']))
    assert changes == {'blas__ldflags': '-L/b -lscipy_openblas',
                       'gcc__cxxflags': ' '.join(flags['gcc__cxxflags'])}


def test_theano_pymc_users_flags_win_in_their_spelling():
    text = 'blas__ldflags=-lmine,gcc__cxxflags=-O2'
    flags, used = _flags.wanted(1, text, {}, _Blas(), _variant.THEANO_PYMC)
    assert used is None
    assert 'blas__ldflags' not in flags
    merged, changes = _flags.merged(text, {}, flags)
    assert merged == 'blas__ldflags=-lmine,gcc__cxxflags=-O2'
    assert changes == {}
    # numpy 2: the user's cxxflags stay first, ours follow
    flags, _ = _flags.wanted(2, text, {}, None, _variant.THEANO_PYMC)
    merged, changes = _flags.merged(text, {}, flags)
    assert merged == ('blas__ldflags=-lmine,gcc__cxxflags=-O2 '
                      + ' '.join(_flags.NUMPY2_CXXFLAGS))


def test_theano_pymc_reads_the_theanorc_sections_as_theano_does():
    rc = {'blas.ldflags': '-lrc', 'gcc.cxxflags': '-O1'}
    flags, used = _flags.wanted(2, '', rc, _Blas(), _variant.THEANO_PYMC)
    assert used is None and 'blas__ldflags' not in flags
    merged, changes = _flags.merged('', rc, flags)
    assert changes == {'gcc__cxxflags': '-O1 '
                       + ' '.join(_flags.NUMPY2_CXXFLAGS)}
    # Theano 1.0.5's dotted spelling in THEANO_FLAGS is not Theano-PyMC's:
    # it would warn "does not recognise this flag", so ours are still set
    flags, _ = _flags.wanted(1, 'blas.ldflags=-lx', {}, None,
                             _variant.THEANO_PYMC)
    assert flags == {'blas__ldflags': ''}


def test_each_variant_names_its_op_base_and_scan_loop():
    assert _variant.THEANO.op_base == ('gof', 'Op')
    assert _variant.THEANO.apply_module == 'gof'
    assert _variant.THEANO.scan_c_loop == 'theano.scan_module.scan_perform_ext'
    assert _variant.THEANO_PYMC.op_base == ('graph.op', 'COp')
    assert _variant.THEANO_PYMC.apply_module == 'graph.basic'
    assert _variant.THEANO_PYMC.scan_c_loop == 'theano.scan.scan_perform_ext'
    assert _variant.THEANO.refuses_scan_c_loop is (sys.version_info
                                                   >= (3, 11))


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


def test_pymc_measures_are_none_on_theano_1_0_5(monkeypatch):
    assert _pymc.patches(_variant.THEANO) == []
    assert _pymc.install_modules(_variant.THEANO) == []
    _fake_installed(monkeypatch, {'Theano': '1.0.5'})
    assert _pymc.patches() == []


def test_pymc_patches_name_what_they_add():
    names = [(p.module, p.attribute) for p in
             _pymc.patches(_variant.THEANO_PYMC)]
    assert names == [('theano', 'gof'),
                     ('theano.sandbox.rng_mrg', 'MRG_RandomStreams')]


def test_a_patch_may_add_a_missing_attribute_and_restore_removes_it():
    module = types.ModuleType('_lasagne_reg_test_target')
    sys.modules[module.__name__] = module
    seen = []
    try:
        patch = _patch.Patch(module.__name__, 'added',
                             lambda original: seen.append(original) or 42,
                             'a test')
        assert _patch.apply([patch]) == [
            '_lasagne_reg_test_target.added (a test)']
        assert module.added == 42 and seen == [None]
    finally:
        restored = _patch.restore()
        del sys.modules[module.__name__]
        # restore() puts back every patch: reapply those of the session
        from lasagne_reg import compat
        _patch.apply(compat._patches())
    assert '_lasagne_reg_test_target.added' in restored
    assert not hasattr(module, 'added')
