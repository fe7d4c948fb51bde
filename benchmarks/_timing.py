"""Paired, interleaved timing: the one method every benchmark here uses.

On a shared machine the time of a call drifts with whatever else runs, by
more than the differences we want to see. Timing two candidates one after
the other, each for a while, turns that drift into a false difference
(seen: ``ours/reference=1.60`` between identical graphs). Timing them in
alternation, many times, and taking the median of the ratios of each round
cancels most of it: both calls of a round see nearly the same machine.

:func:`interleave` times any number of callables in rounds; in each round
every callable runs once (a *sample*: ``calls`` calls, timed together), in an
order that rotates from round to round so that none always goes first.
:func:`ratio` turns two callables' samples into the median of their
per-round ratios, with its spread (10th-90th percentile) and the number of
rounds. :func:`paired` does both for two callables: A and B back to back,
B and A in the next pair, so the two samples of a pair are always adjacent
(with more candidates, time each against the reference in pairs of its own
rather than in one round of all: the closer in time, the better the noise
cancels).

Examples
--------
>>> import math
>>> times = interleave({'a': lambda: None, 'b': lambda: None}, rounds=5)
>>> r = ratio(times, 'a', 'b')
>>> r.n
5
>>> r.low <= r.median <= r.high
True
"""
import gc
import math
import time

import numpy as np

__all__ = ['Ratio', 'paired', 'interleave', 'ratio', 'calls_for',
           'seconds', 'format_ratio']


class Ratio:
    """Median of paired ratios A/B, with its 10-90 percentile spread.

    Attributes
    ----------
    median, low, high : float
        The median ratio and its 10th and 90th percentiles (nan if a
        candidate failed).
    n : int
        Number of pairs (rounds).
    a, b : float
        Median seconds per call of A and of B.
    """

    def __init__(self, ratios, a_times, b_times):
        ratios = np.asarray(ratios, dtype=float)
        self.n = len(ratios)
        if self.n:
            self.median = float(np.median(ratios))
            self.low, self.high = (float(v) for v in
                                   np.percentile(ratios, [10, 90]))
        else:
            self.median = self.low = self.high = math.nan
        self.a = float(np.median(a_times)) if len(a_times) else math.nan
        self.b = float(np.median(b_times)) if len(b_times) else math.nan

    def __str__(self):
        return format_ratio(self)

    def __repr__(self):
        return 'Ratio(%s)' % format_ratio(self)


def format_ratio(r):
    """``1.02 (0.97-1.08, 30 pairs)``: median (10-90 percentile, pairs)."""
    if r.n == 0 or math.isnan(r.median):
        return 'n/a'
    if r.n == 1:
        return '%.2f (1 pair)' % r.median
    return '%.2f (%.2f-%.2f, %d pairs)' % (r.median, r.low, r.high, r.n)


def calls_for(fn, min_time):
    """Calls of `fn` per sample so that a sample lasts about `min_time`.

    Calls `fn` once (which also warms it up) and at most a few more times.
    """
    start = time.perf_counter()
    fn()
    once = time.perf_counter() - start
    if once < min_time / 10:       # a second call: the first may be slow
        start = time.perf_counter()
        fn()
        once = time.perf_counter() - start
    return max(1, int(min_time / max(once, 1e-7)))


def interleave(fns, rounds, calls=None, min_time=0.0, max_time=None,
               collect=False):
    """Time every callable of `fns` once per round, in rotating order.

    Parameters
    ----------
    fns : dict
        name -> callable taking no argument.
    rounds : int
        How many rounds (pairs, for two callables) to time at most.
    calls : dict or int, optional
        Calls per sample (one number for all, or per name). By default,
        enough calls for a sample of `min_time` seconds (one call if 0).
    min_time : float
        See `calls`.
    max_time : float, optional
        Stop after the round during which this many seconds passed (at least
        three rounds are timed).
    collect : bool
        Run the garbage collector before each sample (for callables that
        allocate, such as graph builds and compiles).

    Returns
    -------
    dict
        name -> list of seconds per call, one per round (in round order, so
        that the i-th entries of two lists were timed side by side). A
        callable that raises is dropped from later rounds; its list stops
        there and the exception is kept under ``times.errors[name]``.
    """
    names = list(fns)
    if isinstance(calls, int):
        calls = dict.fromkeys(names, calls)
    elif calls is None:
        calls = {}
        for name in names:
            calls[name] = (calls_for(fns[name], min_time) if min_time > 0
                           else 1)
    times = _Times((name, []) for name in names)
    start = time.perf_counter()
    for i in range(rounds):
        order = names[i % len(names):] + names[:i % len(names)]
        if i % 2:          # rotate and reverse: each goes first and last
            order = order[::-1]
        for name in order:
            if name in times.errors:
                continue
            fn, n = fns[name], calls[name]
            if collect:
                gc.collect()
            try:
                t0 = time.perf_counter()
                for _ in range(n):
                    fn()
                times[name].append((time.perf_counter() - t0) / n)
            except Exception as exc:   # noqa: B902 - kept, reported
                times.errors[name] = exc
        if (max_time is not None and i >= 2
                and time.perf_counter() - start > max_time):
            break
    # only complete rounds count
    done = min(len(v) for k, v in times.items() if k not in times.errors) \
        if len(times.errors) < len(names) else 0
    for name in names:
        if name not in times.errors:
            del times[name][done:]
    return times


class _Times(dict):
    def __init__(self, *args):
        super().__init__(*args)
        self.errors = {}


def paired(a, b, rounds, min_time=0.0, max_time=None, collect=False):
    """:class:`Ratio` of callables `a` / `b` over `rounds` adjacent pairs.

    An exception raised by either propagates.
    """
    times = interleave({'a': a, 'b': b}, rounds, min_time=min_time,
                       max_time=max_time, collect=collect)
    for exc in times.errors.values():
        raise exc
    return ratio(times, 'a', 'b')


def ratio(times, a, b):
    """The median over rounds of ``times[a][i] / times[b][i]``."""
    if a in getattr(times, 'errors', {}) or b in getattr(times, 'errors', {}):
        return Ratio([], times.get(a, []), times.get(b, []))
    ta, tb = np.asarray(times[a]), np.asarray(times[b])
    n = min(len(ta), len(tb))
    return Ratio(ta[:n] / tb[:n], ta[:n], tb[:n])


def seconds(value):
    """A duration in a fixed width: ``  12.3us``, ``  4.56ms``, ``  7.89s``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return '%8s' % '-'
    if value < 1e-3:
        return '%6.1fus' % (value * 1e6)
    if value < 1:
        return '%6.2fms' % (value * 1e3)
    return '%6.2fs ' % value
