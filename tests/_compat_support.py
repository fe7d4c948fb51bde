"""Helpers shared by the compat tests (tests/test_compat*.py)."""
import importlib.machinery
import json
import os
import subprocess
import sys
import textwrap

import numpy as np

from lasagne_reg.compat import _flags, _shims

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NP2 = list(_flags.NUMPY2_CXXFLAGS)
NO_BLAS = 'no optimized BLAS is installed (pip install scipy-openblas32)'


def run_python(code, env_update=None, python=sys.executable, check=True):
    """Run `code` in a fresh interpreter; return its last stdout line as JSON."""
    out = run(python, ['-c', textwrap.dedent(code)], env_update)
    if check:
        assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(python, args, env_update=None, cwd=ROOT):
    env = dict(os.environ)
    env.pop('LASAGNE_REG_BACKEND', None)
    env['PYTHONPATH'] = ROOT
    env.update(env_update or {})
    return subprocess.run([python] + list(args), env=env, cwd=cwd,
                          capture_output=True, text=True)


def cache_flags():
    """The compile-cache flag make test sets, for fresh interpreters."""
    return ','.join(item for item in os.environ.get('THEANO_FLAGS', '')
                    .split(',') if item.startswith('base_compiledir='))


def fresh_finders(monkeypatch):
    """New finders of both kinds in place of the ones on sys.meta_path."""
    fresh = {_shims.CompatFinder: _shims.CompatFinder(),
             _shims.RefusingFinder: _shims.RefusingFinder()}
    monkeypatch.setattr(_shims, 'finder',
                        lambda kind=_shims.CompatFinder: fresh[kind])
    return fresh


def linalg_served():
    """['numpy.linalg.linalg'] where this numpy lacks it (2.4 and later)."""
    found = importlib.machinery.PathFinder.find_spec(
        'numpy.linalg.linalg', list(np.linalg.__path__))
    return [] if found is not None else ['numpy.linalg.linalg']
