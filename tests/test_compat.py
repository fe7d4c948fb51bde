"""lasagne_reg.compat: explicit, idempotent, and enough for Theano 1.0.5 + Lasagne 0.1.

The in-process tests run after the root conftest called install(); the
subprocess tests start fresh interpreters of this same virtualenv, so they see
exactly what a user's script sees.
"""
import json
import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

from lasagne_reg import compat

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CXX = ' '.join(compat._NUMPY2_CXXFLAGS)


def run_python(code, env_update=None):
    """Run `code` in a fresh interpreter; return its last stdout line as JSON."""
    env = dict(os.environ)
    env.pop('LASAGNE_REG_BACKEND', None)
    env['PYTHONPATH'] = ROOT
    env.update(env_update or {})
    out = subprocess.run([sys.executable, '-c', textwrap.dedent(code)],
                         env=env, capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_the_package_imports_no_backend_and_patches_nothing():
    result = run_python('''
        import sys, json, numpy
        before = set(vars(numpy)), list(sys.meta_path)
        import lasagne_reg, lasagne_reg.compat, lasagne_reg.regularization
        after = set(vars(numpy)), list(sys.meta_path)
        print(json.dumps({
            'backends': [m for m in ('theano', 'pytensor', 'aesara', 'lasagne')
                         if m in sys.modules],
            'same_numpy': before[0] == after[0],
            'same_meta_path': before[1] == after[1],
            'flags': __import__('os').environ.get('THEANO_FLAGS')}))
    ''', {'THEANO_FLAGS': 'floatX=float32'})
    assert result == {'backends': [], 'same_numpy': True,
                      'same_meta_path': True, 'flags': 'floatX=float32'}


@pytest.mark.parametrize('text, rc, numpy2, expected', [
    ('', {}, False, 'blas.ldflags='),
    ('floatX=float32', {}, False, 'floatX=float32,blas.ldflags='),
    ('blas.ldflags=-lopenblas,floatX=float32', {}, False,
     'blas.ldflags=-lopenblas,floatX=float32'),
    ('floatX=float32', {'blas.ldflags': '-lblas'}, False, 'floatX=float32'),
    ('floatX=float32', {}, True,
     'floatX=float32,blas.ldflags=,gcc.cxxflags=' + CXX),
    ('gcc.cxxflags=-O3 -march=native,floatX=float32', {}, True,
     'gcc.cxxflags=-O3 -march=native ' + CXX + ',floatX=float32,blas.ldflags='),
    ('blas.ldflags=,gcc.cxxflags=' + CXX, {}, True,
     'blas.ldflags=,gcc.cxxflags=' + CXX),
])
def test_flags_are_merged_keeping_the_users(text, rc, numpy2, expected):
    wanted = {'blas.ldflags': ''}
    if numpy2:
        wanted['gcc.cxxflags'] = CXX
    merged, changes = compat._merged_flags(text, rc, wanted)
    assert merged == expected
    again, no_changes = compat._merged_flags(merged, rc, wanted)
    assert again == merged and no_changes == {}


@pytest.mark.lasagne   # the root conftest installs only on Theano
def test_install_after_theano_was_imported_says_what_it_could_not_do(
        monkeypatch):
    monkeypatch.setitem(sys.modules, 'theano', sys.modules.get('theano')
                        or type(sys)('theano'))
    monkeypatch.setenv('THEANO_FLAGS', 'floatX=float32')
    monkeypatch.setenv('THEANORC', os.devnull)
    with pytest.warns(RuntimeWarning, match='theano was imported before'):
        report = compat.install()
    assert 'blas.ldflags' in report.not_applied[0]
    assert os.environ['THEANO_FLAGS'] == 'floatX=float32'
    assert not report.changed


@pytest.mark.lasagne   # the root conftest installs only on Theano
def test_install_is_idempotent_in_process():
    report = compat.install()
    assert not report.changed
    finders = [f for f in sys.meta_path if isinstance(f, compat._CompatFinder)]
    assert len(finders) == 1


@pytest.mark.lasagne   # the root conftest installs only on Theano
def test_numpy_names_theano_uses_are_present():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)  # numpy 1.2x
        for name in ('bool', 'complex', 'product', 'cast', 'sctype2char'):
            assert hasattr(np, name), name
        assert np.cast['float32']([1, 2]).dtype == np.float32
        assert np.sctype2char(np.float32) == 'f'
        assert np.product([2, 3]) == 6


def test_pkg_resources_shim_reports_versions():
    module = compat._make_pkg_resources()
    assert module.get_distribution('numpy').version == np.__version__


def test_unknown_module_names_are_not_served():
    finder = compat._finder()
    assert finder.find_spec('theano.tensor.signal.nothing_here') is None
    assert finder.find_spec('not_a_module_at_all') is None


@pytest.mark.lasagne
def test_fresh_interpreter_theano_and_lasagne_work_with_user_flags(tmp_path):
    result = run_python('''
        import json, os
        import lasagne_reg.compat
        first = lasagne_reg.compat.install()
        import numpy as np, theano, theano.tensor as T, lasagne
        from lasagne.layers import InputLayer, MaxPool2DLayer, get_output
        x = T.tensor4('x')
        net = MaxPool2DLayer(InputLayer((None, 1, 4, 4)), pool_size=2)
        f = theano.function([x], get_output(net, x))
        data = np.arange(32, dtype='float32').reshape(2, 1, 4, 4)
        second = lasagne_reg.compat.install()
        print(json.dumps({
            'floatX': theano.config.floatX,
            'flags': os.environ['THEANO_FLAGS'],
            'pooled': f(data).tolist(),
            'lasagne': lasagne.__version__,
            'first_modules': first.modules,
            'second_changed': second.changed,
            'cxx': bool(theano.config.cxx)}))
    ''', {'THEANO_FLAGS': 'floatX=float32,base_compiledir=%s'
          % os.path.join(ROOT, '.cache', 'theano')})
    assert result['floatX'] == 'float32'
    assert result['flags'].startswith('floatX=float32,')
    assert 'blas.ldflags=' in result['flags']
    data = np.arange(32, dtype='float32').reshape(2, 1, 2, 2, 2, 2)
    expected = data.max(axis=(3, 5))
    assert result['pooled'] == expected.reshape(2, 1, 2, 2).tolist()
    assert result['lasagne'] == '0.1'
    assert 'theano.tensor.signal.downsample' in result['first_modules']
    assert result['second_changed'] is False
    assert result['cxx'] is True      # the C backend is on, not a fallback


@pytest.mark.lasagne
def test_downsample_shim_matches_numpy():
    import theano
    import theano.tensor as T
    from theano.tensor.signal import downsample
    x = T.tensor4()
    data = np.random.RandomState(0).randn(2, 3, 6, 4)
    f = theano.function([x], downsample.max_pool_2d(x, ds=(2, 2),
                                                    ignore_border=True))
    expected = data.reshape(2, 3, 3, 2, 2, 2).max(axis=(3, 5))
    np.testing.assert_allclose(f(data.astype(theano.config.floatX)),
                               expected, rtol=1e-6)
