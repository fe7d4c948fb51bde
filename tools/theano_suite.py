#!/usr/bin/env python3
"""Theano 1.0.5's own tests under lasagne_reg.compat, numpy 1.23.5 vs numpy 2.

Runs each test module of the installed Theano with pytest (through
tools/theano_suite/pytest.ini, whose plugin calls compat.install()) in the
virtualenvs of the Makefile's stacks: theano (numpy 1.23.5, Python 3.11,
the reference), numpy2 (Python 3.11), py312 and py313 (numpy 2.5), as
``--stacks`` names them; then prints one row per module: tests collected,
passed on each stack, and lost (passed on numpy 1.23.5 but not on some
numpy-2 stack, listed per stack). Tests that fail on numpy 1.23.5 too are
Theano's own failures, listed separately. Each module's JUnit XML is kept in
--results, so ``--report-only`` prints the table again without running.

Where the theano stack is not among ``--stacks``, the modules of the quick
subset are compared with its checked-in results
(tests/data/theano_suite_numpy1.json, ``make reference-data``): that is
what ``make test`` does on the py313 stack.

Usage::

    python tools/theano_suite.py                     # every module we run
    python tools/theano_suite.py --quick --fail-on-lost --stacks numpy2
    python tools/theano_suite.py --modules theano.tensor.tests.test_sort
    python tools/theano_suite.py --stacks theano     # one stack only
    python tools/theano_suite.py --quick --stacks theano,numpy2,py313

A module is given as ``NAME`` or ``NAME:EXPR`` (EXPR goes to pytest -k).
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INI = os.path.join(ROOT, 'tools', 'theano_suite', 'pytest.ini')

# the Makefile's stacks with Theano 1.0.5 (their virtualenvs and compile
# caches: .venv or .venv-NAME, .cache/NAME); 'theano' (Python 3.11, numpy
# 1.23.5) is the reference every other stack is compared with
STACKS = ('theano', 'numpy2', 'py312', 'py313')
REFERENCE = 'theano'
REFERENCE_DATA = os.path.join(ROOT, 'tests', 'data',
                              'theano_suite_numpy1.json')


def venv(stack):
    """The virtualenv of a stack of the Makefile's table."""
    return '.venv' if stack == 'theano' else '.venv-' + stack

# make test's subset (--quick, on the py313 stack): for each
# Theano module whose code compat patches, its own tests, or a -k selection
# of them, chosen by measurement to take a few minutes per stack on two
# cores (timings in docs/theano-suite.rst). The literal, cast and gradient
# measures of compat/_numpy2.py are tested in tensor's test_basic (1,015
# tests, two minutes to collect): make theano-suite runs it, make test
# compares them with numpy 1.23.5 through tests/_parity_corpus.py instead.
QUICK = [
    'theano.tensor.tests.test_extra_ops',        # CumOp, BinCount, Unique
    'theano.tensor.tests.test_casting',          # complex casts
    'theano.scalar.tests.test_basic',            # complex scalar C struct
    # AdvancedIncSubtensor1 and AdvancedSubtensor1 (NPY_MAXDIMS)
    'theano.tensor.tests.test_subtensor:TestIncSubtensor1 or adv1 or '
    'adv_sub1 or advanced1 or inc_adv_subtensor1',
    'theano.tensor.tests.test_complex',          # complex C code
    'theano.tensor.signal.tests.test_conv',      # ConvOp's headers
    'theano.tensor.tests.test_raw_random',       # a copied RandomState
    'theano.tensor.tests.test_shared_randomstreams',   # the same, shared
    # MRG streams (mrg_next_value), less three slow tests of their C code
    'theano.sandbox.tests.test_rng_mrg:not test_deterministic and not '
    'test_f16_nonzero and not test_normal0',
    'theano.misc.tests.test_pkl_utils',          # pkl_utils' pickle (3.13)
    # upcast of variables: images2neibs' shape (T.ceil_intdiv)
    'theano.tensor.nnet.tests.test_neighbours:wrap_centered',
]

