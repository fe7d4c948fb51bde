"""Faster C compiles in the test processes: precompiled headers and -g0.

A cold ``make test`` compiles some 3,000 C modules (Theano, Theano-PyMC,
Aesara and PyTensor compile one per distinct Op), and g++ is most of its
time. Every module starts with the same run of ``#include`` lines
(``Python.h``, numpy's headers, the backend's helper header, a few of
C++'s), and parsing them is about half of g++'s time on a small module.

:func:`install` wraps the backend's ``GCC_compiler.compile_str`` in the
test process (conftest.py calls it; the library never does):

* a module's leading ``#include`` lines, verbatim, become a header, which is
  precompiled (``g++ -x c++-header``, with the module's own compiler
  arguments) once per set of lines and arguments, the second time they are
  seen, in ``<compiledir>/pch`` (tens of MB each: ``make test`` removes
  them when a stack is done); g++ gets it with ``-include``. The
  module's own ``#include`` lines then add nothing (each header has its
  guard): g++ reads the same translation unit, and generates the same
  code. g++ checks that a precompiled header fits the compilation, and
  reads the text header where it does not.
* ``-g0`` after the ``-g`` the backends pass: GCC generates the same code
  with and without debug information, which costs about a tenth of the
  time.

tests/test_pch.py compiles a module of the stack both ways and compares
the machine code (the ``.text`` section), and checks that the precompiled
header is used. Processes that tests start (the demo, compat's fresh
interpreters) compile as users' do. ``LASAGNE_REG_TEST_PCH=0`` turns this
off.
"""
import collections
import hashlib
import importlib
import inspect
import os
import subprocess

#: the compile_str wrapped, and the arguments of its latest calls (as the
#: backend gave them)
_state = {'original': None, 'calls': collections.deque(maxlen=20)}


def leading_includes(src_code):
    """The ``#include`` lines `src_code` starts with (a list of lines)."""
    lines = []
    for line in src_code.splitlines():
        if not line.startswith('#include'):
            break
        lines.append(line)
    return lines


def _cmodule(backend):
    """The backend's cmodule (Theano 1.0.5: theano.gof.cmodule)."""
    for name in ('.link.c.cmodule', '.gof.cmodule'):
        try:
            module = importlib.import_module(backend + name)
        except ImportError:
            continue
        if hasattr(module, 'GCC_compiler'):
            return module
    return None


def _config(cmodule):
    g = vars(cmodule)
    return g['config'] if 'config' in g else g['theano'].config


def _remove_gxx_opt(config):
    try:
        return config.cmodule__remove_gxx_opt
    except AttributeError:
        return config.cmodule.remove_gxx_opt


def _compiling(preargs):
    """`preargs` less what only the linker reads (-Xlinker X, -Wl,...,
    -l, -L): with those, g++ would link the header too."""
    kept, skip = [], False
    for arg in preargs:
        if skip:
            skip = False
        elif arg == '-Xlinker':
            skip = True
        elif not arg.startswith(('-Wl,', '-l', '-L')):
            kept.append(arg)
    return kept


class _Headers:
    """The precompiled headers of one backend, in `directory`."""

    def __init__(self, cmodule, directory):
        self.cmodule = cmodule
        self.directory = directory
        self.seen = collections.Counter()

    def flags(self, include_dirs, preargs, hide_symbols):
        """g++'s compiling arguments (no linking, no files) as compile_str
        gives them for these arguments."""
        dirs = [d for d in include_dirs or [] if d]
        dirs = dirs + self.cmodule.std_include_dirs()
        flags = ['-g'] + _compiling(preargs) + ['-I%s' % d for d in dirs]
        return flags + (['-fvisibility=hidden'] if hide_symbols else [])

    def command(self, header, include_dirs, preargs, hide_symbols):
        """g++'s command that precompiles `header` as compile_str would
        compile a module with these arguments."""
        return ([_config(self.cmodule).cxx, '-x', 'c++-header']
                + self.flags(include_dirs, preargs, hide_symbols)
                + ['-o', header + '.gch', header])

    def for_call(self, a):
        """(preargs, header) for compile_str's arguments `a` (a dict): the
        backend's preargs with -g0, and the precompiled header to pass with
        -include, or None."""
        preargs = list(a['preargs'] or []) + ['-g0']
        lines = leading_includes(a['src_code'])
        if not lines or _remove_gxx_opt(_config(self.cmodule)):
            return preargs, None
        return preargs, self.header_for(lines, a['include_dirs'], preargs,
                                        a['hide_symbols'])

    def header_for(self, lines, include_dirs, preargs, hide_symbols):
        """The path of the header of `lines` (to pass with -include),
        precompiled, or None (seen once only, or g++ failed)."""
        config = _config(self.cmodule)
        key = repr((lines, config.cxx, list(preargs), list(include_dirs or []),
                    hide_symbols))
        name = hashlib.sha256(key.encode()).hexdigest()[:20]
        header = os.path.join(self.directory, name + '.h')
        if os.path.exists(header + '.gch'):
            return header
        self.seen[name] += 1
        if self.seen[name] < 2:
            return None
        os.makedirs(self.directory, exist_ok=True)
        tmp = '%s.%d' % (header, os.getpid())
        with open(tmp, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        os.replace(tmp, header)
        cmd = self.command(header, include_dirs, preargs, hide_symbols)
        cmd[-2] = tmp + '.gch'
        done = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
        if done.returncode != 0:
            return None
        os.replace(tmp + '.gch', header + '.gch')
        return header


def install(backend):
    """Wrap `backend`'s compile_str (once); returns True if done."""
    if os.environ.get('LASAGNE_REG_TEST_PCH', '1') == '0' or os.name == 'nt':
        return False
    if _state['original'] is not None:
        return True
    cmodule = _cmodule(backend)
    if cmodule is None:
        return False
    compiler = cmodule.GCC_compiler
    original = compiler.compile_str
    signature = inspect.signature(original)
    headers = _Headers(cmodule, os.path.join(_config(cmodule).compiledir,
                                             'pch'))

    def compile_str(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        a = bound.arguments
        _state['calls'].append(dict(a))   # as the backend asked
        preargs, header = headers.for_call(a)
        a['preargs'] = preargs + ([] if header is None
                                  else ['-include', header])
        return original(*bound.args, **bound.kwargs)

    compile_str.__wrapped__ = original
    compile_str.headers = headers
    compiler.compile_str = staticmethod(compile_str)
    _state['original'] = original
    return True
