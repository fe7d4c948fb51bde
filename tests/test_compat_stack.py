"""lasagne_reg.compat._stack: the stack the registries ask about, and the
conditions they state on it."""
import sys

import numpy as np
import pytest

from lasagne_reg import _variant
from lasagne_reg.compat import _stack

pytestmark = [pytest.mark.nobackend]

THEANO, PYMC = _variant.THEANO, _variant.THEANO_PYMC
CONDITIONS = ('ALWAYS', 'PYTHON_3_11', 'THEANO_PYMC', 'NUMPY_2',
              'PYTHON_3_13')


@pytest.mark.parametrize('python, numpy, variant, holds', [
    # the Theano 1.0.5 stacks of make test
    ((3, 11), 1, THEANO, {'ALWAYS', 'PYTHON_3_11'}),
    ((3, 11), 2, THEANO, {'ALWAYS', 'PYTHON_3_11', 'NUMPY_2'}),
    ((3, 12), 2, THEANO, {'ALWAYS', 'PYTHON_3_11', 'NUMPY_2'}),
    ((3, 13), 2, THEANO, {'ALWAYS', 'PYTHON_3_11', 'NUMPY_2',
                          'PYTHON_3_13'}),
    # Theano-PyMC: none of the measures written for Theano 1.0.5's code
    ((3, 11), 1, PYMC, {'ALWAYS', 'PYTHON_3_11', 'THEANO_PYMC'}),
    ((3, 11), 2, PYMC, {'ALWAYS', 'PYTHON_3_11', 'THEANO_PYMC'}),
    ((3, 13), 2, PYMC, {'ALWAYS', 'PYTHON_3_11', 'THEANO_PYMC'}),
    # no Theano: as Theano 1.0.5 (nothing of Theano is ever imported)
    ((3, 13), 2, None, {'ALWAYS', 'PYTHON_3_11', 'NUMPY_2',
                        'PYTHON_3_13'}),
    # older than lasagne_reg supports: only what holds everywhere
    ((3, 10), 1, THEANO, {'ALWAYS'}),
    ((3, 12), 1, None, {'ALWAYS', 'PYTHON_3_11'}),
    ((4, 0), 3, THEANO, {'ALWAYS', 'PYTHON_3_11', 'NUMPY_2',
                         'PYTHON_3_13'}),
])
def test_each_condition_on_each_stack(python, numpy, variant, holds):
    stack = _stack.Stack(python, numpy, variant)
    for name in CONDITIONS:
        assert getattr(_stack, name)(stack) is (name in holds), name


def test_a_stack_keeps_what_it_is_given():
    stack = _stack.Stack([3, 12], 2, PYMC)
    assert (stack.python, stack.numpy, stack.variant) == ((3, 12), 2, PYMC)
    assert repr(stack) == ("Stack(python=(3, 12), numpy=2, "
                           "variant=Variant('Theano-PyMC'))")


def test_current_is_this_process():
    stack = _stack.current()
    assert stack.python == (sys.version_info.major, sys.version_info.minor)
    assert stack.numpy == int(np.__version__.split('.')[0])
    assert _stack.numpy_major() == stack.numpy
    assert stack.variant is _variant.installed()
    other = _stack.current(numpy=7, variant=PYMC)
    assert (other.python, other.numpy, other.variant) == (
        stack.python, 7, PYMC)


def test_a_condition_says_what_it_is():
    seen = []
    when = _stack.When('on odd numpys', lambda stack: seen.append(stack)
                       or stack.numpy % 2)
    stack = _stack.Stack((3, 11), 1, None)
    assert when(stack) is True and seen == [stack]
    assert when(_stack.Stack((3, 11), 2, None)) is False
    assert repr(when) == "When('on odd numpys')"
    assert [getattr(_stack, name).text for name in CONDITIONS] == [
        'always', 'Python 3.11 and later', 'Theano-PyMC',
        'numpy 2 and later, not on Theano-PyMC',
        'Python 3.13 and later, not on Theano-PyMC']
