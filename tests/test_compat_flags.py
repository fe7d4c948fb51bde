"""lasagne_reg.compat._flags: the THEANO_FLAGS compat wants, merged with the
user's."""
import os

import pytest

from lasagne_reg.compat import _blas, _flags
from tests._compat_support import NP2

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
