"""Helpers shared by the tests (not fixtures): duck-typed layers, numpy
references, fresh interpreters."""
import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import numpy as np

BACKEND = os.environ.get('LASAGNE_REG_TEST_BACKEND', 'theano')
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _load_networks():
    """benchmarks/_networks.py: the one definition of duck-typed layers."""
    spec = importlib.util.spec_from_file_location(
        'lasagne_reg_bench_networks',
        os.path.join(ROOT, 'benchmarks', '_networks.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: A layer that follows Lasagne's protocol without being a Lasagne Layer:
#: ``DuckLayer(incoming, params=[(param, tags), ...], name=None)``.
DuckLayer = _load_networks().DuckLayer


def run_python(*args, code=None, env=None, python=None, cwd=ROOT,
               timeout=600):
    """Run a fresh Python interpreter to the end.

    Parameters
    ----------
    *args : str
        What follows the interpreter on its command line: a script and its
        arguments, or ``'-m', module, ...``; with `code`, its ``sys.argv[1:]``.
    code : str, optional
        Source to run with ``-c`` (dedented first).
    env : dict, optional
        Variables set (or, given None, removed) on top of this process's
        environment, which the child gets without ``LASAGNE_REG_BACKEND``
        (so it finds its backend as a user's script would) and with this
        checkout first on ``PYTHONPATH``.
    python : str, optional
        The interpreter (default: this one, ``sys.executable``).
    cwd : str
        Its working directory (default: the checkout's root).
    timeout : float
        Seconds before it is killed (``subprocess.TimeoutExpired``).

    Returns
    -------
    subprocess.CompletedProcess
        With ``returncode``, and ``stdout`` and ``stderr`` as text.
    """
    child = dict(os.environ)
    child.pop('LASAGNE_REG_BACKEND', None)
    child['PYTHONPATH'] = os.pathsep.join(
        [ROOT] + [p for p in child.get('PYTHONPATH', '').split(os.pathsep)
                  if p])
    for name, value in (env or {}).items():
        if value is None:
            child.pop(name, None)
        else:
            child[name] = value
    cmd = [python or sys.executable]
    if code is not None:
        cmd += ['-c', textwrap.dedent(code)]
    return subprocess.run(cmd + list(args), env=child, cwd=str(cwd),
                          capture_output=True, text=True, timeout=timeout)


def last_json(out):
    """The last stdout line of a finished `run_python`, as JSON; the child
    must have exited 0 (else its stderr's tail is the assertion message)."""
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def lasagne_mlp(L, sizes=(6, 5, 4, 3), dtype=None, seed=0):
    """A real Lasagne MLP: InputLayer then one DenseLayer per size."""
    import lasagne
    lasagne.random.set_rng(np.random.RandomState(seed))
    layer = L.InputLayer((None, sizes[0]))
    for n in sizes[1:]:
        layer = L.DenseLayer(layer, num_units=n)
    if dtype is not None:
        for p in L.get_all_params(layer):
            p.set_value(p.get_value().astype(dtype))
    return layer


class Recorder:
    """A penalty that records the tensors it is called on and returns 0
    (Lasagne's own tests use a Mock)."""

    def __init__(self):
        self.calls = []

    def __call__(self, x):
        self.calls.append(x)
        return 0


def values(params):
    """Current numpy values of shared variables."""
    return [p.get_value() for p in params]


def np_l1(arrays):
    return sum(np.abs(np.asarray(a, dtype=np.float64)).sum() for a in arrays)


def np_l2(arrays):
    return sum((np.asarray(a, dtype=np.float64) ** 2).sum() for a in arrays)


def fresh_env(directory, inherit=True):
    """A new virtualenv in `directory`, for tests that write site-packages.

    With `inherit`, its site-packages sees this interpreter's packages (and
    so lasagne_reg) through a .pth file, as a user's environment would.
    Returns a namespace with ``python`` (its interpreter) and ``site`` (its
    site-packages, a pathlib.Path).
    """
    import pathlib
    import sysconfig
    subprocess.run([sys.executable, '-m', 'venv', '--without-pip',
                    directory], check=True)
    python = os.path.join(directory, 'bin', 'python')
    out = run_python(code='import sysconfig; '
                     'print(sysconfig.get_paths()["purelib"])', python=python)
    assert out.returncode == 0, out.stderr
    site = pathlib.Path(out.stdout.strip())
    if inherit:
        (site / '_base_env.pth').write_text(
            'import site; site.addsitedir(%r)\n'
            % sysconfig.get_paths()['purelib'])
    import types
    return types.SimpleNamespace(python=python, site=site)


#: The columns of a row of the Makefile's stack table.
TABLE_COLUMNS = ('python', 'requirements', 'backend', 'tests', 'options',
                 'flags')


def table_stacks():
    """The Makefile's stack table: {name: {column: text}} in its order
    (:data:`TABLE_COLUMNS`; requirements and options as lists of words)."""
    rows = {}
    with open(os.path.join(ROOT, 'Makefile')) as f:
        for line in f:
            if not line.startswith('$(call row,'):
                continue
            fields = [cell.strip() for cell in
                      line.strip()[len('$(call row,'):-1].split(',')]
            assert len(fields) == 1 + len(TABLE_COLUMNS), line
            row = dict(zip(TABLE_COLUMNS, fields[1:]))
            for column in ('requirements', 'options'):
                row[column] = row[column].split()
            rows[fields[0]] = row
    return rows
