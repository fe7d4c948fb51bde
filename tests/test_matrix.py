"""The stack table (the Makefile) and the markers that choose each stack's tests.

make test runs each row of the table's ``$(call row, ...)`` lines; a row
selects its tests with a pytest -m expression over the markers declared in
pytest.ini. These checks keep the two consistent, and make sure that no
combination of markers is left to no stack: a test can be narrowed to some
stacks by its markers, never dropped from all of them.
"""
import configparser
import itertools
import os

import pytest
from _pytest.mark.expression import Expression

from tests._support import ROOT, table_stacks

pytestmark = [pytest.mark.nobackend]

OPTIONS = {'nobackend', 'doctests', 'theano-suite', 'build-theano'}
BACKENDS = {'theano', 'pytensor', 'aesara'}
#: the markers that choose stacks (slow only leaves tests out of make check)
WHERE = ('core', 'backends', 'compat', 'parity', 'pymc', 'lasagne',
         'tooling')


def _markers():
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(os.path.join(ROOT, 'pytest.ini'))
    lines = parser.get('pytest', 'markers').strip().splitlines()
    return {line.split(':')[0].strip() for line in lines}


def _selects(expression, marks):
    return Expression.compile(expression).evaluate(lambda name: name in marks)


def test_each_row_names_what_exists():
    stacks = table_stacks()
    assert 'theano' in stacks      # .venv: make demo, docs and bench use it
    for name, row in stacks.items():
        assert row['python'] in ('3.11', '3.12', '3.13'), name
        assert row['backend'] in BACKENDS, name
        assert set(row['options']) <= OPTIONS, name
        for requirements in row['requirements']:
            assert os.path.exists(os.path.join(
                ROOT, 'requirements', requirements + '.txt')), (name,
                                                                requirements)


def test_the_expressions_use_declared_markers():
    declared = _markers()
    assert set(WHERE) | {'nobackend', 'slow'} <= declared
    for name, row in table_stacks().items():
        Expression.compile(row['tests'])       # a valid expression
        words = set(row['tests'].replace('(', ' ').replace(')', ' ').split())
        assert words - {'and', 'or', 'not'} <= declared, name


def test_every_combination_of_markers_runs_somewhere():
    stacks = table_stacks()
    once = [n for n, row in stacks.items() if 'nobackend' in row['options']]
    assert once == ['theano']
    for n in range(len(WHERE) + 1):
        for marks in itertools.combinations(WHERE, n):
            if 'parity' in marks and 'compat' not in marks:
                continue       # parity is a kind of compat test
            runs = [name for name, row in stacks.items()
                    if _selects(row['tests'], set(marks))]
            assert runs, marks


def test_core_runs_everywhere_and_the_rest_where_it_can():
    stacks = table_stacks()
    for name, row in stacks.items():
        theano_only = row['backend'] != 'theano'
        assert _selects(row['tests'], {'core'}), name
        assert not (theano_only and _selects(row['tests'], {'lasagne'}))
        assert not (theano_only and _selects(row['tests'], {'compat'}))
        pymc = row['requirements'][0].startswith('theano-pymc')
        assert _selects(row['tests'], {'pymc'}) == pymc, name
        assert not (pymc and _selects(row['tests'], {'compat'})), name
    both = [name for name, row in stacks.items()
            if _selects(row['tests'], {'compat', 'pymc'})]
    assert set(both) == {name for name, row in stacks.items()
                         if row['backend'] == 'theano'}
    primary = [name for name, row in stacks.items()
               if _selects(row['tests'], set())]
    assert set(primary) == {'theano', 'numpy2', 'pytensor', 'aesara'}


def test_backends_run_on_each_family_at_python_311_and_its_newest():
    # Theano 1.0.5 on Python 3.12+ runs core and compat (what compat
    # changes there), Theano-PyMC on numpy 2 core and pymc
    stacks = table_stacks()
    backends = [name for name, row in stacks.items()
                if _selects(row['tests'], {'backends'})]
    assert set(backends) == {'theano', 'numpy2', 'pytensor', 'aesara',
                             'pytensor313', 'theano-pymc', 'aesara312'}


def test_parity_runs_once_per_numpy_version_and_tooling_on_numpy_1():
    stacks = table_stacks()
    parity = [name for name, row in stacks.items()
              if _selects(row['tests'], {'compat', 'parity'})]
    assert set(parity) == {'theano', 'numpy2', 'py313'}
    tooling = [name for name, row in stacks.items()
               if _selects(row['tests'], {'tooling', 'lasagne'})]
    assert tooling == ['theano']
