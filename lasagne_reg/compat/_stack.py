"""The stack compat's registries ask about, and the conditions they state.

A :class:`Stack` is what decides which measures a process needs: this
Python's version, numpy's major version and the Theano installed (a
:class:`lasagne_reg._variant.Variant`, or None). A :class:`When` is a named
condition on it; the "when" column of the two registries
(``_modules.py``: the modules served and refused; ``_patched.py``: the
functions replaced) names one of those below, or (for modules) a module
this interpreter lacks. Nothing else in compat asks which Python, numpy or
Theano it runs on.

Examples
--------
>>> from lasagne_reg import _variant
>>> stack = Stack((3, 13), 2, _variant.THEANO)
>>> NUMPY_2(stack), PYTHON_3_13(stack), THEANO_PYMC(stack)
(True, True, False)
>>> PYTHON_3_13
When('Python 3.13 and later, not on Theano-PyMC')
"""
import sys

import numpy as np

from .. import _variant


class Stack:
    """What the registries' conditions are asked about.

    Parameters
    ----------
    python : tuple of int
        (major, minor) of this Python.
    numpy : int
        numpy's major version.
    variant : lasagne_reg._variant.Variant or None
        The Theano installed; None where there is none.
    """

    def __init__(self, python, numpy, variant):
        self.python = tuple(python)
        self.numpy = numpy
        self.variant = variant

    def __repr__(self):
        return 'Stack(python=%r, numpy=%r, variant=%r)' % (
            self.python, self.numpy, self.variant)


def numpy_major():
    """numpy's major version (1 or 2)."""
    return int(np.__version__.split('.')[0])


def current(**given):
    """This process's :class:`Stack`; `given` fields replace what was found
    (``current(numpy=2)``: this stack as it would be on numpy 2)."""
    found = {'python': sys.version_info[:2], 'numpy': numpy_major(),
             'variant': _variant.installed()}
    found.update(given)
    return Stack(**found)


class When:
    """A condition of a registry row: `text` says it, `test(stack)` checks it."""

    def __init__(self, text, test):
        self.text = text
        self.test = test

    def __call__(self, stack):
        return bool(self.test(stack))

    def __repr__(self):
        return 'When(%r)' % self.text


def _not_pymc(stack):
    """Theano 1.0.5, or no Theano at all (the measures below were written
    and checked against Theano 1.0.5's code; Theano-PyMC's differs: it has
    no ``theano._asarray``, for one)."""
    return stack.variant is not _variant.THEANO_PYMC


ALWAYS = When('always', lambda stack: True)
PYTHON_3_11 = When('Python 3.11 and later', lambda stack: stack.python >= (3, 11))
THEANO_PYMC = When('Theano-PyMC', lambda stack: stack.variant is _variant.THEANO_PYMC)
NUMPY_2 = When('numpy 2 and later, not on Theano-PyMC',
               lambda stack: stack.numpy >= 2 and _not_pymc(stack))
PYTHON_3_13 = When('Python 3.13 and later, not on Theano-PyMC',
                   lambda stack: stack.python >= (3, 13) and _not_pymc(stack))
