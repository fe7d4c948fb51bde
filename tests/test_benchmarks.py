"""The benchmarks keep working: their --smoke runs, output format, CSV, plot.

The benchmarks are tools, not tests: nothing here asserts on a time. These
tests run ``--smoke`` (tiny networks; for run.py and kernels.py the py mode
of the backend under test) in a subprocess of this virtualenv and check what
a reader gets from it: every figure a median of paired ratios with its
spread and its number of pairs.
"""
import csv
import importlib.util
import os
import re
import textwrap

import pytest

from tests._support import BACKEND, run_python

pytestmark = [pytest.mark.slow, pytest.mark.tooling]

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, 'benchmarks', 'run.py')
COLUMNS = ['backend', 'mode', 'network', 'layers', 'floats', 'measure',
           'ours_s', 'against', 'against_s', 'ratio', 'ratio_p10',
           'ratio_p90', 'pairs', 'note']
# a median of paired ratios: "1.02 (0.97-1.08, 30 pairs)" or "0.83 (1 pair)"
RATIO = (r'(?P<ratio>\d+\.\d\d)'
         r' \((?:(?P<low>\d+\.\d\d)-(?P<high>\d+\.\d\d), )?'
         r'(?P<pairs>\d+) pairs?\)')
LINE = re.compile(r'^(?P<mode>\w+/\w+)\s+(?P<network>dense x\d+|large \S+)\s+'
                  r'(?P<measure>build|compile-cold|compile-warm|run|'
                  r'run \(limit\))\s+ours\s+(?P<ours>\S+)\s+'
                  r'(?P<against>reference|limit)\s+(?P<theirs>\S+)\s+'
                  r'(?P<note>.*?)ours/(?P=against)=(?:n/a|' + RATIO + ')$')
PNG_MAGIC = b'\x89PNG\r\n\x1a\n'


def _run(args, code=None):
    if code is not None:
        return run_python(*args, code=code)
    return run_python(SCRIPT, *args)


@pytest.fixture(scope='module')
def smoke(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp('bench')
    out = _run(['--smoke', '--modes', BACKEND + '/py', '--out', str(out_dir)])
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-3000:]
    return out.stdout, out_dir


def _measurements(stdout):
    return [line for line in stdout.splitlines()
            if ' ours/reference=' in line or ' ours/limit=' in line]


def test_every_measurement_line_ends_in_a_ratio(smoke):
    stdout, _ = smoke
    lines = _measurements(stdout)
    # 2 stacks and 1 large network, 5 lines each
    assert len(lines) == 15, stdout
    for line in lines:
        match = LINE.match(line)
        assert match, line
        assert match.group('mode') == BACKEND + '/py'
        if match.group('ratio') is None:
            assert match.group('note').startswith('reference failed: '), line
        else:
            assert float(match.group('ratio')) > 0
            pairs = int(match.group('pairs'))
            # cold compiles: one pair of processes; the rest: interleaved
            assert pairs == (1 if match.group('measure') == 'compile-cold'
                             else 2 if match.group('measure') in (
                                 'build', 'compile-warm') else 3), line
            if pairs > 1:
                assert (float(match.group('low')) <= float(
                    match.group('ratio')) <= float(match.group('high')))
        assert 'ours failed' not in line


def test_each_network_gets_every_measure(smoke):
    stdout, _ = smoke
    seen = {}
    for line in _measurements(stdout):
        match = LINE.match(line)
        seen.setdefault(match.group('network'), []).append(
            match.group('measure'))
    assert sorted(seen) == ['dense x2', 'dense x40', 'large 10k']
    for measures in seen.values():
        assert measures == ['build', 'compile-cold', 'compile-warm', 'run',
                            'run (limit)']


def test_the_reference_failure_is_reported_not_raised(smoke):
    # the reference's sum of 40 terms is one Elemwise of 40 inputs, which
    # the pure-Python linker cannot run: a failure of the reference's, in
    # its cells, while ours has numbers everywhere
    stdout, _ = smoke
    deep = [LINE.match(line) for line in _measurements(stdout)
            if ' dense x40 ' in line]
    failed = [m for m in deep if m.group('against') == 'reference'
              and m.group('ratio') is None]
    assert [m.group('measure') for m in failed] == [
        'compile-cold', 'compile-warm', 'run']
    assert all(m.group('ours') != '-' for m in deep)


