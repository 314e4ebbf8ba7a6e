"""Progress of a build on stderr: tqdm's bar on a terminal; in a log (stderr not a terminal), one
plain line every few seconds: "Nhúng vector: 120/640 (19%), 3.1/s, còn khoảng 2 phút 48 giây"."""
from __future__ import annotations

import sys
import time
from typing import Callable, Iterable, Iterator, TextIO

LOG_EVERY = 5.0   # seconds between two lines in a log


def duration(seconds: float) -> str:
    """127 -> "2 phút 7 giây"; 40 -> "40 giây"."""
    seconds = max(0, round(seconds))
    minutes, secs = divmod(seconds, 60)
    return f"{minutes} phút {secs} giây" if minutes else f"{secs} giây"


def progress_line(desc: str, done: int, total: int | None, elapsed: float) -> str:
    """One line of a log: what is done of how much, the rate, and the time left when known."""
    rate = done / elapsed if elapsed > 0 else 0.0
    speed = f"{rate:.1f}/s" if rate >= 1 or not rate else f"{rate * 60:.1f}/phút"
    if not total:
        return f"{desc}: {done}, {speed}"
    line = f"{desc}: {done}/{total} ({100 * done // total}%), {speed}"
    if done and done < total and rate > 0:
        line += f", còn khoảng {duration((total - done) / rate)}"
    return line


def logged(items: Iterable, desc: str, out: TextIO, every: float = LOG_EVERY,
           clock: Callable[[], float] = time.monotonic) -> Iterator:
    """Yield items, writing progress_line to out at the start, at most once every `every` seconds,
    and at the end."""
    total = len(items) if hasattr(items, "__len__") else None
    start = last = clock()
    done = 0
    out.write(progress_line(desc, 0, total, 0.0) + "\n")
    out.flush()
    for item in items:
        yield item
        done += 1
        now = clock()
        if now - last >= every or done == total:
            last = now
            out.write(progress_line(desc, done, total, now - start) + "\n")
            out.flush()


def stderr_progress(items: Iterable, desc: str) -> Iterable:
    """The progress callable build_index takes: a bar on a terminal, lines in a log."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        return tqdm(items, desc=desc, file=sys.stderr, leave=False)
    return logged(items, desc, sys.stderr)
