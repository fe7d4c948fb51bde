"""The demo (lasagne_reg.demo): a short real run of every setting.

The networks are trained for real (Theano, Lasagne, scikit-learn's digits),
for a few epochs only; the table, the figure and the regularizers' effects
are checked against numpy computations on the trained weights.
"""
import contextlib
import io
import os
import re
import struct
import sys
import warnings

import numpy as np
import pytest

from lasagne_reg import demo
from lasagne_reg.demo import _cli, _training
from tests._support import run_python

pytestmark = [pytest.mark.lasagne, pytest.mark.tooling]

EPOCHS = 3
# the demo's network: 64 pixels -> HIDDEN_UNITS -> 10 classes
SHAPES = [(64, demo.HIDDEN_UNITS), (demo.HIDDEN_UNITS, 10)]


def _run(argv):
    """main(argv) -> (results, printed text)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        results = demo.main(argv)
    return results, out.getvalue()


@pytest.fixture(scope='module')
def run(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp('demo')
    results, text = _run(['--epochs', str(EPOCHS), '--out', str(out_dir)])
    return {r.setting: r for r in results}, text, out_dir


def _matrices(weights):
    """The flat weight vector back as the network's two weight matrices."""
    sizes = [a * b for a, b in SHAPES]
    assert weights.size == sum(sizes)
    first = weights[:sizes[0]].reshape(SHAPES[0])
    return [first, weights[sizes[0]:].reshape(SHAPES[1])]


