"""Which backend, mode and BLAS a benchmark process runs: set up and said.

Every benchmark here measures one ``backend/mode`` per process (Theano's
C and pure-Python modes cannot share a process: the compiler is chosen at
import), so each has a driver that runs one subprocess per mode with
:func:`spawn`, and a worker that calls :func:`configure` before anything
imports the backend.

``--blas`` chooses how Theano finds its BLAS:

compat
    whatever ``lasagne_reg.compat.install()`` decides (the default: what a
    user gets).
openblas
    link Theano to ``scipy-openblas32`` by hand (THEANO_FLAGS, as
    docs/backends.rst describes), unless THEANO_FLAGS already names a
    ``blas.ldflags``; then compat for the rest.
none
    ``blas.ldflags=`` (empty): Theano's NumPy C-API fallback.
"""
import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

MODES = ('theano/c', 'theano/py', 'pytensor/c', 'pytensor/numba',
         'pytensor/jax', 'pytensor/py', 'aesara/c', 'aesara/py')
# modules a mode needs besides its backend
MODE_NEEDS = {'pytensor/numba': 'numba', 'pytensor/jax': 'jax'}
JIT_MODES = ('numba', 'jax')
FLAGS_VAR = {'theano': 'THEANO_FLAGS', 'pytensor': 'PYTENSOR_FLAGS',
             'aesara': 'AESARA_FLAGS'}
BLAS_CHOICES = ('compat', 'openblas', 'none')
# the BLAS routines Theano 1.0.5's C code declares (theano/tensor/blas_headers)
_BLAS_NAMES = ('sgemm', 'dgemm', 'sgemv', 'dgemv', 'sger', 'dger', 'sdot',
               'ddot', 'sscal', 'dscal', 'saxpy', 'daxpy', 'scopy', 'dcopy',
               'sswap', 'dswap', 'ssymm', 'dsymm', 'ssyrk', 'dsyrk', 'strmm',
               'dtrmm', 'strsm', 'dtrsm')


def available(modes):
    """(modes installed here, [(mode, why not)]) among `modes`."""
    run, skipped = [], []
    for mode in modes:
        backend = mode.split('/')[0]
        need = MODE_NEEDS.get(mode)
        if importlib.util.find_spec(backend) is None:
            skipped.append((mode, '%s is not installed in %s'
                            % (backend, sys.prefix)))
        elif need and importlib.util.find_spec(need) is None:
            skipped.append((mode, '%s is not installed in %s'
                            % (need, sys.prefix)))
        else:
            run.append(mode)
    return run, skipped


def _openblas_flags():
    """THEANO_FLAGS entries linking Theano to scipy-openblas32."""
    import scipy_openblas32
    libdir = scipy_openblas32.get_lib_dir()
    macros = ' '.join('-D%s_=scipy_%s_' % (n, n) for n in _BLAS_NAMES)
    return {'blas.ldflags': '-L%s -lscipy_openblas' % libdir,
            'gcc.cxxflags': '%s -Xlinker -rpath=%s' % (macros, libdir)}


def configure(mode, compiledir=None, blas='compat', float_x='float32'):
    """Flags for `mode` ("backend/linker"); call before importing it."""
    backend, linker = mode.split('/')
    var = FLAGS_VAR[backend]
    flags = [f for f in os.environ.get(var, '').split(',') if f.strip()]
    drop = ['floatX', 'cxx'] + (['base_compiledir', 'compiledir']
                                if compiledir else [])
    flags = [f for f in flags if f.split('=')[0].strip() not in drop]
    flags.append('floatX=' + float_x)
    if compiledir:
        flags.append('base_compiledir=' + compiledir)
    if linker == 'py':
        flags.append('cxx=')
    if backend == 'theano' and linker != 'py':
        keys = [f.split('=')[0].strip() for f in flags]
        if blas == 'none' and 'blas.ldflags' not in keys:
            flags.append('blas.ldflags=')
        elif blas == 'openblas' and 'blas.ldflags' not in keys:
            extra = _openblas_flags()
            flags.append('blas.ldflags=' + extra['blas.ldflags'])
            cxx = [f for f in flags if f.split('=')[0].strip()
                   == 'gcc.cxxflags']
            flags = [f for f in flags if f not in cxx]
            mine = ' '.join(f.partition('=')[2] for f in cxx)
            flags.append('gcc.cxxflags=' + (mine + ' ' if mine else '')
                         + extra['gcc.cxxflags'])
    os.environ[var] = ','.join(flags)
    os.environ['LASAGNE_REG_BACKEND'] = backend
    if backend == 'theano':
        import lasagne_reg.compat
        lasagne_reg.compat.install()


