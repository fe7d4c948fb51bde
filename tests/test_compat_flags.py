"""lasagne_reg.compat._flags: the THEANO_FLAGS compat wants, spelled as the
Theano installed reads them, merged with the user's.

install()'s part (the flags set before ``import theano``, what it says
after) runs through :func:`lasagne_reg.compat.install` in
tests/test_compat.py.
"""
import os
import sys

import pytest

from lasagne_reg import _variant
from lasagne_reg.compat import _blas, _flags
from tests._compat_support import NP2

pytestmark = [pytest.mark.nobackend]

# -- flags ------------------------------------------------------------------

BLAS = _blas.Blas('test BLAS', '/opt/b', '-L/opt/b -lb',
                  ['-Dsgemm_=b_sgemm_', '-Xlinker -rpath=/opt/b'])


@pytest.mark.parametrize('numpy_major, text, rc, blas, ld, cxx', [
    (1, '', {}, None, '', None),
    (2, '', {}, None, '', NP2),
    (1, '', {}, BLAS, '-L/opt/b -lb', BLAS.cxxflags),
    (2, '', {}, BLAS, '-L/opt/b -lb', NP2 + BLAS.cxxflags),
    # the user's own blas.ldflags (even empty) wins: no BLAS macros then
    (2, 'blas.ldflags=-lopenblas', {}, BLAS, None, NP2),
    (1, 'blas.ldflags=', {}, BLAS, None, None),
    (1, '', {'blas.ldflags': '-lmkl_rt'}, BLAS, None, None),
])
def test_wanted_flags(numpy_major, text, rc, blas, ld, cxx):
    flags, used = _flags.wanted(numpy_major, text, rc, blas)
    assert flags.get('blas.ldflags') == ld
    assert flags.get('gcc.cxxflags') == cxx
    assert used is (blas if ld and blas else None)


@pytest.mark.parametrize('text, rc, wanted, expected', [
    ('', {}, {'blas.ldflags': ''}, 'blas.ldflags='),
    ('floatX=float32', {}, {'blas.ldflags': ''},
     'floatX=float32,blas.ldflags='),
    ('blas.ldflags=-lopenblas,floatX=float32', {}, {'blas.ldflags': ''},
     'blas.ldflags=-lopenblas,floatX=float32'),
    ('floatX=float32', {'blas.ldflags': '-lblas'}, {'blas.ldflags': ''},
     'floatX=float32'),
    ('floatX=float32', {}, {'blas.ldflags': '', 'gcc.cxxflags': NP2},
     'floatX=float32,blas.ldflags=,gcc.cxxflags=' + ' '.join(NP2)),
    # the user's cxxflags first, ours after
    ('gcc.cxxflags=-O3 -march=native,floatX=float32', {},
     {'blas.ldflags': '', 'gcc.cxxflags': NP2},
     'gcc.cxxflags=-O3 -march=native ' + ' '.join(NP2) +
     ',floatX=float32,blas.ldflags='),
    # .theanorc's cxxflags are kept too (THEANO_FLAGS overrides .theanorc)
    ('', {'gcc.cxxflags': '-O2'}, {'gcc.cxxflags': ['-DA=1']},
     'gcc.cxxflags=-O2 -DA=1'),
    # a group of tokens stays together even where one token is present
    ('gcc.cxxflags=-Xlinker --as-needed', {},
     {'gcc.cxxflags': ['-Xlinker -rpath=/opt/b']},
     'gcc.cxxflags=-Xlinker --as-needed -Xlinker -rpath=/opt/b'),
])
def test_flags_are_merged_keeping_the_users(text, rc, wanted, expected):
    merged, changes = _flags.merged(text, rc, wanted)
    assert merged == expected
    again, no_changes = _flags.merged(merged, rc, wanted)
    assert again == merged and no_changes == {}


def test_theanorc_values_are_read(tmp_path, monkeypatch):
    rc = tmp_path / 'theanorc'
    rc.write_text('[blas]\nldflags = -lopenblas\n[gcc]\ncxxflags = -O2\n')
    monkeypatch.setenv('THEANORC', str(rc))
    assert _flags.theanorc_values() == {'blas.ldflags': '-lopenblas',
                                        'gcc.cxxflags': '-O2'}
    rc.write_text('not an ini file [')
    assert _flags.theanorc_values() == {}


# -- flags: parsing and .theanorc, in detail ---------------------------------

def test_flags_parse_skips_empty_items_anywhere():
    # "$THEANO_FLAGS,x" with THEANO_FLAGS empty, or a doubled comma
    assert _flags.parse(',floatX=float32,, device = cpu ,') == [
        ('floatX', 'float32'), ('device', ' cpu')]
    assert _flags.parse('cxx=,blas.ldflags') == [('cxx', ''),
                                                 ('blas.ldflags', '')]
    assert _flags.user_value('blas.ldflags', 'a=1,,blas.ldflags=-lb', {}) \
        == '-lb'
    assert _flags.user_value('gcc.cxxflags', 'floatX=float32',
                             {'gcc.cxxflags': '-O2'}) == '-O2'
    assert _flags.user_value('gcc.cxxflags', 'gcc.cxxflags=',
                             {'gcc.cxxflags': '-O2'}) == ''


