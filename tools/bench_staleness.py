"""python -m tools.bench_staleness [--files 2000] [--nesting 20000]: two figures of the
reliability work. The corpus staleness check (what the page runs at most once a second): hashing
every file, as before, against the stat check with its cache of the last build. Reading an HTML
page of N nested divs (quadratic before the flattening walk, linear after)."""
from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from indexer.index.build import corpus_fingerprint
from indexer.read.corpus import corpus_files
from indexer.read.formats import read_text

ROOT = Path(__file__).resolve().parent.parent


def staleness(files: int) -> str:
    plans = sorted((ROOT / "corpus").glob("*.txt"))
    with tempfile.TemporaryDirectory(prefix="staleness-") as tmp:
        root = Path(tmp)
        for i in range(files):
            shutil.copy(plans[i % len(plans)], root / f"plan-{i:05d}.txt")
        corpus_fingerprint(root, corpus_files(root))   # warm the page cache
        t = time.perf_counter()
        full, stats = corpus_fingerprint(root, corpus_files(root))
        hashed = time.perf_counter() - t
        times = []
        for _ in range(5):
            t = time.perf_counter()
            cached, _ = corpus_fingerprint(root, corpus_files(root), stats)
            times.append(time.perf_counter() - t)
        assert cached == full
        size = sum(p.stat().st_size for p in root.iterdir()) / 2**20
    return (f"staleness, {files} files ({size:.0f} MB): hash every file {hashed * 1000:.0f} ms; "
            f"stat check median of 5 {sorted(times)[2] * 1000:.0f} ms")


def nested_html(n: int) -> str:
    with tempfile.TemporaryDirectory(prefix="nested-") as tmp:
        path = Path(tmp) / "deep.html"
        path.write_bytes(("<html><body>" + "<div>chữ " * n + "nội dung" + "</div>" * n + "</body></html>").encode())
        t = time.perf_counter()
        read_text(path)
        return f"html, {n} nested divs ({path.stat().st_size // 1024} KB): read in {time.perf_counter() - t:.2f} s"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.bench_staleness")
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--nesting", type=int, default=20000)
    args = ap.parse_args(argv)
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(staleness(args.files))
    print(nested_html(args.nesting))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
