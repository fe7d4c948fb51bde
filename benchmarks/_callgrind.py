"""Instruction counts of chosen calls, with valgrind's callgrind.

Wall-clock pairs on a shared 2-core machine spread by 10-30 %; callgrind
counts the instructions a call executes, the same for the same binary and
inputs whatever else the machine does. A benchmark re-runs itself under
``valgrind --tool=callgrind --collect-atstart=no`` (:func:`command`); in
that process, :func:`count` collects the instructions of one call and dumps
them under a label (valgrind's client requests, from a tiny C library
compiled here with ``valgrind/callgrind.h``); :func:`totals` reads the
dumps back. Everything else (imports, compiling) is not collected.
"""
import ctypes
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

__all__ = ['available', 'command', 'count', 'totals']

_SOURCE = r"""
#include <valgrind/callgrind.h>
void lasagne_reg_cg_toggle(void) { CALLGRIND_TOGGLE_COLLECT; }
void lasagne_reg_cg_dump(const char *label) { CALLGRIND_DUMP_STATS_AT(label); }
void lasagne_reg_cg_zero(void) { CALLGRIND_ZERO_STATS; }
"""
_LIB = []


def available():
    """'' if valgrind, gcc and callgrind.h are here, else why not."""
    if shutil.which('valgrind') is None:
        return 'valgrind is not installed'
    if shutil.which('gcc') is None:
        return 'gcc is not installed'
    if not os.path.isfile('/usr/include/valgrind/callgrind.h'):
        return 'valgrind/callgrind.h is missing (valgrind-dev)'
    return ''


def command(argv, out_dir):
    """`argv` (a Python command line) under callgrind, dumps in `out_dir`.

    BLAS and kernel threads are pinned to one: callgrind counts every
    thread, and a pool's spinning threads would add a varying count.
    Valgrind 3.19 has no AVX-512: code compiled for the process (Theano's
    C modules, Numba's JIT) targets Haswell (AVX2) instead of the host.
    """
    env = dict(os.environ, OPENBLAS_NUM_THREADS='1', OMP_NUM_THREADS='1',
               LASAGNE_REG_NUM_THREADS='1', PYTHONHASHSEED='0',
               NUMBA_CPU_NAME='haswell')
    for var in ('THEANO_FLAGS', 'PYTENSOR_FLAGS', 'AESARA_FLAGS'):
        env[var] = _with_march(env.get(var, ''))
    cmd = ['valgrind', '--tool=callgrind', '--collect-atstart=no',
           '--callgrind-out-file=%s' % os.path.join(out_dir, 'cg.out'),
           sys.executable] + list(argv)
    return cmd, env


def _with_march(flags):
    """`flags` (a THEANO_FLAGS value) with -march=haswell in gcc.cxxflags
    (Theano then adds no -march of its own)."""
    items = [f for f in flags.split(',') if f.strip()]
    for i, item in enumerate(items):
        key, _, value = item.partition('=')
        if key.strip() in ('gcc.cxxflags', 'gcc__cxxflags'):
            items[i] = '%s=%s -march=haswell' % (key, value)
            return ','.join(items)
    return ','.join(items + ['gcc.cxxflags=-march=haswell'])


def _lib():
    if not _LIB:
        build = tempfile.mkdtemp(prefix='lasagne_reg_cg_')
        src = os.path.join(build, 'cg.c')
        so = os.path.join(build, 'cg.so')
        with open(src, 'w') as f:
            f.write(_SOURCE)
        subprocess.run(['gcc', '-O1', '-shared', '-fPIC', src, '-o', so],
                       check=True)
        _LIB.append(ctypes.CDLL(so))
    return _LIB[0]


def count(label, fn):
    """Call `fn()` with callgrind collecting, and dump under `label`."""
    lib = _lib()
    lib.lasagne_reg_cg_zero()
    lib.lasagne_reg_cg_toggle()
    try:
        fn()
    finally:
        lib.lasagne_reg_cg_toggle()
    lib.lasagne_reg_cg_dump(label.encode())


def totals(out_dir):
    """[(label, instructions)] of the dumps in `out_dir`, in dump order."""
    found = []
    for path in glob.glob(os.path.join(out_dir, 'cg.out*')):
        label, total = None, None
        with open(path) as f:
            for line in f:
                if line.startswith('desc: Trigger: Client Request: '):
                    label = line.split('Client Request: ', 1)[1].strip()
                elif line.startswith(('totals:', 'summary:')):
                    total = int(line.split()[1])
        if label is not None and total is not None:
            part = re.search(r'\.(\d+)$', path)
            found.append((int(part.group(1)) if part else 0, label, total))
    return [(label, total) for _, label, total in sorted(found)]
