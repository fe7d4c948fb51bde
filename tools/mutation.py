"""make mutation: mutation testing of lasagne_reg on a Theano stack (mutmut).

Usage (in .venv-mutation-STACK, which ``make mutation STACK=...`` builds: a
stack of the Makefile's table plus mutmut; STACK is theano by default)::

    python tools/mutation.py                      # every module, then the table
    python tools/mutation.py --module lasagne_reg/report.py [--module ...]
    python tools/mutation.py --stack numpy2       # the modules measured there
    python tools/mutation.py --smoke              # one small module, seconds
    python tools/mutation.py --table              # the table of the last run

How it works. mutmut 3 writes every mutant of a function into one copy of
the source (a trampoline picks the mutant named by ``MUTANT_UNDER_TEST`` at
call time), runs the selected tests once to record which tests call which
function, then forks one worker per mutant from that process (Theano, the
tests and their compile caches already loaded) and runs only the tests that
called the mutated function. Here those are further narrowed to the test
files that judge the mutant's module (:data:`TESTS`; tools/mutation_plugin.py
does it in the worker), the module's own test file first: mutmut stops at
the first failing test.

Everything happens in a copy of the checkout under .cache/mutation-STACK/
(ignored): the source tree itself is never mutated. Theano compiles where
THEANO_FLAGS says (make mutation: .cache/mutation-STACK.theano), else into
the same directory.

The table: per module, the mutants in scope and how each ended: killed (a
test failed), timeout (the tests ran past mutmut's CPU limit: the mutant made
them hang, so it was detected), survived (every selected test passed), no
tests (no selected test calls the function), other (mutmut's "suspicious",
"segfault", ...). score = (killed + timeout) / mutants. "documented" counts
the survivors recorded as equivalent in tools/equivalent_mutants.toml, by
their change (module, function, original and mutated lines), not by
mutmut's generated names, which change whenever a function does.
Survivors, with their diffs, are written to .cache/mutation/survivors.txt.
"""
import argparse
import ast
import fnmatch
import glob
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = 'lasagne_reg'
EQUIVALENT = os.path.join('tools', 'equivalent_mutants.toml')

#: Test files that judge each module's mutants, the module's own first. A
#: module not listed is judged by tests/test_<name>.py when it exists and by
#: the whole of tests/ otherwise; in every case only the tests that call the
#: mutated function run.
TESTS = {
    'lasagne_reg/regularization.py': ['tests/test_regularization.py',
                                      'tests/test_properties.py'],
    'lasagne_reg/_ops.py': ['tests/test_ops.py',
                            'tests/test_regularization.py',
                            'tests/test_penalties.py',
                            'tests/test_updates.py'],
    'lasagne_reg/_graph.py': ['tests/test_graph.py',
                              'tests/test_regularization.py',
                              'tests/test_report.py'],
    'lasagne_reg/_validate.py': ['tests/test_validate.py',
                                 'tests/test_regularization.py'],
    'lasagne_reg/_backend.py': ['tests/test_backend.py'],
    'lasagne_reg/penalties.py': ['tests/test_penalties.py'],
    'lasagne_reg/updates.py': ['tests/test_updates.py'],
    'lasagne_reg/report.py': ['tests/test_report.py'],
    'lasagne_reg/demo/*': ['tests/test_demo.py'],
    'lasagne_reg/_variant.py': ['tests/test_variant.py',
                                'tests/test_compat_flags.py',
                                'tests/test_compat_modules.py',
                                'tests/test_compat_patched.py'],
    # on Python 3.12 (make mutation-py312): its own tests, which compare
    # each stand-in with setuptools' distutils or an independent value, and
    # the registry's, which make each of them
    'lasagne_reg/compat/_py312.py': ['tests/test_compat_py312.py',
                                     'tests/test_compat_modules.py'],
    # every compat test file but tests/test_compat_pymc.py, whose tests
    # (marked pymc) need Theano-PyMC
    'lasagne_reg/compat/*': ['tests/test_compat.py',
                             'tests/test_compat_aliases.py',
                             'tests/test_compat_blas.py',
                             'tests/test_compat_build.py',
                             'tests/test_compat_cli.py',
                             'tests/test_compat_cops.py',
                             'tests/test_compat_flags.py',
                             'tests/test_compat_modules.py',
                             'tests/test_compat_numpy2.py',
                             'tests/test_compat_patch.py',
                             'tests/test_compat_patched.py',
                             'tests/test_compat_py312.py',
                             'tests/test_compat_site.py',
                             'tests/test_compat_stack.py',
                             'tests/test_compat_standins.py'],
    'lasagne_reg/_kernels/*': ['tests/test_kernels*.py',
                               'tests/test_regularization.py'],
}