def test_theanorc_in_the_home_directory_is_read(tmp_path, monkeypatch):
    monkeypatch.delenv('THEANORC', raising=False)
    monkeypatch.setenv('HOME', str(tmp_path))
    assert _flags.theanorc_values() == {}
    (tmp_path / '.theanorc').write_text('[gcc]\ncxxflags = -O2\n')
    assert _flags.theanorc_values() == {'gcc.cxxflags': '-O2'}
    (tmp_path / '.theanorc.txt').write_text('[blas]\nldflags =\n'
                                            '[gcc]\ncxxflags = -O3\n')
    # both files, the second one winning where they overlap (as in Theano)
    assert _flags.theanorc_values() == {'gcc.cxxflags': '-O3',
                                        'blas.ldflags': ''}


def test_theanorc_takes_a_path_list(tmp_path, monkeypatch):
    first, second = tmp_path / 'a', tmp_path / 'b'
    first.write_text('[gcc]\ncxxflags = -O2 %(not)s interpolated\n')
    second.write_text('[blas]\nldflags = -lblas\n')
    monkeypatch.setenv('THEANORC', os.pathsep.join(
        ['', str(first), str(tmp_path / 'missing'), str(second)]))
    assert _flags.theanorc_values() == {
        'gcc.cxxflags': '-O2 %(not)s interpolated', 'blas.ldflags': '-lblas'}


def test_a_group_of_flags_is_found_only_as_a_contiguous_run():
    assert _flags._contains(['-a', '-b', '-c'], ['-b', '-c'])
    assert _flags._contains(['-a', '-b', '-c'], ['-a'])
    assert not _flags._contains(['-a', '-b', '-c'], ['-a', '-c'])
    assert not _flags._contains(['-a', '-b'], ['-b', '-c'])
    assert not _flags._contains([], ['-a'])


def test_theano_state_tells_a_failed_import():
    assert _flags._theano_state({}) == 'absent'
    assert _flags._theano_state({'numpy': 1}) == 'absent'
    assert _flags._theano_state({'theano': 1, 'theano.gof': 1}) == 'imported'
    assert _flags._theano_state({'theano.configdefaults': 1}) == 'failed'
    assert _flags._theano_state({'theanoish': 1}) == 'absent'


def test_long_flag_values_are_shortened_in_messages():
    assert _flags._short('x' * 80) == 'x' * 80
    assert _flags._short('x' * 81) == 'x' * 77 + '...'


# -- each Theano's spelling ------------------------------------------------

def test_flag_names_as_each_variant_spells_them():
    assert _flags.names(None) == ('blas.ldflags', 'gcc.cxxflags')
    assert _flags.names(_variant.THEANO) == ('blas.ldflags', 'gcc.cxxflags')
    assert _flags.names(_variant.THEANO_PYMC) == ('blas__ldflags',
                                                  'gcc__cxxflags')


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


# -- install(): into THEANO_FLAGS before import theano -----------------------

class _Report:
    """The parts of an InstallReport install() fills."""

    def __init__(self):
        self.flags, self.blas, self.not_applied = {}, '', []


def _stack_of(numpy=1, variant=_variant.THEANO):
    from lasagne_reg.compat import _stack
    return _stack.Stack((3, 11), numpy, variant)


@pytest.fixture
def environment(monkeypatch):
    """A process before ``import theano``: no flags, no .theanorc, the
    BLAS of the test (none until a test sets one)."""
    monkeypatch.setattr(_flags, '_theano_state', lambda modules=None: 'absent')
    monkeypatch.setattr(_blas, 'find', lambda: (None, 'no BLAS here'))
    monkeypatch.delenv('THEANO_FLAGS', raising=False)
    monkeypatch.setenv('THEANORC', os.devnull)
    return monkeypatch


def test_install_writes_the_flags_before_import(environment):
    environment.setattr(_blas, 'find', lambda: (BLAS, ''))
    environment.setenv('THEANO_FLAGS', 'floatX=float32')
    report = _Report()
    _flags.install(report, _stack_of(numpy=2))
    cxx = ' '.join(NP2 + BLAS.cxxflags)
    assert os.environ['THEANO_FLAGS'] == (
        'floatX=float32,blas.ldflags=-L/opt/b -lb,gcc.cxxflags=' + cxx)
    assert report.flags == {'blas.ldflags': '-L/opt/b -lb',
                            'gcc.cxxflags': cxx}
    assert report.blas == 'test BLAS (/opt/b)'
    assert report.not_applied == []
    again = _Report()
    _flags.install(again, _stack_of(numpy=2))
    assert again.flags == {} and again.blas == report.blas


