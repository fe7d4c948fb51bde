"""make mutation (tools/mutation.py) keeps up with the package it measures.

These checks need no mutmut: they read the driver's tables and the docs. A
module added to lasagne_reg/ is mutated (or said not to be, with a reason)
and judged by test files that exist; the demo's partial scope names
functions the demo still has; the equivalent mutants recorded in
tools/equivalent_mutants.toml are still in the source; the table adds up.
``make mutation-smoke`` runs mutmut itself on one module.
"""
import ast
import importlib.util
import os

import pytest

from tests._support import table_stacks

pytestmark = [pytest.mark.nobackend]

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _load(name):
    spec = importlib.util.spec_from_file_location(
        name, os.path.join(ROOT, 'tools', name + '.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


mutation = _load('mutation')


def _functions(module):
    """mutmut's names for the functions and methods of a module file."""
    with open(os.path.join(ROOT, module)) as f:
        tree = ast.parse(f.read())
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add('x_' + node.name)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    names.add('x\u01c1%s\u01c1%s' % (node.name, item.name))
    return names


def test_every_module_is_mutated_or_says_why_not():
    modules = mutation.modules()
    assert 'lasagne_reg/regularization.py' in modules
    assert 'lasagne_reg/compat/_flags.py' in modules
    for module, reason in mutation.NOT_MUTATED.items():
        assert module in modules, module
        assert len(reason) > 20


@pytest.mark.parametrize('module', mutation.modules())
def test_every_module_is_judged_by_test_files_that_exist(module):
    files = mutation.tests_for(module)
    assert files, module
    for f in files:
        assert os.path.exists(os.path.join(ROOT, f)), (module, f)


def test_modules_without_functions_have_no_mutants_to_judge():
    assert not mutation.has_functions('lasagne_reg/__init__.py')
    assert not mutation.has_functions('lasagne_reg/compat/__main__.py')
    assert mutation.has_functions('lasagne_reg/_ops.py')


def test_a_module_judges_by_its_own_tests_first():
    assert mutation.tests_for('lasagne_reg/penalties.py') == [
        'tests/test_penalties.py']
    assert mutation.tests_for('lasagne_reg/_validate.py')[0] == \
        'tests/test_validate.py'
    blas = mutation.tests_for('lasagne_reg/compat/_blas.py')
    assert blas[0] == 'tests/test_compat_blas.py'
    assert 'tests/test_compat.py' in blas
    assert mutation.tests_for('lasagne_reg/compat/__init__.py')[0] == \
        'tests/test_compat.py'


def test_partial_scopes_name_functions_the_module_has():
    for module, patterns in mutation.SCOPE.items():
        functions = _functions(module)
        for pattern in patterns:
            assert pattern in functions, (module, pattern)


def test_scope_selects_mutants_by_function():
    report = 'lasagne_reg/demo/_report.py'
    assert mutation.in_scope(
        report, 'lasagne_reg.demo._report.x_format_table__mutmut_3')
    assert not mutation.in_scope(
        report, 'lasagne_reg.demo._report.x_plot__mutmut_3')
    assert not mutation.in_scope(
        'lasagne_reg/demo/_cli.py', 'lasagne_reg.demo._cli.x_main__mutmut_3')
    ops = 'lasagne_reg/_ops.py'
    assert mutation.in_scope(ops, 'lasagne_reg._ops.x_scale__mutmut_1')
    assert not mutation.in_scope(ops, 'lasagne_reg._opsx.x_scale__mutmut_1')
    assert mutation.dotted('lasagne_reg/compat/__init__.py') == \
        'lasagne_reg.compat'
    assert mutation.patterns_for('lasagne_reg/compat/__init__.py') == [
        'lasagne_reg.compat.x*']
    assert mutation.in_scope('lasagne_reg/compat/__init__.py',
                             'lasagne_reg.compat.x\u01c1InstallReport\u01c1'
                             '__repr____mutmut_2')
    assert not mutation.in_scope('lasagne_reg/compat/__init__.py',
                                 'lasagne_reg.compat._flags.x_parse__mutmut_1')
    assert mutation.patterns_for('lasagne_reg/__init__.py') == []


def test_recorded_equivalents_are_still_in_the_source():
    """Each entry of tools/equivalent_mutants.toml names a module that is
    mutated, a function it has and an original line that function still
    has, with a reason: an entry left behind by a change fails here."""
    entries = mutation.equivalents()
    assert len(entries) > 50
    modules = mutation.modules()
    for entry in entries:
        assert entry['module'] in modules, entry
        assert mutation.mangled(entry['function']) in _functions(
            entry['module']), entry
        assert entry['line'] != entry['mutant'], entry
        assert len(entry['why']) > 20, entry
    assert mutation.stale(entries) == []


def test_a_changed_line_makes_its_entry_stale(tmp_path):
    (tmp_path / 'm.py').write_text(
        'class C:\n    def f(self):\n        return 1 + 2\n\n'
        'def g():\n    return (3 +\n            4)\n')
    def entry(function, line):
        return {'module': 'm.py', 'function': function,
                'line': tuple(line.split('\n')), 'mutant': ('x',),
                'why': 'a reason long enough'}
    fresh = [entry('C.f', 'return 1 + 2'), entry('g', 'return (3 +\n4)')]
    gone = [entry('C.f', 'return 1 + 3'), entry('f', 'return 1 + 2'),
            entry('C.g', 'return (3 +'), entry('g', '4)\nreturn (3 +')]
    assert mutation.stale(fresh + gone, root=str(tmp_path)) == gone


def test_a_survivor_is_equivalent_by_its_change_not_its_name():
    [entry] = [e for e in mutation.equivalents()
               if e['function'] == '_share']
    diff = ('--- lasagne_reg/report.py\n+++ lasagne_reg/report.py\n'
            '@@ -1,3 +1,3 @@\n def _share(value, total):\n'
            "-    return '%.1f%%' % (100.0 * value / total)\n"
            "+    return '%.1F%%' % (100.0 * value / total)\n")
    module = 'lasagne_reg/report.py'
    for number in (9, 31):       # any number mutmut gives it
        name = 'lasagne_reg.report.x__share__mutmut_%d' % number
        assert mutation.equivalent_to(module, name, diff,
                                      [entry]) is entry
    other = diff.replace("'%.1F%%'", "'XX%.1f%%XX'")
    assert mutation.equivalent_to(
        module, 'lasagne_reg.report.x__share__mutmut_9', other,
        [entry]) is None
    assert mutation.equivalent_to(
        module, 'lasagne_reg.report.x__other__mutmut_9', diff,
        [entry]) is None
    assert mutation.equivalent_to(
        'lasagne_reg/_ops.py', 'lasagne_reg._ops.x__share__mutmut_9', diff,
        [entry]) is None
    assert mutation.mangled('C.m') == 'x\u01c1C\u01c1m'
    assert mutation.mangled('f') == 'x_f'


def test_table_counts_and_scores():
    statuses = {'m.x_f__mutmut_1': 'killed', 'm.x_f__mutmut_2': 'killed',
                'm.x_f__mutmut_3': 'timeout', 'm.x_f__mutmut_4': 'survived',
                'm.x_f__mutmut_5': 'no tests',
                'm.x_f__mutmut_6': 'suspicious'}
    row = mutation.count(statuses, equivalent={'m.x_f__mutmut_4',
                                               'm.x_f__mutmut_1'})
    assert row == {'mutants': 6, 'killed': 2, 'timeout': 1, 'survived': 1,
                   'no tests': 1, 'other': 1, 'documented': 1,
                   'score': 50.0}
    empty = mutation.count({})
    table = mutation.format_table({'lasagne_reg/a.py': row,
                                   'lasagne_reg/b.py': empty})
    lines = table.splitlines()
    assert lines[0].split() == ['module', 'mutants', 'killed', 'survived',
                                'timeout', 'no', 'tests', 'other',
                                'documented', 'score']
    assert lines[2].split() == ['lasagne_reg/a.py', '6', '2', '1', '1', '1',
                                '1', '1', '50.0%']
    assert lines[3].split() == ['lasagne_reg/b.py', '0', '0', '0', '0', '0',
                                '0', '0', '-']
    assert lines[4].split() == ['total', '6', '2', '1', '1', '1', '1', '1',
                                '50.0%']


def test_mutmut_config_mutates_the_copy_with_the_plugin():
    text = mutation._config(['lasagne_reg/_ops.py'],
                            ['tests/test_regularization.py', '-k', 'sum'])
    lines = text.splitlines()
    assert lines[:3] == ['[mutmut]', 'source_paths = lasagne_reg',
                         'only_mutate =']
    assert '    lasagne_reg/_ops.py' in lines
    assert '    lasagne_reg/compat/_hook.py' in lines     # do_not_mutate
    selection = lines.index('pytest_add_cli_args_test_selection =')
    assert lines[selection + 1:selection + 4] == [
        '    tests/test_regularization.py', '    -k', '    sum']
    args = lines.index('pytest_add_cli_args =')
    assert lines[args + 1:args + 5] == ['    -p', '    mutation_plugin',
                                        '    -p', '    no:cacheprovider']
    for test in mutation.INCOMPATIBLE:
        assert '    ' + test in lines[args + 5:]


def test_tests_deselected_on_mutmuts_copy_exist_and_say_why():
    for test, reason in mutation.INCOMPATIBLE.items():
        path, _, name = test.partition('::')
        with open(os.path.join(ROOT, path)) as f:
            assert 'def %s(' % name in f.read(), test
        assert len(reason) > 20


def test_modules_of_another_stack_are_measured_on_a_stack_of_the_table():
    stacks = table_stacks()
    for module, (stack, why) in mutation.ELSEWHERE.items():
        assert module in mutation.modules(), module
        assert stack in stacks and stack != mutation.DEFAULT_STACK, module
        assert mutation.runs_here(module, stack)
        assert not mutation.runs_here(module)
        assert len(why) > 20
    assert mutation.runs_here('lasagne_reg/_ops.py')
    assert not mutation.runs_here('lasagne_reg/_ops.py', 'numpy2')


def test_a_module_of_another_stack_is_refused_by_name(capsys):
    with pytest.raises(SystemExit) as raised:
        mutation.main(['--module', 'lasagne_reg/compat/_numpy2.py'])
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert ('lasagne_reg/compat/_numpy2.py is measured on the numpy2 stack '
            '(its patches are applied on numpy 2 only): make mutation '
            'STACK=numpy2') in err