#: Functions whose mutants count, for modules measured in part (fnmatch
#: patterns on mutmut's function names; methods are ``xǁClassǁmethod``).
SCOPE = {
    # the demo's argument checks and its results table (its training and
    # figure are not mutated: NOT_MUTATED)
    'lasagne_reg/demo/_report.py': ['x_format_table', 'x__count',
                                    'x__checked_results'],
    'lasagne_reg/demo/_cli.py': ['x__positive_int', 'x__setting_list',
                                 'x__check_environment'],
}

#: Tests that cannot pass on mutmut's copy, and why: deselected there.
INCOMPATIBLE = {
    'tests/test_validate.py::'
    'test_a_filter_that_selects_nothing_warns_and_gives_zero':
        "asserts the warning's frame (its stacklevel), and mutmut's "
        'trampoline adds two frames to every call of a mutated function',
    'tests/test_backend.py::'
    'test_the_library_imports_a_backend_only_through_backend':
        "parses lasagne_reg's source files, which on mutmut's copy hold "
        'every mutant of a function beside the original (import_module(None) '
        'among them)',
}

_DEMO_RUN = ("the demo's training and figure: measured by tests/test_demo.py "
             'through its trained numbers and the figure it writes, not '
             'mutant by mutant (each mutant would retrain every setting)')

#: Modules not mutated, and why.
NOT_MUTATED = {
    'lasagne_reg/compat/_hook.py':
        'copied verbatim into site-packages and run at interpreter start-up '
        'of other environments (some without mutmut); tested end to end by '
        'the enable/disable subprocess tests',
    'lasagne_reg/demo/_settings.py': _DEMO_RUN,
    'lasagne_reg/demo/_training.py': _DEMO_RUN,
    'lasagne_reg/demo/_figure.py': _DEMO_RUN,
    'lasagne_reg/_kernels/_pytensor.py':
        "PyTensor's share of the one-pass Op (its pullback/pushforward, the "
        'Numba and JAX implementations): never imported on the Theano stack '
        'mutation testing runs on; tested by the PyTensor run of make test '
        '(tests/test_kernels.py in .venv-pytensor)',
}

#: The stack that measures each module, where it is not theano (Python
#: 3.11, numpy 1.23.5): its code runs only there, and a run on another stack
#: would count mutants of code that never ran. module: (stack, why)
ELSEWHERE = {
    'lasagne_reg/compat/_py312.py': (
        'py312', 'its stand-ins are served on Python 3.12+ only'),
    'lasagne_reg/compat/_numpy2.py': (
        'numpy2', 'its patches are applied on numpy 2 only'),
    'lasagne_reg/compat/_cops.py': (
        'numpy2', 'its patches are applied on numpy 2 only'),
}
DEFAULT_STACK = 'theano'


def stack_of(module):
    """The stack of the Makefile's table that measures `module`."""
    return ELSEWHERE.get(module, (DEFAULT_STACK,))[0]


def runs_here(module, stack=DEFAULT_STACK):
    """True if `module` is measured on `stack`."""
    return stack_of(module) == stack


#: --smoke: one small pure-Python module and the tests of it that compile
#: nothing, so that make test can check the whole set-up in seconds.
SMOKE_MODULE = 'lasagne_reg/compat/_flags.py'
SMOKE_TESTS = ['tests/test_compat_flags.py']

STATUSES = ('killed', 'timeout', 'survived', 'no tests')


def modules():
    """Every module of the package, as paths relative to the root."""
    found = glob.glob(os.path.join(ROOT, PACKAGE, '**', '*.py'),
                      recursive=True)
    return sorted(os.path.relpath(p, ROOT).replace(os.sep, '/')
                  for p in found)


