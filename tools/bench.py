"""Performance figures measured in one run on this machine.

    python -m tools.bench                      # seed corpus: build, rebuild, cold start, queries
    python -m tools.bench --scale [--sizes 100000,1000000]   # synthetic large corpora
    python -m tools.bench --scale --sizes 100000 --milvus-size 100000   # + the Milvus row (milvus-lite)
    python -m tools.bench --tiny               # a few seconds: plumbing check (tests)
    python -m tools.bench --engines [--laws DIR] [--subset N]   # the engines side by side on the laws' passages
    python -m tools.bench --references --corpus ../shared/legal/corpus --index DIR   # references: cost, counts, --cited-by

Every line reads "name: value unit (target: ..., ok/MISSING)". Times are wall-clock seconds or
milliseconds; the machine is shared, so the load average is printed next to the figures.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tools.bench_common import QUERIES, machine_header


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=Path("corpus"))
    ap.add_argument("--index", type=Path, default=Path("index"),
                    help="seed index for --scale (its vectors and sentences); built when missing")
    ap.add_argument("--scale", action="store_true", help="synthetic 100k / 1M corpora")
    ap.add_argument("--sizes", default="100000,1000000", help="passage counts for --scale")
    ap.add_argument("--queries", type=int, default=200, help="queries per size in --scale")
    ap.add_argument("--milvus-size", type=int, default=0,
                    help="with --scale: also this many passages through milvus-lite (needs requirements-milvus.txt)")
    ap.add_argument("--tiny", action="store_true", help="one document, few queries (a smoke test)")
    ap.add_argument("--engines", action="store_true",
                    help="the engines side by side: build of the laws' passages, query latency, RSS")
    ap.add_argument("--laws", type=Path, default=Path("../shared/legal/corpus"),
                    help="with --engines: the corpus to embed (default ../shared/legal/corpus; else --corpus)")
    ap.add_argument("--subset", type=int, default=0,
                    help="with --engines: embed a fixed subset of N passages (0: all of them)")
    ap.add_argument("--references", action="store_true",
                    help="reference extraction's share of a build, counts per kind, --cited-by timings (with --index)")
    args = ap.parse_args(argv)
    if args.references:
        from tools.bench_references import run_references

        run_references(args.corpus, args.index if args.index.exists() else None)
        return 0
    if args.engines:
        from tools.bench_engine import benchmark

        machine_header("engines")
        benchmark(args.laws if args.laws.is_dir() else args.corpus, args.subset, QUERIES)
        return 0
    if args.scale:
        from tools.bench_scale import run_scale

        run_scale([int(s) for s in args.sizes.split(",") if s.strip()], args.index, args.corpus, args.queries)
        if args.milvus_size:
            from tools.bench_milvus import run_milvus_scale

            run_milvus_scale(args.milvus_size, args.index, args.corpus, args.queries)
    else:
        from tools.bench_seed import run_seed

        run_seed(args.corpus, args.tiny)
    return 0


if __name__ == "__main__":
    sys.exit(main())
