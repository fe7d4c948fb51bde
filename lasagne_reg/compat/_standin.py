"""The modules compat serves in place of missing ones: how one is made.

Every stand-in says who provides it in its docstring, so that a user who
meets one in a traceback or ``help()`` knows it is not the real module.

Examples
--------
>>> spawn = module('distutils.spawn', 'find_executable over shutil.which.',
...                find_executable=len)
>>> spawn.__doc__
'Provided by lasagne_reg.compat: find_executable over shutil.which.'
>>> spawn.find_executable('abc')
3
"""
import types

PROVIDED = 'Provided by lasagne_reg.compat'


def module(name, doc, where=None, **attributes):
    """A new module `name` whose docstring says compat provides it.

    Parameters
    ----------
    name : str
        The module's full name.
    doc : str
        What it is: the docstring is ``'Provided by lasagne_reg.compat: '``
        and `doc`.
    where : str, optional
        Where it is served, put in the docstring's prefix (``'Python
        3.12+'`` gives ``'Provided by lasagne_reg.compat (Python 3.12+): '``).
    **attributes
        Set on the module (``__getattr__`` included, PEP 562).

    Returns
    -------
    types.ModuleType
    """
    prefix = PROVIDED + (' (%s)' % where if where else '') + ': '
    made = types.ModuleType(name, prefix + doc)
    for attribute, value in attributes.items():
        setattr(made, attribute, value)
    return made
