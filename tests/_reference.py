"""The numpy-1.23.5 results the numpy-2 stacks are compared with (tests/data/).

``make reference-data`` (tools/reference_data.py) computes them on the
theano stack (Python 3.11, Theano 1.0.5, numpy 1.23.5) and writes one JSON
file each; the numpy-2 stacks read them instead of running a numpy-1.23.5
interpreter beside their own. Each file records what made it: the stack,
and a checksum of every file whose content decides its results
(:data:`SOURCES`). tests/test_reference_data.py fails when one of those
changed since (the data is stale: run ``make reference-data``), and the
theano stack recomputes the corpora and compares them with the files, so
the data is also checked to be what numpy 1.23.5 computes.
"""
import hashlib
import json
import os
import platform
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, 'tests', 'data')

#: The pins of the reference stack: they decide every file below.
_STACK = ('requirements/theano.txt', 'requirements/test.txt')

#: data file -> the files whose content decides its results.
SOURCES = {
    'parity_numpy1.json': ('tests/_parity_corpus.py',) + _STACK,
    'cops_numpy1.json': ('tests/_cops_corpus.py',) + _STACK,
    'theano_suite_numpy1.json': (
        'tools/theano_suite/compat_plugin.py', 'tools/theano_suite/pytest.ini',
        'requirements/theano-suite.txt') + _STACK,
}

REGENERATE = 'run "make reference-data" (tools/reference_data.py)'


def checksum(path):
    """The SHA-256 of a file of the checkout (`path` relative to it)."""
    with open(os.path.join(ROOT, path), 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def checksums(name):
    """{source: checksum} of the files that decide the data file `name`."""
    return {path: checksum(path) for path in SOURCES[name]}


def load(name):
    """The record of the data file `name` (a dict)."""
    with open(os.path.join(DATA, name), encoding='utf-8') as f:
        return json.load(f)


def stale(name, record=None):
    """The sources of `name` whose content changed since it was made."""
    record = load(name) if record is None else record
    made = record.get('sources', {})
    return sorted(path for path, digest in checksums(name).items()
                  if made.get(path) != digest)


def write(name, payload):
    """Write the data file `name`: `payload` (a dict) and what made it."""
    import numpy
    record = dict(payload)
    record['made by'] = 'make reference-data (tools/reference_data.py)'
    record['stack'] = {'python': platform.python_version(),
                       'numpy': numpy.__version__,
                       'platform': sys.platform}
    record['sources'] = checksums(name)
    os.makedirs(DATA, exist_ok=True)
    path = os.path.join(DATA, name)
    with open(path + '.tmp', 'w', encoding='utf-8') as f:
        json.dump(record, f, indent=0, sort_keys=True)
        f.write('\n')
    os.replace(path + '.tmp', path)
    return path