def test_csv_mirrors_the_lines(smoke):
    stdout, out_dir = smoke
    with open(os.path.join(out_dir, 'results.csv'), newline='') as f:
        reader = csv.DictReader(f)
        rows = list(reader)
    assert reader.fieldnames == COLUMNS
    lines = _measurements(stdout)
    assert len(rows) == len(lines)
    for row, line in zip(rows, lines):
        assert float(row['ours_s']) > 0
        match = LINE.match(line)
        assert row['backend'] == BACKEND and row['mode'] == 'py'
        if row['ratio'] != 'n/a':
            assert float(row['against_s']) > 0
            # the line rounds to 2 decimals, the CSV to 6 digits (one
            # decimal for a ratio of 10000 or more: the limit in py mode)
            assert float(row['ratio']) == pytest.approx(
                float(match.group('ratio')), abs=0.006, rel=1e-5)
            assert int(row['pairs']) == int(match.group('pairs'))
            assert float(row['ratio_p10']) <= float(row['ratio_p90'])
        else:
            assert match.group('ratio') is None
    floats = {row['network']: int(row['floats']) for row in rows}
    assert floats == {'dense x2': 2 * 4 * 4, 'dense x40': 40 * 4 * 4,
                      'large 10k': 4 * 50 * 50}


def test_plot_is_a_png_where_matplotlib_is_installed(smoke):
    stdout, out_dir = smoke
    path = os.path.join(out_dir, 'results.png')
    if importlib.util.find_spec('matplotlib') is None:
        # the PyTensor and Aesara virtualenvs have no matplotlib
        assert 'no plot: matplotlib is not installed' in stdout
        assert not os.path.exists(path)
        return
    with open(path, 'rb') as f:
        head = f.read(8)
    assert head == PNG_MAGIC
    assert os.path.getsize(path) > 10000


def test_without_matplotlib_it_says_so_and_writes_the_csv(tmp_path):
    # matplotlib made unimportable in the driver (the workers never use it)
    code = textwrap.dedent('''
        import runpy, sys
        sys.modules['matplotlib'] = None
        sys.argv = [%r] + sys.argv[1:]
        runpy.run_path(sys.argv[0], run_name='__main__')
    ''' % SCRIPT)
    out = _run(['--smoke', '--modes', BACKEND + '/py', '--sizes', '2',
                '--large', '--out', str(tmp_path)], code=code)
    assert out.returncode == 0, out.stderr[-3000:]
    lines = out.stdout.splitlines()
    first = lines.index(_measurements(out.stdout)[0])
    assert any('matplotlib is not installed' in line
               for line in lines[:first]), out.stdout
    assert 'no plot: matplotlib is not installed' in out.stdout
    assert len(_measurements(out.stdout)) == 5
    assert os.path.exists(os.path.join(tmp_path, 'results.csv'))
    assert not os.path.exists(os.path.join(tmp_path, 'results.png'))


def test_unknown_mode_is_refused():
    out = _run(['--smoke', '--modes', 'theano/gpu'])
    assert out.returncode == 2
    assert 'invalid choice' in out.stderr


# -- the other benchmarks: step.py, kernels.py, compile.py -------------------

BENCH = os.path.join(ROOT, 'benchmarks')
PAIRED = re.compile(RATIO)


def _script(name, args):
    return run_python(os.path.join(BENCH, name), *args)


@pytest.mark.lasagne
def test_step_prints_every_ratio_with_its_spread():
    out = _script('step.py', ['--smoke'])
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-3000:]
    lines = out.stdout.splitlines()
    assert any(line.startswith('theano BLAS: ') for line in lines[:5])
    for net in ('mlp', 'deep'):
        start = [i for i, line in enumerate(lines)
                 if line.startswith(net + ': ')]
        assert len(start) == 1, out.stdout
        block = lines[start[0]:start[0] + 14]
        ratios = {}
        for line in block:
            name, _, rest = line.strip().partition(' ')
            match = PAIRED.fullmatch(rest.strip())
            if '/' in name and match:
                ratios[name] = match
        assert sorted(ratios) == sorted(
            ['ours/none', 'ours/lasagne', 'ours/ideal', 'none/numpy',
             'ours/numpy', 'ideal/numpy'])
        assert all(int(m.group('pairs')) == 3 for m in ratios.values())
        # the three formulations give the float64 value
        pen = [line for line in block if 'penalty coef*l2' in line][0]
        values = [float(v) for v in re.findall(r' ([\d.e+-]+)(?:,|$)', pen)]
        assert len(values) == 3 and max(values) == pytest.approx(
            min(values), rel=1e-5)