def _table_rows(text):
    """setting -> cells of the printed table."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines)
                 if line.split()[:1] == ['setting'])
    rows = {}
    for line in lines[start + 2:]:
        cells = line.split()
        if not cells or cells[0] not in demo.SETTINGS:
            break
        rows[cells[0]] = cells[1:]
    return rows


def test_every_setting_runs_in_order(run):
    results, _, _ = run
    assert list(results) == list(demo.SETTINGS)
    for r in results.values():
        assert len(r.test_curve) == EPOCHS + 1
        assert r.weights.size == sum(a * b for a, b in SHAPES)


def test_table_has_a_row_per_setting_with_its_numbers(run):
    results, text, _ = run
    rows = _table_rows(text)
    assert list(rows) == list(demo.SETTINGS)
    for name, cells in rows.items():
        r = results[name]
        train, test, penalty, norm, zeros, inputs, units = cells
        first, second = _matrices(r.weights)
        assert int(inputs) == np.sum(np.all(first == 0, axis=1))
        assert int(units) == np.sum(np.all(second == 0, axis=1))
        assert train == '%.1f%%' % (100 * r.train_accuracy)
        assert test == '%.1f%%' % (100 * r.test_accuracy)
        assert float(norm) == pytest.approx(
            np.sqrt(np.sum(r.weights.astype(float) ** 2)), abs=0.006)
        assert float(zeros.rstrip('%')) == pytest.approx(
            100 * np.mean(r.weights == 0), abs=0.06)
        has_term = name in ('l2', 'l1', 'l1_l2', 'group_lasso')
        assert (penalty != '-') == has_term


def test_accuracy_is_sensible(run):
    results, _, _ = run
    for r in results.values():
        # ten classes: chance is 10%; a few epochs give far more
        assert r.test_accuracy > 0.8, r
        assert r.train_accuracy > 0.8, r
        assert r.test_curve[-1] == r.test_accuracy


def test_penalty_column_is_the_loss_term_on_the_final_weights(run):
    results, _, _ = run
    s = demo.STRENGTHS
    expected = {
        'l2': lambda ws: s['l2'] * sum((w ** 2).sum() for w in ws),
        'l1': lambda ws: s['l1'] * sum(abs(w).sum() for w in ws),
        'l1_l2': lambda ws: sum(s['l1_l2']['l1'] * abs(w).sum() +
                                s['l1_l2']['l2'] * (w ** 2).sum()
                                for w in ws),
        'group_lasso': lambda ws: s['group_lasso'] * sum(
            np.sqrt((w ** 2).sum(axis=1)).sum() for w in ws),
    }
    for name, formula in expected.items():
        ws = [w.astype(float) for w in _matrices(results[name].weights)]
        assert results[name].penalty == pytest.approx(formula(ws), rel=1e-5)
    for name in ('none', 'decoupled_weight_decay', 'l1_proximal',
                 'max_norm', 'group_lasso_proximal'):
        assert results[name].penalty is None


def test_regularized_weights_are_smaller(run):
    results, _, _ = run
    unregularized = results['none'].weight_norm
    for name, r in results.items():
        if name != 'none':
            assert r.weight_norm < unregularized, (name, r.weight_norm,
                                                   unregularized)


def test_only_the_proximal_step_gives_exact_zeros(run):
    results, _, _ = run
    assert np.sum(results['l1_proximal'].weights == 0) > 0
    # the L1 penalty's (sub)gradient pushes weights towards 0, never onto it
    for name in ('none', 'l2', 'l1', 'l1_l2', 'decoupled_weight_decay',
                 'max_norm'):
        assert np.sum(results[name].weights == 0) == 0, name


def test_max_norm_keeps_every_unit_within_the_limit(run):
    results, _, _ = run
    limit = demo.STRENGTHS['max_norm']
    largest = []
    for W in _matrices(results['max_norm'].weights):
        norms = np.sqrt((W.astype(float) ** 2).sum(axis=0))   # each unit
        assert np.all(norms <= limit * (1 + 1e-12))
        largest.append(norms.max())
    # the constraint acted: a unit is at the limit (unconstrained: over it)
    assert max(largest) == pytest.approx(limit, rel=1e-12)
    unconstrained = [np.sqrt((W.astype(float) ** 2).sum(axis=0)).max()
                     for W in _matrices(results['none'].weights)]
    assert max(unconstrained) > limit


def test_zero_inputs_and_units_are_the_all_zero_rows(run):
    results, _, _ = run
    for r in results.values():
        first, second = _matrices(r.weights)
        assert r.zero_inputs == tuple(np.flatnonzero(np.all(first == 0, 1)))
        assert r.zero_units == tuple(np.flatnonzero(np.all(second == 0, 1)))


def test_group_lasso_proximal_prunes_whole_inputs_and_units(run):
    """The demo's own length: exact zeros come in whole rows only (an
    input's or a hidden unit's outgoing weights), and some rows are 0."""
    results, _, _ = run
    data = demo.load_digits(dtype=results['none'].weights.dtype)
    r = demo.train('group_lasso_proximal', data, epochs=demo.EPOCHS,
                   progress=False)
    first, second = _matrices(r.weights)
    for W, pruned in ((first, r.zero_inputs), (second, r.zero_units)):
        rows = np.all(W == 0, axis=1)
        assert tuple(np.flatnonzero(rows)) == pruned
        np.testing.assert_array_equal(W == 0, np.broadcast_to(
            rows[:, None], W.shape))
    assert len(r.zero_inputs) >= 1 and len(r.zero_units) >= 5
    # the pruned pixels are blank in every training image: their weights
    # got no gradient, and only the proximal step moved them
    X = data[0]
    assert np.all(X[:, list(r.zero_inputs)] == 0)
    assert r.test_accuracy > 0.95


def test_figure_is_a_png_and_its_path_is_printed(run):
    _, text, out_dir = run
    path = os.path.join(str(out_dir), demo.FIGURE)
    assert 'Figure written to %s' % os.path.abspath(path) in text
    with open(path, 'rb') as f:
        data = f.read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    assert len(data) > 10000
    # IHDR: width and height; pHYs: pixels per metre (the dpi)
    width, height = struct.unpack('>II', data[16:24])
    assert width >= 1000 and height >= 1000
    at = data.index(b'pHYs')
    per_metre = struct.unpack('>I', data[at + 4:at + 8])[0]
    assert per_metre * 0.0254 >= 100


def test_input_norms_are_the_first_layers_rows(run):
    results, _, _ = run
    for r in results.values():
        first = _matrices(r.weights)[0].astype(float)
        np.testing.assert_allclose(r.input_norms,
                                   np.sqrt((first ** 2).sum(axis=1)),
                                   rtol=1e-6)


def test_rerun_gives_identical_numbers(run, tmp_path):
    first, text, _ = run
    names = ['none', 'l1_proximal']
    again, text2 = _run(['--epochs', str(EPOCHS), '--out', str(tmp_path),
                         '--settings', ','.join(names)])
    rows, rows2 = _table_rows(text), _table_rows(text2)
    for r in again:
        assert rows2[r.setting] == rows[r.setting]
        np.testing.assert_array_equal(r.weights, first[r.setting].weights)
        np.testing.assert_array_equal(r.test_curve,
                                      first[r.setting].test_curve)


@pytest.mark.slow
def test_runs_as_a_module(tmp_path):
    """python -m lasagne_reg.demo, as make demo runs it."""
    proc = run_python('-m', 'lasagne_reg.demo', '--epochs', '1',
                      '--settings', 'l2', '--out', str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert list(_table_rows(proc.stdout)) == ['l2']
    assert os.path.getsize(str(tmp_path / demo.FIGURE)) > 0
    # every slow phase says so on stderr, then the progress bar
    for phase in ('importing Theano and Lasagne', "loading scikit-learn's",
                  '[1/1] l2: building and compiling', '[1/1] l2: training',
                  'writing the figure'):
        assert phase in proc.stderr, phase
    # not a terminal: each phase ends with a line that gives its time
    assert re.search(r'^\[1/1\] l2: building and compiling its Theano '
                     r'functions: \d+\.\d s$', proc.stderr, re.M)
    assert re.search(r'^writing the figure \(matplotlib\): \d+\.\d s$',
                     proc.stderr, re.M)
    assert '1/1 [' in proc.stderr
    assert proc.stderr.index('compiling') < proc.stderr.index('training') \
        < proc.stderr.index('writing the figure')


@pytest.mark.slow
def test_import_loads_no_backend_and_no_extras():
    code = ('import sys, lasagne_reg.demo; '
            'print(sorted(m for m in ("theano", "lasagne", "matplotlib", '
            '"sklearn", "tqdm") if m in sys.modules))')
    proc = run_python(code=code, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == '[]'


@pytest.mark.nobackend
@pytest.mark.parametrize('argv, message', [
    (['--backend', 'pytensor'], 'theano.tensor.nnet'),
    (['--backend', 'aesara'], 'theano.tensor.nnet'),
    (['--backend', 'jax'], 'invalid choice'),
    (['--settings', 'l2,dropout'], "unknown setting(s) 'dropout'"),
    (['--settings', ','], 'unknown setting'),
    (['--epochs', '0'], 'expected a positive integer'),
    (['--epochs', 'many'], 'expected a positive integer'),
])
def test_bad_options_stop_with_a_clear_message(argv, message, capsys):
    with pytest.raises(SystemExit) as info:
        demo.main(argv)
    assert info.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.nobackend
def test_help_says_which_backend_runs(capsys):
    with pytest.raises(SystemExit) as info:
        demo.main(['--help'])
    assert info.value.code == 0
    text = capsys.readouterr().out
    for word in ('--epochs', '--settings', '--out', '--backend',
                 'theano.tensor.nnet'):
        assert word in text


@pytest.mark.nobackend
def test_train_checks_its_arguments_before_building_anything():
    with pytest.raises(ValueError, match="setting: expected one of none, l2"):
        demo.train('dropout', data=None)
    with pytest.raises(ValueError, match='epochs: expected a non-negative'):
        demo.train('l2', data=None, epochs=-1)
    with pytest.raises(TypeError, match='epochs: expected an int'):
        demo.train('l2', data=None, epochs=2.5)


def test_report_functions_check_results(run, tmp_path):
    results, _, _ = run
    one = results['l2']
    path = str(tmp_path / 'x.png')
    for report in (demo.format_table, lambda r: demo.plot(r, path)):
        with pytest.raises(ValueError, match='results: expected at least one'):
            report([])
        with pytest.raises(TypeError,
                           match=r'results\[1\]: expected a Result'):
            report([one, 'l2'])
        with pytest.raises(TypeError, match='put it in a list'):
            report(one)
        with pytest.raises(TypeError, match='results: expected a list'):
            report(None)
    assert not os.path.exists(path)


def _missing_message(packages, extras):
    """The last line of the demo's error when `packages` are not installed."""
    return ("python -m lasagne_reg.demo: error: the demo needs %s, not "
            "installed in this Python (%s). Install them with: pip install "
            "'lasagne_reg[%s]' (in a clone of the repository, make demo does "
            "this)" % (packages, sys.executable, extras))


