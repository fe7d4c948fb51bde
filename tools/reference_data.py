#!/usr/bin/env python3
"""make reference-data: numpy 1.23.5's results, written to tests/data/.

Run in the theano stack's virtualenv (.venv: Python 3.11, Theano 1.0.5,
numpy 1.23.5), which ``make reference-data`` does. It writes:

* ``parity_numpy1.json``: every output of tests/_parity_corpus.py (dtypes
  and bytes), which tests/test_compat_numpy2.py compares each numpy-2 stack
  with, and the outputs of its measured cases run alone, which the theano
  stack compares its own run of them with;
* ``cops_numpy1.json``: every output of tests/_cops_corpus.py, for
  tests/test_compat_cops.py;
* ``theano_suite_numpy1.json``: the outcome of each of Theano's own tests in
  the quick subset (tools/theano_suite.py's QUICK), which the numpy-2
  stacks' runs of that subset must not lose.

Each corpus runs in a fresh interpreter, as the tests run theirs (Theano
caches constants process-wide). tests/_reference.py says what each file
records besides its results, and tests/test_reference_data.py when it is
stale. Usage::

    python tools/reference_data.py [--only parity|cops|theano-suite ...]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, 'tools'))

import theano_suite  # noqa: E402  (tools/theano_suite.py)

from tests import _reference  # noqa: E402

REFERENCE_NUMPY = '1.23.5'


def _corpus(*args):
    """The JSON record a corpus script prints last, run in a fresh
    interpreter of this virtualenv."""
    env = dict(os.environ, PYTHONPATH=ROOT)
    env.pop('LASAGNE_REG_BACKEND', None)
    proc = subprocess.run([sys.executable] + list(args), cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit('%s failed:\n%s' % (' '.join(args), proc.stderr[-3000:]))
    record = json.loads(proc.stdout.strip().splitlines()[-1])
    assert record['numpy'] == REFERENCE_NUMPY, record['numpy']
    return record


def parity():
    """The whole corpus, and its measured cases alone (``--only``), each
    in its own interpreter (results depend on what ran before)."""
    from tests import _parity_corpus
    script = os.path.join('tests', '_parity_corpus.py')
    return {'results': _corpus(script)['results'],
            'measured': _corpus(script, '--only',
                                *_parity_corpus.MEASURED)['results']}


def cops():
    record = _corpus('-m', 'tests._cops_corpus')
    return {'results': record['results']}


def suite():
    """{spec: {test id: outcome}} of the quick subset on this stack."""
    results = tempfile.mkdtemp(prefix='theano-suite-reference-')
    found = {}
    for spec in theano_suite.QUICK:
        seconds, cpu, code = theano_suite.run_module(
            theano_suite.REFERENCE, spec, results, timeout=3600)
        print('  %-70s %5.0f s (pytest exit %s)' % (spec, seconds, code),
              flush=True)
        outcomes = theano_suite.outcomes(
            theano_suite._xml_path(results, theano_suite.REFERENCE, spec),
            theano_suite._split(spec)[0])
        if not outcomes:
            sys.exit('%s: no result (see %s)' % (spec, results))
        found[spec] = outcomes
    return {'quick': list(theano_suite.QUICK), 'outcomes': found}


MAKERS = {
    'parity': ('parity_numpy1.json', parity),
    'cops': ('cops_numpy1.json', cops),
    'theano-suite': ('theano_suite_numpy1.json', suite),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--only', nargs='+', choices=sorted(MAKERS),
                        help='recompute only these (default: all)')
    args = parser.parse_args(argv)
    import numpy
    if numpy.__version__ != REFERENCE_NUMPY:
        sys.exit('tools/reference_data.py runs on the theano stack (numpy '
                 '%s), not numpy %s: use "make reference-data"'
                 % (REFERENCE_NUMPY, numpy.__version__))
    for key in args.only or sorted(MAKERS):
        name, make = MAKERS[key]
        print('%s ...' % name, flush=True)
        path = _reference.write(name, make())
        print('wrote %s' % os.path.relpath(path, ROOT), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
