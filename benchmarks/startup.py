#!/usr/bin/env python
"""What ``python -m lasagne_reg.compat enable`` costs a process that never
imports Theano.

Two new virtualenvs see this interpreter's packages; compat is enabled in
one of them only. Each round starts ``python -c pass`` in both (in rotating
order); the result is the median of the per-round ratios enabled/disabled
with its 10-90 percentile spread, and the import time of the hook module
itself as ``python -X importtime`` reports it.

Usage::

    .venv/bin/python benchmarks/startup.py             # 40 rounds
    .venv/bin/python benchmarks/startup.py --rounds 200
    .venv/bin/python benchmarks/startup.py --smoke    # seconds: make test
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks._timing import interleave, ratio, seconds  # noqa: E402
from tests._support import fresh_env  # noqa: E402


def _start(python, code='pass'):
    return lambda: subprocess.run([python, '-c', code], check=True)


def _hook_import_time(python, repeats=5):
    """Microseconds ``-X importtime`` gives the hook module (median)."""
    found = []
    for _ in range(repeats):
        err = subprocess.run([python, '-X', 'importtime', '-c', 'pass'],
                             capture_output=True, text=True).stderr
        match = re.search(r'import time:\s+(\d+) \|\s+\d+ \|\s+'
                          r'_lasagne_reg_compat$', err, re.M)
        if match:
            found.append(int(match.group(1)))
    return sorted(found)[len(found) // 2] if found else None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--rounds', type=int, default=40)
    parser.add_argument('--smoke', action='store_true',
                        help='3 rounds: checks that it runs (make test)')
    args = parser.parse_args(argv)
    if args.smoke:
        args.rounds = 3
    with tempfile.TemporaryDirectory() as tmp:
        on = fresh_env(os.path.join(tmp, 'enabled'))
        off = fresh_env(os.path.join(tmp, 'disabled'))
        subprocess.run([on.python, '-m', 'lasagne_reg.compat', 'enable'],
                       check=True, capture_output=True)
        modules = subprocess.run(
            [on.python, '-c', 'import sys; print(sorted(m for m in '
             '("numpy", "lasagne_reg", "theano") if m in sys.modules))'],
            check=True, capture_output=True, text=True).stdout.strip()
        times = interleave({'enabled': _start(on.python),
                            'disabled': _start(off.python)},
                           rounds=args.rounds)
        r = ratio(times, 'enabled', 'disabled')
        hook_us = _hook_import_time(on.python)
    print('start-up of python -c pass, compat enabled vs not (%s)'
          % sys.version.split()[0])
    print('  enabled %s  disabled %s  enabled/disabled=%s'
          % (seconds(r.a), seconds(r.b), r))
    print('  the hook module: %s us (python -X importtime, median of 5)'
          % hook_us)
    print('  backends imported at start-up with compat enabled: %s'
          % modules)


if __name__ == '__main__':
    main()
