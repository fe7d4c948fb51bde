"""The numpy-1.23.5 reference data in tests/data/ (tests/_reference.py).

Each file must have been made from the sources it names, as they are now:
a changed corpus, a changed pin of the reference stack or a changed Theano
suite plugin makes it stale, and ``make reference-data`` makes it again.
Whether it holds what numpy 1.23.5 computes is checked where numpy 1.23.5
runs: the theano stack evaluates each corpus and compares it with the file
(tests/test_compat_numpy2.py, tests/test_compat_cops.py).
"""
import os

import pytest

from tests import _reference

pytestmark = [pytest.mark.nobackend]


@pytest.mark.parametrize('name', sorted(_reference.SOURCES))
def test_reference_data_is_not_stale(name):
    path = os.path.join(_reference.DATA, name)
    assert os.path.exists(path), 'tests/data/%s is missing: %s' % (
        name, _reference.REGENERATE)
    record = _reference.load(name)
    changed = _reference.stale(name, record)
    assert not changed, 'tests/data/%s is stale: %s changed since it was ' \
        'made; %s' % (name, ', '.join(changed), _reference.REGENERATE)
    assert record['stack']['numpy'] == '1.23.5'
    assert record['made by'].startswith('make reference-data')


def test_a_changed_source_makes_the_data_stale(tmp_path, monkeypatch):
    (tmp_path / 'corpus.py').write_text('cases = 1\n')
    monkeypatch.setattr(_reference, 'ROOT', str(tmp_path))
    monkeypatch.setitem(_reference.SOURCES, 'x.json', ('corpus.py',))
    record = {'sources': _reference.checksums('x.json')}
    assert _reference.stale('x.json', record) == []
    (tmp_path / 'corpus.py').write_text('cases = 2\n')
    assert _reference.stale('x.json', record) == ['corpus.py']
    assert _reference.stale('x.json', {}) == ['corpus.py']


def test_the_theano_suite_data_is_the_quick_subset():
    # a module added to the quick subset has no reference until the data
    # is made again
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        'theano_suite', os.path.join(_reference.ROOT, 'tools',
                                     'theano_suite.py'))
    suite = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(suite)
    record = _reference.load('theano_suite_numpy1.json')
    assert record['quick'] == list(suite.QUICK), _reference.REGENERATE
    assert sorted(record['outcomes']) == sorted(suite.QUICK)
    for spec_name, outcomes in record['outcomes'].items():
        assert outcomes, spec_name
        assert set(outcomes.values()) <= {'passed', 'failed', 'skipped'}