@pytest.mark.parametrize('hidden, packages, extras', [
    # only the demo's own extras missing: the demo extra alone
    (('matplotlib', 'tqdm'), 'tqdm, matplotlib', 'demo'),
    # Theano or Lasagne missing, alone or with others: both extras
    (('theano',), 'Theano', 'theano,demo'),
    (('lasagne', 'sklearn'), 'Lasagne, scikit-learn', 'theano,demo'),
])
def test_missing_packages_are_named(hidden, packages, extras, monkeypatch,
                                    capsys):
    import importlib.util
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, 'find_spec', lambda name, *a, **k:
                        None if name in hidden else real(name, *a, **k))
    with pytest.raises(SystemExit) as info:
        demo.main(['--epochs', '1'])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.rstrip('\n').splitlines()[-1] == \
        _missing_message(packages, extras)


def _no_training(monkeypatch):
    """Make any training fail loudly: the checks must come before it."""
    def refuse(*args, **kwargs):
        raise AssertionError('training started before --out was checked')
    monkeypatch.setattr(_cli, '_train', refuse)
    monkeypatch.setattr(_cli, 'load_digits', refuse)


def test_out_that_is_a_file_stops_before_training(tmp_path, monkeypatch,
                                                  capsys):
    _no_training(monkeypatch)
    target = tmp_path / 'taken'
    target.write_text('not a directory')
    with pytest.raises(SystemExit) as info:
        demo.main(['--out', str(target)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert '--out %s: expected a directory for the figure' % target in err
    assert 'give a directory you can write to' in err
    assert target.read_text() == 'not a directory'


def test_out_below_a_file_stops_before_training(tmp_path, monkeypatch,
                                                capsys):
    _no_training(monkeypatch)
    target = tmp_path / 'taken'
    target.write_text('')
    with pytest.raises(SystemExit) as info:
        demo.main(['--out', str(target / 'figures')])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert '--out %s: cannot write the figure there' % (target / 'figures') \
        in err
    assert 'give a directory you can write to' in err


def test_out_whose_figure_path_is_a_directory(tmp_path, monkeypatch, capsys):
    _no_training(monkeypatch)
    (tmp_path / demo.FIGURE).mkdir()
    with pytest.raises(SystemExit) as info:
        demo.main(['--out', str(tmp_path)])
    assert info.value.code == 2
    assert 'is a directory' in capsys.readouterr().err


def test_out_is_created_before_training(tmp_path, monkeypatch):
    _no_training(monkeypatch)
    out = tmp_path / 'new' / 'figures'
    with pytest.raises(AssertionError, match='training started'):
        demo.main(['--out', str(out), '--epochs', '1'])
    assert out.is_dir() and not list(out.iterdir())


@pytest.mark.nobackend
def test_phase_reports_each_slow_step_and_its_time():
    stream = io.StringIO()      # not a terminal: a line at start and at end
    with _training._phase('compiling l2', stream=stream):
        pass
    start, done = stream.getvalue().splitlines()
    assert start == 'compiling l2 ...'
    assert re.fullmatch(r'compiling l2: \d+\.\d s', done)
    with pytest.raises(ZeroDivisionError):
        with _training._phase('failing', stream=stream):
            1 / 0  # noqa: B018
    assert re.fullmatch(r'failing: \d+\.\d s',
                        stream.getvalue().splitlines()[-1])
    quiet = io.StringIO()
    with _training._phase('nothing', enabled=False, stream=quiet):
        pass
    assert quiet.getvalue() == ''


class _Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.nobackend
def test_phase_ticks_on_a_terminal():
    import time
    stream = _Terminal()
    with _training._phase('compiling l1', stream=stream):
        time.sleep(1.3)
    text = stream.getvalue()
    assert text.startswith('compiling l1 ...\rcompiling l1 ... 1 s\r')
    assert re.search(r'\rcompiling l1 \.\.\. 1\.\d s\n$', text)


@pytest.mark.nobackend
def test_table_of_given_results_in_full():
    """format_table on results made here: every cell, formatted exactly."""
    none = demo.Result('none', 0.98765, 0.9, None, np.array([3.0, 4.0, 0.0]),
                       [0.1, 0.9])
    prox = demo.Result('l1_proximal', 0.5, 0.123, 0.00012345,
                       np.array([0.0, 0.0, 0.0, 1.0]), [0.1, 0.123],
                       zero_inputs=[0, 5], zero_units=np.array([3]))
    assert (prox.zero_inputs, prox.zero_units) == ((0, 5), (3,))
    assert none.zero_inputs is None and none.zero_units is None
    assert demo.format_table([none, prox]).split('\n') == [
        'setting      train acc  test acc  penalty  weight norm  zeros  '
        'inputs 0  units 0',
        '-----------  ---------  --------  -------  -----------  -----  '
        '--------  -------',
        'none             98.8%     90.0%        -         5.00  33.3%  '
        '       -        -',
        'l1_proximal      50.0%     12.3%   0.0001         1.00  75.0%  '
        '       2        1']


@pytest.mark.nobackend
def test_table_prints_non_finite_numbers_in_lower_case():
    """nan and inf print in lower case, as Python prints them, in every
    column: a diverged run (nan weights, an inf penalty), accuracies over no
    digits, a share of zeros over no weights."""
    nan, inf = float('nan'), float('inf')
    diverged = demo.Result('l2', nan, nan, inf,
                           np.array([nan, 1.0, 0.0, 0.0]), [nan])
    with warnings.catch_warnings():
        # the mean of no weights: nan, with numpy's warning
        warnings.simplefilter('ignore', RuntimeWarning)
        empty = demo.Result('l1', 1.0, 0.5, nan, np.zeros(0), [0.5])
    assert np.isnan(diverged.weight_norm) and diverged.zero_fraction == 0.5
    assert empty.weight_norm == 0.0 and np.isnan(empty.zero_fraction)
    assert demo.format_table([diverged, empty]).split('\n') == [
        'setting  train acc  test acc  penalty  weight norm  zeros  '
        'inputs 0  units 0',
        '-------  ---------  --------  -------  -----------  -----  '
        '--------  -------',
        'l2            nan%      nan%      inf          nan  50.0%  '
        '       -        -',
        'l1          100.0%     50.0%      nan         0.00   nan%  '
        '       -        -']


@pytest.mark.nobackend
@pytest.mark.parametrize('argv, message', [
    (['--backend', 'pytensor'],
     "--backend pytensor: the demo builds its network from Lasagne's layers, "
     "which need theano.tensor.nnet, and pytensor has no tensor.nnet. Run the "
     "demo on Theano 1.0.5 + Lasagne 0.1 (--backend theano); lasagne_reg's "
     "penalties and update transforms do work on pytensor."),
    (['--settings', 'l2,dropout,,x'],
     "argument --settings: unknown setting(s) 'dropout', 'x'; choose from "
     "none, l2, l1, l1_l2, group_lasso, decoupled_weight_decay, "
     "l1_proximal, max_norm, group_lasso_proximal"),
    (['--settings', ' , '],
     "argument --settings: unknown setting(s) ''; choose from none, l2, l1, "
     "l1_l2, group_lasso, decoupled_weight_decay, l1_proximal, max_norm, "
     "group_lasso_proximal"),
    (['--epochs', '0'],
     "argument --epochs: expected a positive integer, got '0'"),
    (['--epochs', 'many'],
     "argument --epochs: expected a positive integer, got 'many'"),
])
def test_bad_options_messages_in_full(argv, message, capsys):
    with pytest.raises(SystemExit):
        demo.main(argv)
    err = capsys.readouterr().err
    assert err.rstrip('\n').splitlines()[-1] == \
        'python -m lasagne_reg.demo: error: ' + message


@pytest.mark.nobackend
def test_report_functions_messages_in_full():
    one = demo.Result('l2', 1, 1, 0.5, np.ones(2), [1.0])
    for report, error, args, message in (
            (demo.format_table, ValueError, ([],),
             'results: expected at least one Result, got none'),
            (demo.format_table, TypeError, ([one, 'l2'],),
             "results[1]: expected a Result, got 'l2'"),
            (demo.format_table, TypeError, (one,),
             'results: expected a list of lasagne_reg.demo.Result, got one '
             'Result (put it in a list)'),
            (demo.format_table, TypeError, (None,),
             'results: expected a list of lasagne_reg.demo.Result, got '
             'None')):
        with pytest.raises(error) as info:
            report(*args)
        assert str(info.value) == message
