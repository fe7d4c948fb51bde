"""Replacing one attribute of another package's module, reversibly.

This is the one mechanism compat uses to change a function or method of
Theano (never a file on disk): a :class:`Patch` names a module, an attribute
path inside it (``'NumpyAutocaster.__call__'``) and a function that makes the
replacement from the original. :func:`apply` sets it at once when the module
is already imported, or right after the module's code has run, through a
finder placed first on ``sys.meta_path`` that wraps the module's loader.
:func:`restore` puts every original back; :func:`applied` lists what is in
place.

Examples
--------
>>> import json
>>> patch = Patch('json', 'dumps', lambda original: lambda *a, **k: 'x',
...               'an example')
>>> apply([patch])
['json.dumps (an example)']
>>> json.dumps([1])
'x'
>>> apply([patch])           # idempotent
[]
>>> restore([patch])          # this one only (restore() puts back all)
['json.dumps']
>>> json.dumps([1])
'[1]'
"""
import functools
import importlib.abc
import sys


class Patch:
    """One attribute of one module, replaced.

    Parameters
    ----------
    module : str
        The module's full name, e.g. ``'theano.scalar.basic'``.
    attribute : str
        A dotted path inside the module, e.g. ``'Cast.impl'``.
    make : callable
        ``make(original) -> replacement``; `original` is None where the
        module lacks the attribute (a name added, deleted again by
        :func:`restore`).
    reason : str
        Why, in a few words; shown by ``InstallReport.patched`` and
        ``status``.
    """

    def __init__(self, module, attribute, make, reason):
        self.module = module
        self.attribute = attribute
        self.make = make
        self.reason = reason

    @property
    def name(self):
        return '%s.%s' % (self.module, self.attribute)

    def __repr__(self):
        return 'Patch(%r)' % self.name


def wraps(original):
    """Decorator for a replacement function made from `original`.

    The replacement keeps its own name and module, so that a traceback or
    ``repr`` shows it is compat's; it takes the original's docstring and
    points at it through ``__wrapped__`` (what :func:`inspect.unwrap`
    follows).

    Examples
    --------
    >>> def original():
    ...     '''Theano's.'''
    >>> @wraps(original)
    ... def replacement():
    ...     return original()
    >>> replacement.__name__, replacement.__doc__
    ('replacement', "Theano's.")
    >>> replacement.__wrapped__ is original
    True
    """
    return functools.wraps(original, assigned=('__doc__',), updated=())


# name -> (owner object, attribute name, original value, patch); and the
# patches waiting for their module to be imported, by module name
_applied = {}
_pending = {}


def _owner(module, attribute):
    owner = module
    *path, last = attribute.split('.')
    for part in path:
        owner = getattr(owner, part)
    return owner, last


_INHERITED = object()     # the original was not the owner's own attribute


def _set(module, patch):
    owner, last = _owner(module, patch.attribute)
    original = vars(owner).get(last, _INHERITED)
    current = (getattr(owner, last, None) if original is _INHERITED
               else original)
    setattr(owner, last, patch.make(current))
    _applied[patch.name] = (owner, last, original, patch)


class _PatchingLoader(importlib.abc.Loader):
    """Runs the real loader, then sets the module's pending patches."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        for patch in _pending.pop(module.__name__, ()):
            _set(module, patch)

    def __getattr__(self, name):     # get_source, is_package, ...
        return getattr(self.loader, name)


class _PostImportFinder(importlib.abc.MetaPathFinder):
    """First on ``sys.meta_path``; answers only for modules with pending
    patches, with the spec the other finders give and a wrapped loader."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in _pending:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, 'find_spec'):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _PatchingLoader(spec.loader)
                return spec
        return None


def _finder():
    for found in sys.meta_path:
        if isinstance(found, _PostImportFinder):
            return found
    found = _PostImportFinder()
    sys.meta_path.insert(0, found)
    return found


def apply(patches):
    """Set each patch now or when its module is imported; idempotent.

    Returns
    -------
    list of str
        ``'module.attribute (reason)'`` for each patch newly set or
        scheduled.
    """
    done = []
    for patch in patches:
        waiting = _pending.get(patch.module, ())
        if patch.name in _applied or any(p.name == patch.name
                                         for p in waiting):
            continue
        module = sys.modules.get(patch.module)
        if module is not None:
            _set(module, patch)
        else:
            _finder()
            _pending.setdefault(patch.module, []).append(patch)
        done.append('%s (%s)' % (patch.name, patch.reason))
    return done


def applied():
    """'module.attribute (reason)' of every patch set or waiting."""
    names = ['%s (%s)' % (p.name, p.reason) for *_, p in _applied.values()]
    names += ['%s (%s)' % (p.name, p.reason)
              for waiting in _pending.values() for p in waiting]
    return sorted(names)


def restore(patches=None):
    """Put back the originals of `patches` (default: every patch set, and
    drop the waiting ones too); return the names restored.

    Parameters
    ----------
    patches : list of Patch, optional
        Only these (set or waiting); the others stay.
    """
    names = None if patches is None else {p.name for p in patches}
    restored = []
    for name, (owner, last, original, _) in reversed(list(_applied.items())):
        if names is not None and name not in names:
            continue
        if original is _INHERITED:
            delattr(owner, last)
        else:
            setattr(owner, last, original)
        restored.append(name)
        del _applied[name]
    for module in list(_pending):
        _pending[module] = [p for p in _pending[module]
                            if names is not None and p.name not in names]
        if not _pending[module]:
            del _pending[module]
    if not _pending:
        sys.meta_path[:] = [f for f in sys.meta_path
                            if not isinstance(f, _PostImportFinder)]
    return restored