def test_kernels_prints_ratios_to_the_fastest_read_and_errors():
    out = _script('kernels.py', ['--smoke', '--modes', BACKEND + '/py'])
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-3000:]
    lines = out.stdout.splitlines()
    rows = [line for line in lines
            if line.startswith(BACKEND + '/py ') and 'rel.err' in line]
    names = [line[16:31].strip() for line in rows]
    reads = [n for n in names if 'read: ' in rows[names.index(n)]]
    # numpy.vdot always; the BLAS's dot where scipy-openblas32 is
    # installed; one thread per CPU where there are several
    want = ['numpy.vdot']
    if importlib.util.find_spec('scipy_openblas32') is not None:
        want.append('blas sdot')
    cpus = len(os.sched_getaffinity(0))
    if cpus > 1:
        want.append('threads x%d' % cpus)
    assert reads == want, out.stdout
    assert names[len(reads):] == ['ours l2', 'lasagne l2', 'dot l2',
                                  'ours l2 (x.T)', 'ours l1', 'lasagne l1',
                                  'one element']
    winners = [line for line in lines if line.endswith('<- the limit')]
    assert len(winners) == 1, out.stdout
    winner = winners[0][16:31].strip()
    limit = [line for line in lines
             if line.startswith(BACKEND + '/py ') and ' limit: ' in line]
    assert len(limit) == 1 and limit[0].split(' limit: ')[1].startswith(
        winner + ' ('), out.stdout
    for line in rows[:-1]:
        error = float(line.split('rel.err ')[1].split()[0])
        assert error < 1e-5, line
    assert 'rel.err nan ' in rows[-1]     # x[0, 0] is not a penalty
    for line in rows[len(reads):]:
        ratio = line.split('/limit=')[1].split('  ')[0]
        assert PAIRED.fullmatch(ratio), line


THREAD_MODE = {'theano': 'theano/c', 'aesara': 'aesara/c',
               'pytensor': 'pytensor/numba'}[BACKEND]


def test_threads_prints_a_ratio_and_the_same_bits_per_kernel():
    from lasagne_reg._kernels import _onepass
    size = _onepass.PARALLEL_MIN + 7        # above the threshold
    out = _script('threads.py', ['--mode', THREAD_MODE, '--sizes', str(size),
                                 '--rounds', '3', '--min-time', '0.001',
                                 '--max-time', '5'])
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-3000:]
    rows = [line for line in out.stdout.splitlines() if ' n=' in line]
    assert [row.split()[0] for row in rows] == ['l2', 'l1'], out.stdout
    for row in rows:
        assert ' n=%9d ' % size in row, row
        assert PAIRED.fullmatch(row.split(' 2/1=')[1].split('  ')[0]), row
        assert row.endswith('same bits: True'), row


def test_compile_fits_an_exponent():
    out = _script('compile.py', ['--smoke', '--modes', BACKEND + '/py'])
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-3000:]
    lines = out.stdout.splitlines()
    sizes = [line for line in lines if re.match(r'^\S+/py\s+\d+ ', line)]
    assert [int(line.split()[1]) for line in sizes] == [4, 8]
    for line in sizes:
        assert PAIRED.search(line.split('ours/upd=')[1]), line
    fit = [line for line in lines if re.match(r'^\S+/py\s+n\^k ', line)]
    assert len(fit) == 1



if BACKEND == 'pytensor':     # JAX is pinned in .venv-pytensor only
    def test_jax_device_prints_ratios_to_the_device_vdot():
        out = _script('jax_device.py', ['--smoke'])
        assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-3000:]
        lines = [line for line in out.stdout.splitlines()
                 if re.match(r'(device|function) +(ours|lasagne) ', line)]
        assert [line.split()[:3] for line in lines] == [
            [row, who, kind] for row in ('device', 'function')
            for kind in ('l2', 'l1') for who in ('ours', 'lasagne')]
        for line in lines:
            # ratio to the device's vdot; ours also ratio to Lasagne's
            assert len(PAIRED.findall(line)) == (
                2 if ' ours ' in line else 1), line
            assert float(line.split()[4]) < 1e-5, line   # rel. error
        assert re.search(r'device vdot: .* GB/s read', out.stdout)


def test_startup_smoke_prints_a_paired_ratio_and_imports_nothing():
    out = _script('startup.py', ['--smoke'])
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-3000:]
    assert re.search(r'enabled/disabled=' + RATIO, out.stdout), out.stdout
    assert re.search(r'the hook module: \d+ us', out.stdout), out.stdout
    # a process that never imports a backend gets none at start-up
    assert 'with compat enabled: []' in out.stdout
