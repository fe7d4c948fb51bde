"""lasagne_reg.compat's start-up hook: compat for every process of an environment.

``python -m lasagne_reg.compat enable`` copies this file into the
environment's site-packages as ``_lasagne_reg_compat.py``, next to a
``lasagne_reg_compat.pth`` that imports it when Python starts;
``python -m lasagne_reg.compat disable`` removes both.

At start-up it imports nothing (``sys`` and ``os`` are loaded already) and
only puts a finder first on ``sys.meta_path``. That finder answers no
import: the first time ``theano`` or ``lasagne`` is imported, it takes
itself off ``sys.meta_path`` and runs ``lasagne_reg.compat.install()``, and
the import then proceeds as usual. A process that never imports Theano pays
for one small module and one string comparison per top-level import.

``LASAGNE_REG_COMPAT=0`` in the environment turns it off for one process.
This file must stay importable without lasagne_reg (it keeps working, with a
warning, if lasagne_reg is uninstalled and the files are left behind).
"""
import os
import sys

HOOK_VERSION = 1
_WATCHED = ('theano', 'lasagne')


class LasagneRegCompatHook:
    """A meta-path finder that runs compat before theano or lasagne loads."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname in _WATCHED:
            self.remove()
            _install()
        return None

    def invalidate_caches(self):
        pass

    def remove(self):
        while self in sys.meta_path:
            sys.meta_path.remove(self)


def _install():
    try:
        from lasagne_reg.compat import _install_from_hook
    except ImportError as exc:
        import warnings
        warnings.warn('lasagne_reg compat is enabled in this environment, '
                      'but lasagne_reg.compat cannot be imported (%s): theano '
                      'runs without it. Reinstall lasagne_reg, or remove '
                      'the hook: delete lasagne_reg_compat.pth and '
                      '_lasagne_reg_compat.py from %s'
                      % (exc, os.path.dirname(os.path.abspath(__file__))),
                      RuntimeWarning, stacklevel=4)
        return
    _install_from_hook()


def register():
    """Put the hook on ``sys.meta_path`` (once), unless turned off."""
    if os.environ.get('LASAGNE_REG_COMPAT', '').strip().lower() in (
            '0', 'off', 'false', 'no'):
        return
    if any(type(f).__name__ == 'LasagneRegCompatHook' for f in sys.meta_path):
        return
    sys.meta_path.insert(0, LasagneRegCompatHook())


register()