def has_functions(module, root=ROOT):
    """True if `module` defines a function or method (mutmut mutates only
    those: a module of imports and constants has no mutants)."""
    with open(os.path.join(root, module)) as f:
        tree = ast.parse(f.read())
    return any(isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
               for node in ast.walk(tree))


def dotted(module):
    """'lasagne_reg/compat/__init__.py' -> 'lasagne_reg.compat'."""
    name = module[:-len('.py')].replace('/', '.')
    return name[:-len('.__init__')] if name.endswith('.__init__') else name


def tests_for(module, root=ROOT):
    """The test files (relative paths) that judge `module`'s mutants."""
    for pattern, files in TESTS.items():
        if fnmatch.fnmatch(module, pattern):
            found = []
            for f in files:
                found += sorted(os.path.relpath(p, root).replace(os.sep, '/')
                                for p in glob.glob(os.path.join(root, f)))
            own = _own_compat_tests(module)
            return sorted(found, key=lambda f: f != own)
    own = 'tests/test_%s.py' % os.path.basename(module)[:-3].lstrip('_')
    if os.path.exists(os.path.join(root, own)):
        return [own]
    return ['tests']


def _own_compat_tests(module):
    """'lasagne_reg/compat/_blas.py' -> 'tests/test_compat_blas.py'
    (``__init__.py`` -> 'tests/test_compat.py')."""
    name = os.path.basename(module)[:-3].strip('_')
    return 'tests/test_compat%s.py' % ('_' + name if name != 'init' else '')


def patterns_for(module):
    """mutmut name patterns selecting `module`'s mutants in scope."""
    if not has_functions(module):
        return []
    # a function's name starts with x (x_name, or xǁClassǁname for a
    # method): a package's pattern must not match its submodules' mutants
    prefix = dotted(module) + '.'
    return [prefix + p + '*' for p in SCOPE.get(module, ['x'])]


def in_scope(module, name):
    """True if mutant `name` of `module` is one the table counts."""
    return any(fnmatch.fnmatchcase(name, p) for p in patterns_for(module))


# -- the run -----------------------------------------------------------------

def _config(selected, selection):
    lines = ['[mutmut]', 'source_paths = %s' % PACKAGE]
    lines += ['only_mutate ='] + ['    ' + m for m in selected]
    lines += ['do_not_mutate ='] + ['    ' + m for m in sorted(NOT_MUTATED)]
    lines += ['also_copy =', '    conftest.py', '    pytest.ini',
              '    benchmarks', '    tools', '    mutation_plugin.py']
    lines += ['pytest_add_cli_args_test_selection ='] + [
        '    ' + a for a in selection]
    lines += ['pytest_add_cli_args =', '    -p', '    mutation_plugin',
              '    -p', '    no:cacheprovider']
    for test in sorted(INCOMPATIBLE):
        lines += ['    --deselect', '    ' + test]
    return '\n'.join(lines) + '\n'


def prepare(work, selected, selection):
    """A fresh copy of the checkout in `work`, with mutmut's setup.cfg."""
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    ignore = shutil.ignore_patterns('__pycache__', '*.pyc')
    for name in (PACKAGE, 'tests', 'benchmarks', 'tools'):
        shutil.copytree(os.path.join(ROOT, name), os.path.join(work, name),
                        ignore=ignore)
    for name in ('conftest.py', 'pytest.ini'):
        shutil.copy2(os.path.join(ROOT, name), work)
    shutil.copy2(os.path.join(ROOT, 'tools', 'mutation_plugin.py'), work)
    with open(os.path.join(work, 'setup.cfg'), 'w') as f:
        f.write(_config(selected, selection))
    return {dotted(m): tests_for(m) for m in selected}


def environment(test_map, work):
    env = dict(os.environ)
    env['LASAGNE_REG_TEST_BACKEND'] = 'theano'
    env.pop('LASAGNE_REG_BACKEND', None)
    env['LASAGNE_REG_MUTATION_TESTS'] = json.dumps(test_map)
    flags = env.get('THEANO_FLAGS', '')
    if 'base_compiledir' not in flags and 'compiledir' not in flags:
        # beside the copy, which each run makes afresh: the cache stays warm
        cache = 'base_compiledir=' + work.rstrip(os.sep) + '.theano'

        env['THEANO_FLAGS'] = ','.join(f for f in (cache, flags) if f)
    env['PYTHONDONTWRITEBYTECODE'] = '1'
    return env


