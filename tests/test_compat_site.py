"""lasagne_reg.compat._site and _hook: the hook files in a directory, then
enable / disable / status end to end, in a virtualenv of their own
(tests/_support.fresh_env), whose site-packages they write to."""
import importlib.util
import os

import pytest

from lasagne_reg.compat import _site
from tests._compat_support import cache_flags
from tests._support import fresh_env, last_json, run_python

pytestmark = []     # mixed: each test says where it runs

# -- the hook files ------------------------------------------------------------

@pytest.mark.nobackend
def test_state_tells_enabled_stale_and_disabled_apart(tmp_path):
    site = str(tmp_path)
    assert _site.state(site) == 'disabled'
    assert _site.enable(site) is True
    assert _site.state(site) == 'enabled'
    assert _site.enable(site) is False
    hook = tmp_path / '_lasagne_reg_compat.py'
    hook.write_text(hook.read_text() + '# older\n')
    assert _site.state(site) == 'stale'
    assert _site.enable(site) is True        # refreshed
    assert _site.state(site) == 'enabled'
    (tmp_path / 'lasagne_reg_compat.pth').unlink()
    assert _site.state(site) == 'stale'      # half of it left
    assert _site.disable(site) is True
    assert _site.state(site) == 'disabled'
    assert _site.disable(site) is False


@pytest.mark.nobackend
def test_enable_writes_bytecode_and_disable_removes_only_the_hooks(tmp_path):
    site = str(tmp_path)
    cache = tmp_path / '__pycache__'
    cache.mkdir()
    (cache / 'unrelated.cpython-311.pyc').write_bytes(b'x')
    _site.enable(site)
    pyc = importlib.util.cache_from_source(
        str(tmp_path / '_lasagne_reg_compat.py'))
    assert os.path.isfile(pyc)
    with open(pyc, 'rb') as f:
        assert f.read(4) == importlib.util.MAGIC_NUMBER
    _site.disable(site)
    assert [p.name for p in cache.iterdir()] == ['unrelated.cpython-311.pyc']


@pytest.mark.nobackend
def test_bytecode_that_cannot_be_written_is_not_an_error(tmp_path):
    (tmp_path / '__pycache__').write_text('a file where the folder goes')
    assert _site.enable(str(tmp_path)) is True
    assert _site.state(str(tmp_path)) == 'enabled'
    assert _site.disable(str(tmp_path)) is True



# -- enable / disable / status, in a virtualenv of their own ---------------

SEED_SCRIPT = '''
# the shape of Lasagne's own examples/mnist.py (build_cnn, dropout,
# Nesterov momentum), on random data; only the regularization import differs
import numpy as np
import theano
import theano.tensor as T
import lasagne
from lasagne.layers import (InputLayer, Conv2DLayer, MaxPool2DLayer,
                            DenseLayer, DropoutLayer, get_output,
                            get_all_params)
from lasagne_reg.regularization import regularize_network_params, l2

net = InputLayer((None, 1, 12, 12))
net = MaxPool2DLayer(Conv2DLayer(net, 4, 3), 2)
net = DenseLayer(DropoutLayer(net, p=.5), 30)
net = DenseLayer(DropoutLayer(net, p=.5), 10,
                 nonlinearity=lasagne.nonlinearities.softmax)
x, y = T.tensor4('x'), T.ivector('y')
loss = lasagne.objectives.categorical_crossentropy(get_output(net, x), y)
loss = loss.mean() + 1e-4 * regularize_network_params(net, l2)
params = get_all_params(net, trainable=True)
updates = lasagne.updates.nesterov_momentum(loss, params, 0.05, 0.9)
train = theano.function([x, y], loss, updates=updates)
test_out = get_output(net, x, deterministic=True)
accuracy = theano.function(
    [x, y], T.mean(T.eq(T.argmax(test_out, axis=1), y)))
rng = np.random.RandomState(0)
data = rng.rand(32, 1, 12, 12).astype(theano.config.floatX)
target = rng.randint(0, 10, 32).astype('int32')
losses = [float(train(data, target)) for _ in range(30)]
assert losses[-1] < losses[0], losses
print('losses', losses[0], losses[-1], 'accuracy', accuracy(data, target))
print('blas', theano.config.blas.ldflags)
'''


