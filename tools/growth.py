"""How a function's time grows with its input: the ratio of its CPU time on a 4x input to its
time on a 1x input (about 4 when linear, 16 when quadratic). CPU time of this process, the
least of a few runs, so that other processes sharing the cores move it little; a run that takes
less than MIN_SECONDS is repeated until it does, so that a fast function is not all noise."""
from __future__ import annotations

import gc
import time
from typing import Callable

MIN_SECONDS = 0.02
LINEAR_LIMIT = 6.0     # ratio a linear function stays under at 4x (quadratic is 16)


def cpu_seconds(fn: Callable[[], object], repeats: int = 3) -> float:
    """The least CPU time of one call of fn over a few runs (each run repeats fn until it has
    taken MIN_SECONDS, divided by the number of calls)."""
    best = float("inf")
    for _ in range(repeats):
        calls, start = 0, time.process_time()
        while True:
            fn()
            calls += 1
            spent = time.process_time() - start
            if spent >= MIN_SECONDS or calls >= 1000:
                break
        best = min(best, spent / calls)
    return best


def growth(make: Callable[[int], object], call: Callable[[object], object], n: int,
           factor: int = 4, repeats: int = 3) -> tuple[float, float, float]:
    """(seconds at n, seconds at factor*n, ratio) for call(make(size))."""
    small, large = make(n), make(factor * n)
    call(small)   # warm caches and lazy imports before timing
    enabled = gc.isenabled()
    gc.disable()  # a collection of the whole heap landing in one run is not the code's growth
    try:
        t1 = cpu_seconds(lambda: call(small), repeats)
        t4 = cpu_seconds(lambda: call(large), repeats)
    finally:
        if enabled:
            gc.enable()
    return t1, t4, t4 / max(t1, 1e-9)
