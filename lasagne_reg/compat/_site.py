"""Turning compat on and off for a whole Python environment.

``enable`` writes two files into the environment's site-packages (or the
directory given): ``_lasagne_reg_compat.py``, a copy of ``_hook.py``, and
``lasagne_reg_compat.pth``, one line that imports it at start-up.
``disable`` removes exactly those two files. Both are idempotent.
"""
import importlib.util
import os
import py_compile
import sysconfig

HOOK_MODULE = '_lasagne_reg_compat'
PTH_FILE = 'lasagne_reg_compat.pth'
_PTH_LINE = ('import %s  # lasagne_reg compat for Theano: '
             'python -m lasagne_reg.compat disable removes it\n' % HOOK_MODULE)


def site_dir(path=None):
    """The directory enable/disable act on: `path`, or this env's purelib."""
    return os.path.abspath(path or sysconfig.get_paths()['purelib'])


def _files(directory):
    return (os.path.join(directory, PTH_FILE),
            os.path.join(directory, HOOK_MODULE + '.py'))


def _hook_source():
    with open(os.path.join(os.path.dirname(__file__), '_hook.py')) as f:
        return f.read()


def _read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def state(directory):
    """'enabled', 'disabled', or 'stale' (files from another version)."""
    pth, hook = _files(directory)
    pth_text, hook_text = _read(pth), _read(hook)
    if pth_text is None and hook_text is None:
        return 'disabled'
    if pth_text == _PTH_LINE and hook_text == _hook_source():
        return 'enabled'
    return 'stale'


def enable(directory):
    """Write the hook files; return True if anything changed."""
    if state(directory) == 'enabled':
        return False
    if not os.path.isdir(directory):
        raise OSError('%s: no such directory (expected the site-packages '
                      'directory of a Python environment)' % directory)
    pth, hook = _files(directory)
    _write(hook, _hook_source())     # the module first: the .pth imports it
    _compile(hook)
    _write(pth, _PTH_LINE)
    return True


def disable(directory):
    """Remove the hook files; return True if anything was removed."""
    removed = False
    for path in _files(directory):   # the .pth first: nothing imports a
        try:                          # half-removed hook
            os.remove(path)
            removed = True
        except FileNotFoundError:
            pass
    _remove_bytecode(directory)
    return removed


def _write(path, text):
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        f.write(text)
    os.replace(tmp, path)


def _compile(path):
    """Write the hook's bytecode now, so that start-up only reads it (Python
    does not write it itself under PYTHONDONTWRITEBYTECODE)."""
    try:
        py_compile.compile(path, cfile=importlib.util.cache_from_source(path),
                           doraise=True)
    except (OSError, py_compile.PyCompileError):
        pass    # slower start-up, nothing worse: Python compiles it each time


def _remove_bytecode(directory):
    cache = os.path.join(directory, '__pycache__')
    try:
        names = os.listdir(cache)
    except OSError:
        return
    for name in names:
        if name.startswith(HOOK_MODULE + '.'):
            try:
                os.remove(os.path.join(cache, name))
            except OSError:
                pass