@pytest.fixture(scope='module')
def env(tmp_path_factory):
    """A virtualenv of its own that sees this one's packages."""
    return fresh_env(str(tmp_path_factory.mktemp('env')))


def compat_cli(env, *args):
    return run_python('-m', 'lasagne_reg.compat', *args, python=env.python,
                      env={'THEANO_FLAGS': cache_flags()})


@pytest.mark.slow
@pytest.mark.compat
@pytest.mark.lasagne
def test_enable_then_an_unchanged_script_runs_and_disable_undoes_it(
        env, tmp_path):
    script = tmp_path / 'train.py'
    script.write_text(SEED_SCRIPT)
    first = compat_cli(env, 'enable')
    assert first.returncode == 0 and 'enabled in' in first.stdout
    assert _site.state(env.site) == 'enabled'
    files = {n: (env.site / n).read_bytes() for n in
             ('lasagne_reg_compat.pth', '_lasagne_reg_compat.py')}
    mtimes = {n: (env.site / n).stat().st_mtime_ns for n in files}
    again = compat_cli(env, 'enable')    # idempotent
    assert again.returncode == 0 and 'already enabled' in again.stdout
    assert {n: (env.site / n).read_bytes() for n in files} == files
    assert {n: (env.site / n).stat().st_mtime_ns for n in files} == mtimes
    # its bytecode is written too: start-up reads it, even where Python
    # itself writes none (PYTHONDONTWRITEBYTECODE)
    assert list(env.site.glob('__pycache__/_lasagne_reg_compat.*.pyc'))

    out = run_python(str(script), python=env.python, cwd=str(tmp_path),
                     env={'THEANO_FLAGS': cache_flags()})
    assert out.returncode == 0, out.stderr[-3000:]
    assert 'scipy_openblas' in out.stdout
    assert 'NumPy C-API based implementation' not in out.stderr

    off = compat_cli(env, 'disable')
    assert off.returncode == 0 and 'disabled' in off.stdout
    assert not any((env.site / n).exists() for n in files)
    assert not list(env.site.glob('__pycache__/_lasagne_reg_compat.*'))
    assert compat_cli(env, 'disable').stdout.strip().startswith(
        'lasagne_reg compat was not enabled')
    # the compat measures are gone: no hook, and Theano fails as shipped
    gone = run_python(python=env.python, cwd=str(tmp_path), code='''
        import sys
        assert not any(type(f).__name__ == 'LasagneRegCompatHook'
                       for f in sys.meta_path)
        import theano
    ''', env={'THEANO_FLAGS': cache_flags()})
    assert gone.returncode != 0
    assert 'Error' in gone.stderr.strip().splitlines()[-1]


@pytest.mark.slow
@pytest.mark.compat
@pytest.mark.lasagne
def test_enabled_hook_costs_a_process_without_theano_nothing(env):
    compat_cli(env, 'enable')
    try:
        probe = '''
            import json, sys
            print(json.dumps({
                'hook': [type(f).__name__ for f in sys.meta_path
                         if 'LasagneReg' in type(f).__name__],
                'numpy': 'numpy' in sys.modules,
                'lasagne_reg': 'lasagne_reg' in sys.modules,
                'flags': __import__('os').environ.get('THEANO_FLAGS')}))
        '''
        on = last_json(run_python(code=probe, python=env.python,
                                  env={'THEANO_FLAGS': 'floatX=float32'}))
        assert on == {'hook': ['LasagneRegCompatHook'], 'numpy': False,
                      'lasagne_reg': False, 'flags': 'floatX=float32'}
        off = last_json(run_python(code=probe, python=env.python,
                                   env={'LASAGNE_REG_COMPAT': '0'}))
        assert off['hook'] == []
    finally:
        compat_cli(env, 'disable')