def compile_mode(mode):
    """The ``mode=`` argument of ``function`` for `mode`."""
    backend, linker = mode.split('/')
    root = __import__(backend)
    if linker == 'py':
        return root.compile.Mode(linker='py', optimizer='fast_run')
    if backend == 'pytensor':
        return {'c': 'CVM', 'numba': 'NUMBA', 'jax': 'JAX'}[linker]
    return None      # the default: FAST_RUN with the C VM


def has_lasagne(mode):
    return (mode.startswith('theano/')
            and importlib.util.find_spec('lasagne') is not None)


def blas_line(mode):
    """Which BLAS `mode` uses, in words (after the backend import)."""
    backend, linker = mode.split('/')
    if linker != 'c':
        return '%s BLAS: n/a (%s linker)' % (backend, linker)
    root = __import__(backend)
    ldflags = getattr(root.config, 'blas__ldflags', None)   # the forks
    if ldflags is None:
        ldflags = root.config.blas.ldflags
    if not ldflags:
        return ('%s BLAS: none (blas.ldflags empty: the NumPy C-API '
                'fallback, about 10x slower Gemm)' % backend)
    return '%s BLAS: blas.ldflags=%s' % (backend, ldflags)


def blas_libraries_line():
    """The BLAS libraries loaded in this process, with their versions and
    threads (threadpoolctl, where installed), or None."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    libs = [i for i in threadpool_info() if i.get('user_api') == 'blas']
    return 'BLAS libraries loaded: ' + '; '.join(
        '%s %s (%s, %s threads)' % (
            i.get('internal_api', '?'), i.get('version', '?'),
            os.path.basename(i.get('filepath', '?')), i.get('num_threads'))
        for i in libs)


def versions_line():
    import numpy
    parts = ['Python %s' % platform.python_version(),
             'numpy %s' % numpy.__version__]
    for name in ('theano', 'lasagne', 'pytensor', 'aesara', 'numba', 'jax'):
        if name in sys.modules:
            parts.append('%s %s' % (name, getattr(sys.modules[name],
                                                  '__version__', '?')))
    return ', '.join(parts)


def machine_line():
    threads = ['%s=%s' % (v, os.environ[v]) for v in
               ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS',
                'OPENBLAS_CORETYPE') if os.environ.get(v)]
    try:
        load = '%.1f' % os.getloadavg()[0]
    except OSError:
        load = '?'
    return ('%s, %d cores, load average %s at start%s'
            % (platform.machine(), os.cpu_count() or 0, load,
               ''.join(', ' + t for t in threads)))


def python_env():
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(
        [ROOT] + [p for p in env.get('PYTHONPATH', '').split(os.pathsep) if p])
    return env


def spawn(script, args, timeout, stream=True):
    """Run ``script args`` in a fresh interpreter of this Python.

    Its stdout is echoed line by line when `stream`; returns (exit code,
    the JSON object of its last stdout line or None, stderr's last line).
    """
    cmd = [sys.executable, script] + list(args)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env=python_env(), cwd=ROOT)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return None, None, 'timed out after %d s' % timeout
    lines = out.splitlines()
    result = None
    if lines and lines[-1].startswith('{'):
        result = json.loads(lines.pop())
    if stream:
        for line in lines:
            print(line, flush=True)
    tail = (err.strip().splitlines() or ['no output'])[-1]
    return proc.returncode, result, tail


def add_worker_arguments(parser):
    """The options of a script driven by :func:`run_workers`: ``--blas``,
    ``--compiledir`` and the hidden ``--worker MODE``."""
    parser.add_argument('--blas', choices=BLAS_CHOICES, default='compat')
    parser.add_argument('--compiledir',
                        help='base_compiledir (default: the backend\'s)')
    parser.add_argument('--worker', help=argparse.SUPPRESS)


def run_workers(script, modes, args, compiledir, timeout, width):
    """``script --worker MODE args`` for each mode, each in its own process.

    Prints a line for each mode whose worker failed (padded to `width`);
    returns the exit status for the whole run: 1 if any failed, else 0.
    """
    failed = 0
    for mode in modes:
        worker = ['--worker', mode] + list(args)
        if compiledir:
            worker += ['--compiledir', compiledir]
        code, result, tail = spawn(os.path.abspath(script), worker,
                                   timeout=timeout)
        if code != 0 or result is None:
            print('%-*s failed: %s' % (width, mode, tail), flush=True)
            failed += 1
    return 1 if failed else 0