# make theano-suite: the packages that run on these machines (no GPU, no
# network). Excluded, with the reason, in docs/theano-suite.rst.
FULL_PACKAGES = [
    'tensor', 'scalar', 'tensor/nnet', 'tensor/signal', 'scan_module',
    'gof', 'compile', 'sparse',
]
EXCLUDED = {
    'theano.tests.test_flake8': 'lints Theano\'s sources with flake8 '
                                '(a style check of Theano, not behaviour)',
}


_SCIPY_DTYPE = ("expects scipy 1.17's float64 for an int8 or uint8 input "
                "(scipy 1.10 gave float32); Theano's output is float32, as on "
                "numpy 1.23.5, and within the test's tolerance of the "
                "reference's values")

# tests that fail on numpy 2 because they compare Theano with numpy 2's (or
# its scipy's) own changed semantics, where compat keeps numpy 1.23.5's
# result on purpose (parity); listed, and not counted as lost by
# --fail-on-lost
EXPECTED_LOST = {
    'theano.tensor.tests.test_extra_ops.test_Unique::test_basic_matrix':
        "expects numpy 2's np.unique inverse in the input's shape; Theano "
        "declares a vector and, on numpy 1.23.5, gave it flat, which compat "
        "keeps (tests/test_compat_cops.py compares with numpy 1.23.5)",
}
# test_basic's testers whose numpy 2 or scipy 1.17 reference changed dtype
EXPECTED_LOST.update({
    'theano.tensor.tests.test_basic.%sTester::test_good' % name:
        "expects numpy 2's np.%s of int64, which is int64 (numpy 1's was "
        "float64); Theano's output is float64, as on numpy 1.23.5, with the "
        "reference's values" % name.lower()
    for name in ('Ceil', 'Floor', 'Trunc')})
EXPECTED_LOST.update({
    'theano.tensor.tests.test_basic.%sTester::test_good' % name: _SCIPY_DTYPE
    for name in ('Erf', 'Gamma', 'Gammaln', 'Psi', 'TriGamma', 'J0', 'J1',
                 'I0', 'I1')})


# tests that fail on the numpy-2 stack in their own code, not in Theano's:
# the test computes its expected value with a name numpy 2 (or the scipy that
# comes with it) removed, or expects numpy 1's own limit; listed with what
# was checked instead, and not counted as lost by --fail-on-lost
TEST_CODE_LOST = {
    'theano.tensor.tests.test_elemwise.test_CAReduce::test_c':
        "its reference reduce_bitwise_and does np.array((-1,), dtype="
        "'uint8'), which numpy 2 refuses; Theano's and-reduction of uint8 "
        "and int8 matrices matches np.bitwise_and.reduce in C and Python "
        "on both numpys (tests/test_compat_numpy2.py)",
    'theano.tensor.tests.test_elemwise.test_CAReduce::test_perform':
        "the same reference helper, in Python mode",
    'theano.tensor.tests.test_elemwise.test_DimShuffle::test_too_big_rank':
        "reads np.MAXDIMS (removed in numpy 2) and expects numpy 1's limit "
        "of 32 dimensions; numpy 2 allows 64, so a 33-dimensional graph "
        "now runs (docs/backends.rst, What stays different)",
    'theano.tensor.tests.test_basic.test_arithmetic_cast::'
    'test_arithmetic_cast':
        "its helper get_numeric_subclasses calls np.dtype(np.number), which "
        "numpy 2 refuses; it compares Theano's arithmetic dtypes with numpy "
        "of the same process, which on numpy 2 would be NEP 50's. The "
        "parity corpus (tests/_parity_corpus.py) compares them with Theano "
        "on numpy 1.23.5 instead",
    'theano.tensor.tests.test_basic.test_numpy_assumptions::'
    'test_dtype_equality':
        "its helper get_numeric_subclasses calls np.dtype(np.number), "
        "which numpy 2 refuses; it checks numpy's own dtype equality, not "
        "Theano",
    'theano.scan_module.tests.test_scan::test_mintap_onestep':
        "its last line prints the scan's (1,)-shaped result with '%f', a "
        "conversion of a size-1 array to a float that numpy 2.4 removed, "
        "before its assert: the scan gives [2], int32, shape (1,), on both "
        "numpys (checked by hand)",
    'theano.tensor.nnet.tests.test_conv.TestConv2D::test_gcc_crash':
        "its reference loop adds Python ints to the shape values "
        "get_scalar_constant_value gives it, int8 on both numpys, and numpy "
        "2 refuses 128 as an int8 (OverflowError) after Theano's output was "
        "computed; that output (ConvOp, valid, (1, 10, 213, 129) by (46, 10, "
        "212, 1)) is the same bytes on both numpys and matches numpy "
        "(checked by hand)",
    'theano.tensor.tests.test_slinalg.TestKron::test_perform':
        "its reference is scipy.linalg.kron, gone from scipy 1.17 (the "
        "numpy-2 stack's); Theano's kron is its own and the 13 other "
        "slinalg tests pass",
}


