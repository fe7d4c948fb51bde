"""pytest plugin for make mutation (tools/mutation.py): which tests judge a mutant.

mutmut runs, for each mutant, the tests that called the mutated function
while it recorded its statistics. In a worker (``MUTANT_UNDER_TEST`` names a
mutant), this plugin keeps of those only the tests in the files that judge
the mutant's module (``LASAGNE_REG_MUTATION_TESTS``, a JSON map from module
name to test files, written by tools/mutation.py) and orders them file by
file in the map's order, the module's own test file first, and within a
file the tests without a module-scoped fixture (a trained demo, a
virtualenv) first, in source order: the likeliest and cheapest killers run
first (mutmut stops at the first failure) and a module-scoped fixture is
built once. The statistics run and
the clean run (no mutant) keep every test.

The root conftest.py calls ``lasagne_reg.compat.install()`` when it is
imported, at the start of every pytest session, before any test: that is
set-up, not a test. It runs here with no mutant active (and records no
statistics), so a mutant of compat is judged by the tests that call compat
themselves, and mutmut's forced-fail check is not stopped at the conftest.

Tests that start fresh interpreters (compat's, the demo's) hand them the
mutant through the environment, so a mutant is judged there too. While
mutmut records its statistics, though, those interpreters run the original
code: mutmut's recording needs its configuration from the working
directory, which theirs is not (the statistics see only this process).
"""
import json
import os

import pytest

_NO_MUTANT = ('', 'stats', 'fail', 'mutant_generation')


def _files_for(mutant):
    """The test files that judge `mutant`, or None for every file."""
    table = json.loads(os.environ.get('LASAGNE_REG_MUTATION_TESTS', '{}'))
    module = mutant.rpartition('.')[0]
    return table.get(module)


def pytest_configure(config):
    # mutmut keeps the mode in this process too: only children lose it
    if os.environ.get('MUTANT_UNDER_TEST') == 'stats':
        config._mutation_stats = os.environ.pop('MUTANT_UNDER_TEST')


def pytest_unconfigure(config):
    saved = getattr(config, '_mutation_stats', None)
    if saved is not None:
        os.environ['MUTANT_UNDER_TEST'] = saved


@pytest.hookimpl(hookwrapper=True)
def pytest_load_initial_conftests(early_config, parser, args):
    saved = os.environ.get('MUTANT_UNDER_TEST')
    os.environ['MUTANT_UNDER_TEST'] = ''
    try:
        yield
    finally:
        if saved is None:
            del os.environ['MUTANT_UNDER_TEST']
        else:
            os.environ['MUTANT_UNDER_TEST'] = saved


def _shares_setup(item):
    """1 if `item` needs a module- or class-scoped fixture (a trained demo,
    a virtualenv): built once per worker, it is cheaper to try the tests
    that need none first."""
    info = getattr(item, '_fixtureinfo', None)
    defs = getattr(info, 'name2fixturedefs', {}) or {}
    return int(any(d.scope in ('module', 'class', 'package')
                   for fixturedefs in defs.values() for d in fixturedefs))


def pytest_collection_modifyitems(session, config, items):
    mutant = os.environ.get('MUTANT_UNDER_TEST', '')
    if mutant in _NO_MUTANT:
        return
    files = _files_for(mutant)
    if files is None:
        return
    rank = {path: i for i, path in enumerate(files)}
    kept, dropped = [], []
    for item in items:
        path = item.nodeid.split('::')[0]
        (kept if path in rank else dropped).append(item)
    kept.sort(key=lambda item: (rank[item.nodeid.split('::')[0]],
                                _shares_setup(item), item.location[1] or 0))
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = kept
