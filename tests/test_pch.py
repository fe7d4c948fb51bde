"""tests/_pch.py: the test processes' C compiles give the same machine code,
faster."""
import os
import subprocess

import numpy as np
import pytest

from tests import _pch
from tests._support import BACKEND

pytestmark = [pytest.mark.core]

C_BACKEND = pytest.mark.skipif(
    _pch._state['original'] is None,
    reason='no C compiles to speed up here (LASAGNE_REG_TEST_PCH=0)')


def test_leading_includes():
    src = '#include <Python.h>\n#include "h.h"\nint x;\n#include <a.h>\n'
    assert _pch.leading_includes(src) == ['#include <Python.h>',
                                          '#include "h.h"']
    assert _pch.leading_includes('int x;\n#include <a.h>\n') == []


def _compile_a_new_module(bk, rng):
    """Compile a fused loop of 12 unary functions drawn at random (a module
    no cache has yet); return compile_str's arguments for it, as the
    backend gave them."""
    T = bk.T
    funcs = [(T.tanh, np.tanh), (T.sin, np.sin), (T.cos, np.cos),
             (T.log1p, np.log1p), (T.exp, np.exp), (abs, np.abs)]
    chain = [funcs[i] for i in rng.integers(len(funcs), size=12)]
    x = T.dvector()
    out, expected = x, np.array([0.25, 0.5])
    for ours, theirs in chain:
        out, expected = ours(out), theirs(expected)
    calls = _pch._state['calls']
    calls.clear()
    f = bk.function([x], out, mode=bk.Mode(linker='cvm',
                                           optimizer='fast_run'))
    np.testing.assert_allclose(f(np.array([0.25, 0.5])), expected,
                               rtol=1e-12)
    # the fused loop's module (a fresh cache also compiles the backend's
    # own lazylinker_ext and cutils_ext)
    ours = [a for a in calls
            if a['module_name'] not in ('lazylinker_ext', 'cutils_ext')]
    assert ours, [a['module_name'] for a in calls]
    return dict(ours[-1])


def _text(args, location, extra):
    """The code and data (.text, .rodata, .data) of the module of `args`,
    compiled into `location` by the backend's own compile_str with `extra`
    arguments (the module's path is in its data: compile both ways in the
    same place)."""
    os.makedirs(location, exist_ok=True)
    args = dict(args, location=location,
                preargs=list(args['preargs'] or []) + extra)
    module = _pch._state['original'](**args)
    path = module.__file__
    out = os.path.join(location, 'text.bin')
    subprocess.run(['objcopy', '-O', 'binary', '-j', '.text', '-j', '.rodata',
                    '-j', '.data', path, out], check=True)
    with open(out, 'rb') as f:
        return f.read()


@C_BACKEND
def test_a_module_is_the_same_code_with_its_precompiled_header(bk, tmp_path):
    rng = np.random.default_rng()
    _compile_a_new_module(bk, rng)
    args = _compile_a_new_module(bk, rng)    # the header is made at the 2nd
    lines = _pch.leading_includes(args['src_code'])
    assert len(lines) >= 3 and '#include <Python.h>' in lines
    header = _compiled_header(args)
    assert os.path.exists(header + '.gch')
    as_users = _text(args, str(tmp_path), [])
    ours = _text(args, str(tmp_path),
                 ['-g0', '-include', header, '-Winvalid-pch',
                  '-Werror=invalid-pch'])
    assert len(as_users) > 1000
    assert ours == as_users


def _headers():
    """The precompiled headers of the backend's wrapped compile_str."""
    return _pch._cmodule(BACKEND).GCC_compiler.compile_str.headers


def _compiled_header(args):
    return _headers().for_call(args)[1]


@C_BACKEND
def test_the_precompiled_header_is_used(bk):
    # -Werror=invalid-pch: g++ fails where the header does not fit
    args = _compile_a_new_module(bk, np.random.default_rng())
    header = _compiled_header(args)
    assert header is not None and os.path.exists(header + '.gch')
    headers = _headers()
    preargs = headers.for_call(args)[0]
    cmd = ([_pch._config(headers.cmodule).cxx, '-H', '-fsyntax-only']
           + headers.flags(args['include_dirs'], preargs,
                           args['hide_symbols'])
           + ['-include', header, '-Werror=invalid-pch'])
    src = os.path.join(os.path.dirname(header), 'probe.cpp')
    with open(src, 'w') as f:
        f.write(args['src_code'])
    done = subprocess.run(cmd + [src], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    # -H marks a precompiled header used with '!'
    assert '! %s.gch' % header in done.stderr, done.stderr[:2000]


def test_off_when_asked(monkeypatch):
    monkeypatch.setenv('LASAGNE_REG_TEST_PCH', '0')
    saved = _pch._state['original']
    _pch._state['original'] = None
    try:
        assert _pch.install(BACKEND) is False
        assert _pch._state['original'] is None
    finally:
        _pch._state['original'] = saved