def enabled_here():
    """compat's start-up hook files in this virtualenv (a mutant of
    ``enable`` that ignores ``--site-dir`` would write them here, and every
    later process of the virtualenv would run compat)."""
    import sysconfig
    site = sysconfig.get_paths()['purelib']
    return [os.path.join(site, n) for n in ('lasagne_reg_compat.pth',
                                            '_lasagne_reg_compat.py')
            if os.path.exists(os.path.join(site, n))]


def run_mutmut(work, patterns, jobs, env, log_path):
    """mutmut run in `work`; its output goes to `log_path`. Returns its rc."""
    cmd = [sys.executable, '-m', 'mutmut', 'run', '--max-children',
           str(jobs)] + patterns
    with open(log_path, 'w') as log:
        proc = subprocess.run(cmd, cwd=work, env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    return proc.returncode


# -- the results -------------------------------------------------------------

def _status_names():
    from mutmut.stats import status_by_exit_code
    return status_by_exit_code


def results(work, selected):
    """{module: {mutant name: status}} for the mutants in scope."""
    status_by_exit_code = _status_names()
    found = {}
    for module in selected:
        meta = os.path.join(work, 'mutants', module + '.meta')
        found[module] = {}
        if not os.path.exists(meta):
            continue
        with open(meta) as f:
            codes = json.load(f)['exit_code_by_key']
        for name, code in codes.items():
            name = name.replace('.__init__.', '.')
            if in_scope(module, name):
                found[module][name] = status_by_exit_code[code]
    return found


def equivalents(root=ROOT):
    """The equivalent mutants of tools/equivalent_mutants.toml.

    Returns a list of dicts: ``module`` (a path), ``function`` (``f`` or
    ``Class.method``), ``line`` and ``mutant`` (tuples of lines, stripped)
    and ``why``.
    """
    path = os.path.join(root, EQUIVALENT)
    with open(path, 'rb') as f:
        groups = tomllib.load(f)['equivalent']
    return [{'module': m['module'], 'function': m['function'],
             'line': _stripped(m['line']), 'mutant': _stripped(m['mutant']),
             'why': group['why']}
            for group in groups for m in group['mutant']]


def _stripped(text):
    return tuple(line.strip() for line in text.strip('\n').split('\n'))


def mangled(function):
    """'f' -> 'x_f'; 'Class.method' -> mutmut's 'x\u01c1Class\u01c1method'."""
    cls, _, name = function.rpartition('.')
    return 'x\u01c1%s\u01c1%s' % (cls, name) if cls else 'x_' + name


def change(diff):
    """(removed lines, added lines) of a unified diff, each stripped."""
    body = [line for line in diff.splitlines()
            if not line.startswith(('---', '+++'))]
    return (tuple(line[1:].strip() for line in body if line.startswith('-')),
            tuple(line[1:].strip() for line in body if line.startswith('+')))


def equivalent_to(module, name, diff, entries):
    """The entry that records mutant `name` of `module` (its `diff`), or
    None."""
    function = name.rsplit('__mutmut_', 1)[0].rpartition('.')[2]
    removed, added = change(diff)
    for entry in entries:
        if (entry['module'] == module and mangled(entry['function']) == function
                and entry['line'] == removed and entry['mutant'] == added):
            return entry
    return None


def stale(entries, root=ROOT):
    """Entries whose function, or original line in it, is no longer in the
    source: the code changed, so the equivalence must be looked at again."""
    found = []
    for entry in entries:
        source = _function_source(os.path.join(root, entry['module']),
                                  entry['function'])
        lines = None if source is None else _stripped(source)
        n = len(entry['line'])
        if lines is None or not any(lines[i:i + n] == entry['line']
                                    for i in range(len(lines) - n + 1)):
            found.append(entry)
    return found


def _function_source(path, function):
    """The source of `function` ('f' or 'Class.method') in `path`, or None."""
    if not os.path.exists(path):
        return None
    with open(path, encoding='utf-8') as f:
        text = f.read()
    cls, _, name = function.rpartition('.')
    body = ast.parse(text).body
    if cls:
        body = [item for node in body if isinstance(node, ast.ClassDef)
                and node.name == cls for item in node.body]
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                and node.name == name:
            return ast.get_source_segment(text, node)
    return None


def count(statuses, equivalent=frozenset()):
    """One row of the table for {mutant: status}."""
    row = {s: 0 for s in STATUSES}
    row['other'] = 0
    for status in statuses.values():
        row[status if status in STATUSES else 'other'] += 1
    row['mutants'] = len(statuses)
    row['documented'] = sum(1 for name, s in statuses.items()
                            if s != 'killed' and s != 'timeout'
                            and name in equivalent)
    detected = row['killed'] + row['timeout']
    row['score'] = 100.0 * detected / row['mutants'] if row['mutants'] else None
    return row


COLUMNS = ('mutants', 'killed', 'survived', 'timeout', 'no tests', 'other',
           'documented', 'score')


def format_table(rows):
    """{module: row} as an aligned text table, with a total row."""
    header = ('module',) + COLUMNS
    lines = [header]
    total = {c: 0 for c in COLUMNS if c != 'score'}
    for module, row in rows.items():
        lines.append((module,) + tuple(_cell(row[c]) for c in COLUMNS))
        for c in total:
            total[c] += row[c]
    detected = total['killed'] + total['timeout']
    total['score'] = (100.0 * detected / total['mutants']
                      if total['mutants'] else None)
    lines.append(('total',) + tuple(_cell(total[c]) for c in COLUMNS))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = ['  '.join(cell.ljust(w) if i == 0 else cell.rjust(w)
                      for i, (cell, w) in enumerate(zip(line, widths)))
            for line in lines]
    text.insert(1, '  '.join('-' * w for w in widths))
    return '\n'.join(text)


def _cell(value):
    if value is None:
        return '-'
    if isinstance(value, float):
        return '%.1f%%' % value
    return str(value)


def survivor_diffs(work, found):
    """{(module, name): diff} for the mutants not detected."""
    names = [(m, n) for m, statuses in found.items()
             for n, s in sorted(statuses.items())
             if s not in ('killed', 'timeout')]
    diffs = {}
    here = os.getcwd()
    os.chdir(work)
    try:
        from mutmut.__main__ import get_diff_for_mutant
        for module, name in names:
            try:
                diffs[module, name] = get_diff_for_mutant(
                    _meta_name(module, name), path=module)
            except Exception as exc:   # report it, keep the others
                diffs[module, name] = '(no diff: %s)\n' % exc
    finally:
        os.chdir(here)
    return diffs


def write_survivors(found, diffs, entries, path):
    """The mutants not detected, each with its diff (and, for an
    equivalent one, the reason recorded), into `path`."""
    with open(path, 'w', encoding='utf-8') as out:
        for (module, name), diff in diffs.items():
            entry = equivalent_to(module, name, diff, entries)
            note = '' if entry is None else ' (equivalent: %s)' % entry['why']
            out.write('# %s: %s%s\n%s\n' % (name, found[module][name], note,
                                             diff))
    return len(diffs)


def _meta_name(module, name):
    """The key mutmut stores `name` under (with __init__ for packages)."""
    if module.endswith('/__init__.py'):
        package = dotted(module)
        return package + '.__init__.' + name[len(package) + 1:]
    return name


# -- main --------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(
        prog='python tools/mutation.py',
        description='Mutation testing of lasagne_reg on the Theano stack '
                    '(mutmut), then a per-module table.')
    parser.add_argument('--module', action='append', metavar='PATH',
                        help='mutate only this module (repeatable), e.g. '
                             'lasagne_reg/report.py')
    parser.add_argument('--smoke', action='store_true',
                        help='one small module (%s) with the tests of it '
                             'that compile nothing: checks the set-up in '
                             'seconds' % SMOKE_MODULE)
    parser.add_argument('--table', action='store_true',
                        help='print the table of the last run, run nothing')
    parser.add_argument('--jobs', type=int, default=2,
                        help='mutants tested at once (default 2)')
    parser.add_argument('--stack', default=DEFAULT_STACK,
                        help='the stack of the Makefile\'s table this '
                             'virtualenv has (default %s): a full run '
                             'mutates the modules measured there'
                             % DEFAULT_STACK)
    parser.add_argument('--work', default=None, metavar='DIR',
                        help='where the copy is mutated (default '
                             '.cache/mutation-STACK, or .cache/mutation-smoke)')
    parser.add_argument('--fail-under', type=float, default=None,
                        metavar='PERCENT',
                        help='exit 1 if a module scores below this')
    args = parser.parse_args(argv)

    work = args.work or os.path.join(
        ROOT, '.cache', 'mutation-smoke' if args.smoke
        else 'mutation-' + args.stack)
    everything = modules()
    if args.smoke:
        selected, selection = [SMOKE_MODULE], SMOKE_TESTS
    else:
        selected = args.module or [m for m in everything
                                   if m not in NOT_MUTATED
                                   and runs_here(m, args.stack)]
        unknown = [m for m in selected if m not in everything]
        if unknown:
            parser.error('not a module of %s: %s'
                         % (PACKAGE, ', '.join(unknown)))
        wrong = ['%s is measured on the %s stack (%s): make mutation STACK=%s'
                 % (m, stack_of(m), ELSEWHERE[m][1], stack_of(m))
                 for m in selected if not runs_here(m, args.stack)]
        if wrong:
            parser.error('not on this stack: ' + '; '.join(wrong))
        selection = []
        for m in selected:
            if has_functions(m):
                selection += [f for f in tests_for(m) if f not in selection]
        if not selection:
            parser.error('nothing to mutate: no function in %s'
                         % ', '.join(selected))

    started = time.time()
    if not args.table and enabled_here():
        print('compat is enabled in this virtualenv (%s): the tests would '
              'not see it as a user does. Remove those files first.'
              % ', '.join(enabled_here()))
        return 1
    if not args.table:
        test_map = prepare(work, selected, selection)
        patterns = [p for m in selected for p in patterns_for(m)]
        log_path = os.path.join(work, 'mutmut.log')
        print('mutmut: %d module(s), tests %s; log in %s'
              % (len(selected), ' '.join(selection),
                 os.path.relpath(log_path, ROOT)), flush=True)
        rc = run_mutmut(work, patterns, args.jobs,
                        environment(test_map, work), log_path)
        if rc != 0:
            with open(log_path, errors='replace') as f:
                sys.stdout.write(f.read()[-4000:])
            print('\nmutmut failed (exit status %d)' % rc)
            return 1

    if enabled_here():
        print('warning: a mutant enabled compat in this virtualenv (%s): '
              'remove those files' % ', '.join(enabled_here()))
    found = results(work, selected)
    entries = equivalents()
    diffs = survivor_diffs(work, found)
    equivalent = {name for (module, name), diff in diffs.items()
                  if equivalent_to(module, name, diff, entries)}
    rows = {m: count(found[m], equivalent) for m in selected}
    print(format_table(rows))
    for m in NOT_MUTATED:
        if not args.smoke and not args.module:
            print('not mutated: %s (%s)' % (m, NOT_MUTATED[m]))
    for m, (stack, why) in ELSEWHERE.items():
        if stack != args.stack and not args.smoke and not args.module:
            print('measured on the %s stack: %s (%s; make mutation STACK=%s)'
                  % (stack, m, why, stack))
    for m, patterns in SCOPE.items():
        if m in selected:
            print('%s: only %s' % (m, ', '.join(p[2:] if p.startswith('x_')
                                                 else p for p in patterns)))
    for entry in stale(entries):
        print('stale in %s: %s %s no longer has %r'
              % (EQUIVALENT, entry['module'], entry['function'],
                 '\n'.join(entry['line'])))
    survivors = os.path.join(work, 'survivors.txt')
    n = write_survivors(found, diffs, entries, survivors)
    print('%d mutant(s) not detected, with diffs: %s'
          % (n, os.path.relpath(survivors, ROOT)))
    if not args.table:
        print('wall time %.0f s' % (time.time() - started))

    if args.smoke:
        row = rows[SMOKE_MODULE]
        checked = row['killed'] + row['timeout'] + row['survived']
        if not row['mutants'] or checked != row['mutants'] \
                or not row['killed']:
            print('smoke: expected every mutant of %s tested and some '
                  'killed' % SMOKE_MODULE)
            return 1
    if args.fail_under is not None:
        low = [m for m, row in rows.items()
               if row['score'] is not None and row['score'] < args.fail_under]
        if low:
            print('below %.0f%%: %s' % (args.fail_under, ', '.join(low)))
            return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
