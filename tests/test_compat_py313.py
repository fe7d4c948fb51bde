"""lasagne_reg.compat._py313: Theano's pkl_utils on Python 3.13.

``theano.misc.pkl_utils.dump``/``load`` save shared variables and arrays to
a zip file and read them back. The round trip is compared with numpy on
every Python the Theano stack runs on (on 3.13 it raised AttributeError
without compat), and the pickle it writes with what Python's own
pure-Python pickler (``pickle._Pickler``, which always took a
``persistent_id``) writes for the same objects.
"""
import io
import pickle
import sys
import types
import zipfile

import numpy as np
import pytest

from lasagne_reg import compat
from lasagne_reg.compat import _patch, _py313

pytestmark = pytest.mark.lasagne

PY313 = sys.version_info >= (3, 13)


def test_patched_on_python_3_13_and_later_only():
    assert _py313.patches((3, 12)) == []
    assert _py313.patches((3, 12, 9, 'final', 0)) == []
    (patch,) = _py313.patches((3, 13))
    assert _py313.patches((3, 13, 0, 'final', 0)) != []
    assert patch.name == 'theano.misc.pkl_utils.pickle'
    assert patch.reason.startswith('Python 3.13: ')
    made = patch.make(pickle)
    assert made.Pickler is _py313._Pickler
    assert made.Unpickler is _py313._Unpickler
    import theano.misc.pkl_utils  # noqa: F401
    applied = any(name.startswith('theano.misc.pkl_utils.pickle ')
                  for name in _patch.applied())
    assert applied == PY313
    assert _py313 in compat._PATCH_SOURCES
    from theano.misc import pkl_utils
    assert (pkl_utils.pickle is pickle) != PY313


def _objects():
    import theano
    weights = theano.shared(np.arange(6.).reshape(2, 3), name='W')
    bias = theano.shared(np.float32(0.5), name='b')
    return weights, bias, np.array([1, 2, 3], dtype='int16')


def _dump(objects):
    from theano.misc import pkl_utils
    saved = io.BytesIO()
    pkl_utils.dump(objects, saved)
    return saved


def test_dump_then_load_gives_the_values_back():
    from theano.misc import pkl_utils
    weights, bias, array = _objects()
    saved = _dump((weights, bias, array))
    with np.load(io.BytesIO(saved.getvalue())) as arrays:
        assert sorted(arrays.keys()) == ['W', 'array_0', 'b', 'pkl']
        np.testing.assert_array_equal(arrays['W'], np.arange(6.).reshape(2, 3))
        assert arrays['b'].dtype == np.float32 and arrays['b'] == 0.5
    saved.seek(0)
    weights2, bias2, array2 = pkl_utils.load(saved)
    assert weights2.name == 'W' and bias2.name == 'b'
    np.testing.assert_array_equal(weights2.get_value(),
                                  np.arange(6.).reshape(2, 3))
    assert bias2.get_value().dtype == np.float32
    assert array2.dtype == np.int16 and array2.tolist() == [1, 2, 3]


def test_the_pickle_written_is_the_pure_python_picklers(monkeypatch):
    from theano.misc import pkl_utils
    objects = _objects()
    ours = zipfile.ZipFile(_dump(objects)).read('pkl')
    # the reference: pickle's pure-Python Pickler, everything else pickle's
    reference = types.SimpleNamespace(Pickler=pickle._Pickler)
    monkeypatch.setattr(pkl_utils, 'pickle', reference)
    theirs = zipfile.ZipFile(_dump(objects)).read('pkl')
    assert ours == theirs


def test_the_stand_in_pickle_takes_persistent_id_and_load_on_any_python():
    # what pkl_utils does with it, without Theano: objects kept apart by
    # their persistent id, on the stand-in's Pickler and on the pure-Python
    # one, and read back through the stand-in's Unpickler
    standin = _py313._pickle_module()
    kept = {}

    def persistent_id(obj):
        if isinstance(obj, np.ndarray):
            kept['array_%d' % len(kept)] = obj
            return 'array_%d' % (len(kept) - 1)
        return None

    written = []
    for pickler in (pickle._Pickler, standin.Pickler):
        kept.clear()
        out = io.BytesIO()
        p = pickler(out, protocol=pickle.DEFAULT_PROTOCOL)
        p.persistent_id = persistent_id
        p.dump({'w': np.arange(3), 'n': 7})
        written.append(out.getvalue())
    assert written[0] == written[1]
    u = standin.Unpickler(io.BytesIO(written[1]))
    u.persistent_load = kept.__getitem__
    loaded = u.load()
    assert loaded['n'] == 7 and loaded['w'] is kept['array_0']
    assert standin.__name__ == 'pickle'
    assert standin.Pickler.__mro__[1] is pickle.Pickler
    assert standin.Unpickler.__mro__[1] is pickle.Unpickler
    assert standin.HIGHEST_PROTOCOL == pickle.HIGHEST_PROTOCOL
    assert standin.loads is pickle.loads
    assert 'Provided by lasagne_reg.compat (Python 3.13+)' in standin.__doc__