@pytest.mark.slow
@pytest.mark.compat
@pytest.mark.lasagne
def test_status_says_what_is_there_and_exits_by_the_import(env, monkeypatch):
    # one BLAS thread: no advice for a busy machine, whatever the load here
    monkeypatch.setenv('OPENBLAS_NUM_THREADS', '1')
    compat_cli(env, 'disable')
    off = compat_cli(env, 'status')
    assert off.returncode == 1, off.stdout + off.stderr
    assert 'not enabled' in off.stdout
    assert 'FAILS' in off.stdout and 'with compat: imports' in off.stdout
    assert 'python -m lasagne_reg.compat enable' in off.stdout
    compat_cli(env, 'enable')
    try:
        on = compat_cli(env, 'status')
        assert on.returncode == 0, on.stdout + on.stderr
        for word in ('numpy', 'Theano', '1.0.5', 'Lasagne', 'enabled',
                     'C++ compiler', 'OpenBLAS', 'scipy-openblas32',
                     'theano and lasagne import', 'Nothing to do',
                     'BLAS threads  1 (OPENBLAS_NUM_THREADS=1); load '):
            assert word in on.stdout, (word, on.stdout)
        # files from another version are told apart, and enable refreshes
        hook = env.site / '_lasagne_reg_compat.py'
        hook.write_text(hook.read_text() + '\n# edited\n')
        stale = compat_cli(env, 'status', '--no-import-check')
        assert 'another lasagne_reg version' in stale.stdout
        assert 'refresh' in stale.stdout
        assert compat_cli(env, 'enable').returncode == 0
        assert _site.state(env.site) == 'enabled'
    finally:
        compat_cli(env, 'disable')


@pytest.mark.slow
@pytest.mark.compat
def test_status_without_a_compiler_or_blas_says_what_to_do(tmp_path):
    out = run_python('-m', 'lasagne_reg.compat', 'status',
                     '--no-import-check', '--site-dir', str(tmp_path),
                     env={'THEANO_FLAGS': 'cxx=,blas.ldflags=',
                          'THEANORC': os.devnull})
    assert out.returncode == 0, out.stderr
    if 'Theano' in out.stdout and 'not installed' not in \
            out.stdout.split('Theano', 1)[1].splitlines()[0]:
        assert 'none found' in out.stdout
        assert 'apt-get install g++' in out.stdout
        assert "your blas.ldflags=''" in out.stdout
    else:   # PyTensor / Aesara environments: nothing to do for Theano
        assert 'Theano is not installed' in out.stdout


@pytest.mark.slow
@pytest.mark.compat
def test_hook_left_behind_without_lasagne_reg_warns_and_steps_aside(
        tmp_path):
    bare = fresh_env(str(tmp_path / 'bare'), inherit=False)
    enabled = run_python('-m', 'lasagne_reg.compat', 'enable',
                         '--site-dir', str(bare.site))
    assert enabled.returncode == 0, enabled.stderr
    out = run_python('-c', 'import theano', python=bare.python,
                     env={'PYTHONPATH': ''}, cwd=str(tmp_path))
    assert 'lasagne_reg.compat cannot be imported' in out.stderr
    assert 'ModuleNotFoundError' in out.stderr    # then the import goes on
    plain = run_python('-c', 'import json', python=bare.python,
                       env={'PYTHONPATH': ''}, cwd=str(tmp_path))
    assert plain.returncode == 0 and plain.stderr == ''


@pytest.mark.slow
@pytest.mark.nobackend
def test_enable_into_a_missing_directory_fails_clearly(tmp_path):
    out = run_python('-m', 'lasagne_reg.compat', 'enable',
                     '--site-dir', str(tmp_path / 'nope'))
    assert out.returncode == 1
    assert 'no such directory' in out.stderr and 'site-packages' in out.stderr
