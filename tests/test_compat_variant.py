"""compat with each Theano variant (lasagne_reg._variant): the flags in its
spelling, what it needs of compat, and the report that names it.

Nothing here needs a Theano: these run on every stack (the Theano-PyMC run
included), with the installed distributions faked where a case needs them.
"""
import importlib.metadata
import sys
import types

import pytest

from lasagne_reg import _variant
from lasagne_reg.compat import _flags, _patch, _pymc


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
    assert _flags.names(None) == ('blas.ldflags', 'gcc.cxxflags')
    assert _flags.names(_variant.THEANO) == ('blas.ldflags', 'gcc.cxxflags')
    assert _flags.names(_variant.THEANO_PYMC) == ('blas__ldflags',
                                                  'gcc__cxxflags')


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