def _theano_dir(python):
    out = subprocess.run(
        [python, '-c', 'import importlib.util as u; '
         'print(u.find_spec("theano").submodule_search_locations[0])'],
        capture_output=True, text=True, check=True)
    return out.stdout.strip()


def full_modules(python):
    """Every test module of FULL_PACKAGES in the installed Theano."""
    base = _theano_dir(python)
    names = []
    for package in FULL_PACKAGES:
        directory = os.path.join(base, package, 'tests')
        for filename in sorted(os.listdir(directory)):
            if filename.startswith('test_') and filename.endswith('.py'):
                name = 'theano.%s.tests.%s' % (package.replace('/', '.'),
                                               filename[:-3])
                if name not in EXCLUDED:
                    names.append(name)
    return names


def _split(spec):
    name, _, expr = spec.partition(':')
    return name, expr


def _xml_path(results, stack, spec):
    safe = spec.replace(':', '__').replace(' ', '_').replace('/', '_')
    return os.path.join(results, stack, safe + '.xml')


def run_module(stack, spec, results, timeout):
    """Run one module on one stack; return (seconds, cpu seconds,
    returncode), and keep the timings beside its JUnit XML."""
    python = os.path.join(ROOT, venv(stack), 'bin', 'python')
    if not os.path.exists(python):
        sys.exit('%s is missing: run "make %s/.installed" first'
                 % (python, venv(stack)))
    name, expr = _split(spec)
    xml = _xml_path(results, stack, spec)
    os.makedirs(os.path.dirname(xml), exist_ok=True)
    if os.path.exists(xml):
        os.remove(xml)
    flags = 'base_compiledir=%s' % os.path.join(ROOT, '.cache', stack)
    if os.environ.get('THEANO_FLAGS'):
        flags += ',' + os.environ['THEANO_FLAGS']
    env = dict(os.environ, THEANO_FLAGS=flags, PYTHONPATH=ROOT)
    cmd = [python, '-m', 'pytest', '-c', INI, '--rootdir',
           os.path.dirname(INI), '--pyargs', name, '-q', '-p', 'no:randomly',
           '--junitxml', xml]
    if expr:
        cmd += ['-k', expr]
    start = time.time()
    cpu = _children_cpu()
    log = xml[:-4] + '.log'
    with open(log, 'w') as out:
        try:
            code = subprocess.run(cmd, env=env, cwd=ROOT, stdout=out,
                                  stderr=subprocess.STDOUT,
                                  timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            code = 'timeout'
    seconds, cpu = time.time() - start, _children_cpu() - cpu
    with open(xml[:-4] + '.json', 'w') as out:
        json.dump({'seconds': seconds, 'cpu': cpu, 'exit': code}, out)
    return seconds, cpu, code


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timing(results, stack, spec):
    """{'seconds', 'cpu', 'exit'} of a module's last run, or None."""
    path = _xml_path(results, stack, spec)[:-4] + '.json'
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def outcomes(xml, module=''):
    """{test id: 'passed'|'failed'|'skipped'} from a JUnit XML, or None;
    ids are module.Class::test."""
    if not os.path.exists(xml):
        return None
    found = {}
    for case in ET.parse(xml).getroot().iter('testcase'):
        classname = case.get('classname') or ''
        if classname.startswith('.') or not classname:
            classname = module + classname
        test = '%s::%s' % (classname, case.get('name'))
        kinds = {child.tag for child in case}
        if kinds & {'failure', 'error'}:
            found[test] = 'failed'
        elif 'skipped' in kinds:
            found[test] = 'skipped'
        else:
            found[test] = 'passed'
    return found


def reference_data():
    """{spec: {test id: outcome}} of the theano stack, checked in."""
    with open(REFERENCE_DATA, encoding='utf-8') as f:
        return json.load(f)['outcomes']


def _label(stack):
    """'numpy X' or 'numpy X, py3.Y' for a stack's column heads."""
    python = os.path.join(ROOT, venv(stack), 'bin', 'python')
    if not os.path.exists(python):
        return '%s ?' % stack
    out = subprocess.run(
        [python, '-c', 'import sys, numpy; print(numpy.__version__, '
         '"%d.%d" % sys.version_info[:2])'], capture_output=True, text=True)
    numpy, _, python = out.stdout.strip().partition(' ')
    return '%s (py%s)' % (numpy, python)


def _count(found, kind):
    return '-' if found is None else str(sum(v == kind for v in
                                             found.values()))


def _lost(one, other):
    """Tests that passed on the reference but not on the other stack."""
    if one is None or other is None:
        return None
    return sorted(t for t, v in one.items()
                  if v == 'passed' and other.get(t) != 'passed')


def table(specs, results, stacks=('theano', 'numpy2'), reference=None):
    """The per-module table comparing each of stacks with the reference
    (REFERENCE, the first column: its results in `results`, or
    `reference`, {spec: outcomes}, where given); returns (text, lost,
    theanos), lost being {(stack, spec): [test ids]} without the listed
    expected ones."""
    others = [s for s in stacks if s != REFERENCE]
    labels = {s: _label(s) for s in [REFERENCE] + others}
    if reference is not None:
        labels[REFERENCE] = '1.23.5 (checked in)'

    head = (['module', 'tests'] + ['passed %s' % labels[s]
                                   for s in [REFERENCE] + others]
            + ['lost', 'fail on %s' % labels[REFERENCE],
               'wall s (%s)' % ' + '.join([REFERENCE] + others)])
    rows, lost, theanos, expected, test_code = [], {}, {}, set(), set()
    for spec in specs:
        module = _split(spec)[0]
        found = {s: outcomes(_xml_path(results, s, spec), module)
                 for s in [REFERENCE] + others}
        if reference is not None:
            found[REFERENCE] = reference.get(spec)
        one = found[REFERENCE]
        gone_any = None
        for stack in others:
            gone = _lost(one, found[stack])
            if gone is None:
                continue
            expected.update(t for t in gone if t in EXPECTED_LOST)
            test_code.update(t for t in gone if t in TEST_CODE_LOST)
            lost[stack, spec] = [t for t in gone if t not in EXPECTED_LOST
                                 and t not in TEST_CODE_LOST]
            gone_any = (gone_any or set()) | set(lost[stack, spec])
        theanos[spec] = sorted(t for t, v in (one or {}).items()
                               if v == 'failed')
        runs = [timing(results, s, spec) for s in [REFERENCE] + others]
        seconds = ' + '.join('%.0f' % r['seconds'] if r else '-'
                             for r in runs)
        total = max(len(f or {}) for f in found.values())
        rows.append([spec, str(total) if any(found.values()) else 'not run']
                    + [_count(found[s], 'passed')
                       for s in [REFERENCE] + others]
                    + ['-' if gone_any is None else str(len(gone_any)),
                       _count(one, 'failed'), seconds])
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    def line(r):
        return '  '.join(c.ljust(w) for c, w in zip(r, widths))
    text = [line(head), line(['-' * w for w in widths])]
    text += [line(r) for r in rows]
    for stack in others:
        names = [t for spec in specs for t in lost.get((stack, spec), ())]
        text += ['', 'Lost (passed on %s, not on %s): %d'
                 % (labels[REFERENCE], labels[stack], len(names))]
        text += ['  %s' % t for t in names]
    names = [t for spec in specs for t in theanos[spec]]
    text += ['', "Theano's own failures (fail on %s too): %d"
             % (labels[REFERENCE], len(names))]
    text += ['  %s' % t for t in names]
    text += ['', 'Lost on purpose (numpy 1.23.5 results kept): %d'
             % len(expected)]
    text += ['  %s: %s' % (t, EXPECTED_LOST[t]) for t in sorted(expected)]
    text += ['', "Lost in the test's own code (not counted as lost): %d"
             % len(test_code)]
    text += ['  %s: %s' % (t, TEST_CODE_LOST[t]) for t in sorted(test_code)]
    return '\n'.join(text), lost, theanos


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--modules', nargs='+', metavar='MODULE')
    parser.add_argument('--quick', action='store_true',
                        help='the make-test subset (%d modules)' % len(QUICK))
    parser.add_argument('--stacks', default='theano,numpy2',
                        help='comma-separated, from %s (default '
                        'theano,numpy2); each is compared with %s, whose '
                        'checked-in results serve for the quick subset '
                        'when it is not named' % (', '.join(STACKS), REFERENCE))
    parser.add_argument('--results', default=os.path.join(
        ROOT, '.cache', 'theano-suite'))
    parser.add_argument('--timeout', type=float, default=3600,
                        help='seconds per module and stack (default 3600)')
    parser.add_argument('--report-only', action='store_true',
                        help='print the table from earlier results')
    parser.add_argument('--fail-on-lost', action='store_true',
                        help='exit 1 when a test passes on numpy 1.23.5 '
                        'but not on numpy 2')
    args = parser.parse_args(argv)
    stacks = [s for s in args.stacks.split(',') if s]
    unknown = set(stacks) - set(STACKS)
    if unknown:
        parser.error('unknown stacks: %s' % ', '.join(sorted(unknown)))
    if args.modules:
        specs = args.modules
    elif args.quick:
        specs = QUICK
    else:
        specs = full_modules(os.path.join(ROOT, venv(stacks[0]), 'bin',
                                          'python'))
    if not args.report_only:
        for spec in specs:
            for stack in stacks:
                seconds, cpu, code = run_module(stack, spec, args.results,
                                                args.timeout)
                print('%-8s %-70s %6.0f s  %6.0f s CPU  (pytest exit %s)'
                      % (stack, spec, seconds, cpu, code), flush=True)
    compared = [REFERENCE] + [s for s in stacks if s != REFERENCE]
    reference = None
    if REFERENCE not in stacks:
        checked_in = reference_data()
        missing = [spec for spec in specs if spec not in checked_in]
        if missing:
            parser.error('%s has no results for %s: add %s to --stacks'
                         % (os.path.relpath(REFERENCE_DATA, ROOT),
                            ', '.join(missing), REFERENCE))
        reference = checked_in
    text, lost, _ = table(specs, args.results, compared, reference)
    print()
    print(text)
    if args.fail_on_lost and any(lost.values()):
        return 1
    if args.fail_on_lost and not all(
            outcomes(_xml_path(args.results, s, spec)) is not None
            for s in stacks for spec in specs):
        print('some module did not run on every stack (%s)'
              % ', '.join(stacks), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
