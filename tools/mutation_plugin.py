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

compat's numpy-2 modules (``_numpy2``, ``_cops``) are the exception: their
patches are made by factories that install() calls, so a worker for one of
their mutants puts that module's patches back and sets them again, now with
the mutant active; and as a patched Op's C code gets Theano's cache key from
its ``c_code_cache_version``, not from the code, the worker gives the
patched Ops a version of their own (:func:`_reinstall`), so that its C code
is compiled, not taken from the cache the clean run filled. (mutmut does not
mutate a function that defines another one: the factories' inner functions
have no mutants; what they call, and the factories without an inner def,
do.)

Tests that start fresh interpreters (compat's, the demo's) hand them the
mutant through the environment, so a mutant is judged there too (they share
the compile cache: a mutant of C code is judged by the in-process tests). While
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


#: modules whose patches install() makes: set again in a worker for one of
#: their mutants
_REINSTALLED = ('lasagne_reg.compat._numpy2', 'lasagne_reg.compat._cops')


def _reinstall(mutant):
    """In a worker for a mutant of a module of :data:`_REINSTALLED`: its
    patches set again under the mutant, with a cache version of the
    mutant's own for the Ops whose C code ``_cops`` patches."""
    import importlib

    from lasagne_reg.compat import _cops, _patch, _patched
    source = importlib.import_module(mutant.rpartition('.')[0])
    _cops._CACHE_TAG = (_cops._CACHE_TAG[0],
                        '%s %s' % (_cops._CACHE_TAG[1], mutant))
    patches = _patched.wanted(source=source)
    _patch.restore(patches)
    _patch.apply(patches)


def pytest_configure(config):
    # mutmut keeps the mode in this process too: only children lose it
    mutant = os.environ.get('MUTANT_UNDER_TEST', '')
    if mutant == 'stats':
        config._mutation_stats = os.environ.pop('MUTANT_UNDER_TEST')
    elif (mutant not in _NO_MUTANT
          and mutant.rpartition('.')[0] in _REINSTALLED):
        _reinstall(mutant)


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