def test_install_spells_the_flags_as_theano_pymc_reads_them(environment):
    environment.setattr(_blas, 'find', lambda: (BLAS, ''))
    report = _Report()
    _flags.install(report, _stack_of(variant=_variant.THEANO_PYMC))
    assert os.environ['THEANO_FLAGS'] == (
        'blas__ldflags=-L/opt/b -lb,gcc__cxxflags=' + ' '.join(BLAS.cxxflags))
    assert report.blas == 'test BLAS (/opt/b)'
    # the user's own, in that spelling, stays and silences the advice
    environment.setenv('THEANO_FLAGS', 'blas__ldflags=')
    environment.setattr(_blas, 'find', lambda: (None, 'no BLAS here'))
    report = _Report()
    _flags.install(report, _stack_of(variant=_variant.THEANO_PYMC))
    assert os.environ['THEANO_FLAGS'] == 'blas__ldflags='
    assert report.flags == {} and report.not_applied == []


def test_install_without_a_blas_says_so_unless_the_user_chose(environment):
    report = _Report()
    _flags.install(report, _stack_of())
    assert os.environ['THEANO_FLAGS'] == 'blas.ldflags='
    assert report.flags == {'blas.ldflags': ''}
    assert report.blas == _blas.describe('')
    assert report.not_applied == [
        "no optimized BLAS for Theano: no BLAS here; Theano falls back to a "
        "NumPy C-API gemm about 10x slower than numpy's matmul (an empty "
        "blas.ldflags of your own silences this)"]
    environment.setenv('THEANO_FLAGS', 'blas.ldflags=-lmine')
    report = _Report()
    _flags.install(report, _stack_of())
    assert report.not_applied == [] and report.flags == {}
    assert report.blas == 'blas.ldflags=-lmine'


def _imported_theano(monkeypatch, **config):
    theano = type(os)('theano')
    theano.config = type(os)('config')
    for key, value in config.items():
        section, _, option = key.partition('.')
        if option:
            setattr(theano.config, section, type(os)(section))
            setattr(getattr(theano.config, section), option, value)
        else:
            setattr(theano.config, key, value)
    monkeypatch.setitem(sys.modules, 'theano', theano)
    monkeypatch.setattr(_flags, '_theano_state',
                        lambda modules=None: 'imported')


def test_install_after_import_changes_nothing_and_says_what(environment):
    environment.setattr(_blas, 'find', lambda: (BLAS, ''))
    environment.setenv('THEANO_FLAGS', 'floatX=float32')
    _imported_theano(environment, **{'blas.ldflags': '-lfromtheano'})
    report = _Report()
    _flags.install(report, _stack_of())
    assert os.environ['THEANO_FLAGS'] == 'floatX=float32'
    assert report.flags == {}
    assert report.not_applied == [
        'theano was imported before install(), so these THEANO_FLAGS cannot '
        'take effect: blas.ldflags=-L/opt/b -lb, gcc.cxxflags=%s (%s)'
        % (_flags._short(' '.join(BLAS.cxxflags)), _flags._RESTART)]
    # the BLAS is the one the imported theano has
    assert report.blas == 'blas.ldflags=-lfromtheano'
    # Theano-PyMC's config spells it blas__ldflags
    _imported_theano(environment, blas__ldflags='-lpymc')
    report = _Report()
    _flags.install(report, _stack_of(variant=_variant.THEANO_PYMC))
    assert report.blas == 'blas.ldflags=-lpymc'
    # a theano without that config: the flags' own value
    environment.setattr(sys.modules['theano'], 'config', None)
    environment.setenv('THEANO_FLAGS', 'blas.ldflags=-lflag')
    report = _Report()
    _flags.install(report, _stack_of())
    assert report.blas == 'blas.ldflags=-lflag'
    assert report.not_applied == []      # nothing of ours left to set


def test_install_after_a_failed_import_says_restart(environment):
    environment.setattr(_flags, '_theano_state',
                        lambda modules=None: 'failed')
    environment.setenv('THEANO_FLAGS', 'floatX=float32')
    report = _Report()
    _flags.install(report, _stack_of())
    assert report.not_applied == [
        'an earlier "import theano" failed in this process and left parts of '
        'theano loaded, so importing it again fails ("partially initialized '
        'module \'theano\'") whatever install() does: ' + _flags._RESTART]
    assert os.environ['THEANO_FLAGS'] == 'floatX=float32'
    assert report.flags == {} and report.blas == _blas.describe('')
    assert _flags._RESTART.startswith('restart the interpreter (or the '
                                      'notebook kernel) and call '
                                      'lasagne_reg.compat.install()')
