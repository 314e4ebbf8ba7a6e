"""python -m tools.reliability: heavier robustness trials, with figures.

Bad queries (API and CLI), bad corpus files, kill -9 during a build, damaged index files,
concurrent searches during a rebuild. Index-building trials use FakeEmbedder (cheap,
deterministic) so that they are fast; the CLI checks use the real default embedder.
Slow patterns (every reader and query path at 1x and 4x input) and upload abuse (password
guessing, bombs, hostile names and corrections). Prints one "tried / passed" line per family (stdout and reliability-output.txt); details go to stderr.
"""
from __future__ import annotations
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tests.fakes import FakeEmbedder
from tools.growth import LINEAR_LIMIT
from tools.trials import ROOT, Outcome, copy_live_index, prepare_states, real_plans
from tools.trials_index import concurrency_trial, crash_trials, damage_trials
from tools.trials_cli import cli_argument_trials
from tools.trials_hostile import bind_read_only, manifest_trials, unmount, unwritable_trials
from tools.trials_special import corpus_b_of, special_file_trials
from tools.trials_inputs import api_bad_queries, bad_corpus_trials, cli_bad_queries
from tools.trials_slow import slow_pattern_trials
from tools.trials_upload import upload_abuse_trials


def _report(title: str, outcomes: list[Outcome]) -> tuple[int, int]:
    for o in outcomes:
        if not o.ok:
            print(f"  FAIL {title}: {o.name}: {o.detail}", file=sys.stderr)
    return len(outcomes), sum(o.ok for o in outcomes)


def _cli_arguments(work: Path, real_index: Path) -> list:
    """Every bad argument; when the real index can be mounted read-only, the CLI on it too."""
    cli_work = work / "cli"
    cli_work.mkdir()
    ro = None
    if real_index.is_dir():
        ro = cli_work / "ro-index"
        shutil.copytree(real_index, ro)
        corpus_b_of(cli_work, ROOT / "corpus")   # cli/changed-corpus
        if not bind_read_only(ro):
            print("  (cannot mount read-only here: the CLI read-only trials are left out)", file=sys.stderr)
            ro = None
    try:
        return cli_argument_trials(real_index, ROOT / "corpus", cli_work, ro)
    finally:
        if ro is not None:
            unmount(ro)


def main(argv: list[str] | None = None) -> int:
    import argparse
    import logging

    ap = argparse.ArgumentParser(prog="python -m tools.reliability")
    ap.add_argument("--crash", type=int, default=20)
    ap.add_argument("--damage", type=int, default=24)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--per-thread", type=int, default=250)
    ap.add_argument("--output", type=Path, default=ROOT / "reliability-output.txt")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("indexer").setLevel(logging.ERROR)
    from search.engine import Searcher

    plans = real_plans()
    lines = []
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="reliability-") as tmp:
        work = Path(tmp)
        t = time.perf_counter()
        states = prepare_states(work, plans[:2])
        print(f"  prepared fake-embedder indexes in {time.perf_counter() - t:.1f}s", file=sys.stderr)

        t = time.perf_counter()
        outcomes = api_bad_queries(Searcher(states["A"]["index"], embedder=FakeEmbedder()))
        real_index = work / "real-index"
        if not copy_live_index(ROOT / "index", real_index):
            print("  (no usable index in ./index: the CLI builds one in a temp folder)", file=sys.stderr)
            shutil.rmtree(real_index, ignore_errors=True)
        outcomes += cli_bad_queries(real_index, ROOT / "corpus")
        tried, passed = _report("bad input", outcomes)
        lines.append(f"bad inputs tried / passed: {tried} / {passed}")
        print(f"  bad inputs: {time.perf_counter() - t:.1f}s", file=sys.stderr)

        t = time.perf_counter()
        tried, passed = _report("bad file", bad_corpus_trials(work, plans[:2], plans[2]))
        lines.append(f"files tried / handled: {tried} / {passed}")
        print(f"  bad files: {time.perf_counter() - t:.1f}s", file=sys.stderr)

        t = time.perf_counter()
        outcomes = crash_trials(work, states, args.crash)
        tried, passed = _report("crash", outcomes)
        lines.append(f"crash trials / survived: {tried} / {passed}")
        left = [o.detail.rsplit(" ", 1)[-1] for o in outcomes if o.ok]
        print(f"  crash: {time.perf_counter() - t:.1f}s; left old index {left.count('A')}x, "
              f"new index {left.count('B')}x", file=sys.stderr)

        t = time.perf_counter()
        tried, passed = _report("damage", damage_trials(work, states, args.damage))
        lines.append(f"damage trials / detected: {tried} / {passed}")
        print(f"  damage: {time.perf_counter() - t:.1f}s", file=sys.stderr)

        t = time.perf_counter()
        tried, passed = _report("manifest", manifest_trials(work, states))
        lines.append(f"manifest shapes and tamperings tried / refused: {tried} / {passed}")
        tried, passed = _report("unwritable", unwritable_trials(work, states))
        lines.append(f"read-only and full-disk trials / last good index served: {tried} / {passed}")
        tried, passed = _report("special file", special_file_trials(work, plans))
        lines.append(f"special files tried / skipped without hanging: {tried} / {passed}")
        print(f"  manifest, unwritable, special files: {time.perf_counter() - t:.1f}s", file=sys.stderr)

        t = time.perf_counter()
        tried, passed = _report("cli argument", _cli_arguments(work, real_index))
        lines.append(f"bad arguments and streams tried / clean: {tried} / {passed}")
        print(f"  cli arguments: {time.perf_counter() - t:.1f}s", file=sys.stderr)

        t = time.perf_counter()
        searcher = Searcher(states["A"]["index"], embedder=FakeEmbedder())
        tried, passed = _report("slow pattern", slow_pattern_trials(searcher))
        lines.append(f"slow patterns tried / linear (4x input, at most {LINEAR_LIMIT:.0f}x time): {tried} / {passed}")
        tried, passed = _report("upload abuse", upload_abuse_trials(plans))
        lines.append(f"upload abuses tried / held: {tried} / {passed}")
        print(f"  slow patterns, upload abuse: {time.perf_counter() - t:.1f}s", file=sys.stderr)

        t = time.perf_counter()
        tried, identical, problems = concurrency_trial(work, states, args.threads, args.per_thread)
        for p in problems[:20]:
            print(f"  FAIL concurrency: {p}", file=sys.stderr)
        lines.append(f"concurrent searches / identical: {tried} / {identical}")
        print(f"  concurrency: {time.perf_counter() - t:.1f}s", file=sys.stderr)
    print(f"  total {time.perf_counter() - t_start:.1f}s", file=sys.stderr)
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    args.output.write_text(text, encoding="utf-8")
    all_ok = all(l.split(": ")[1].split(" / ")[0] == l.split(" / ")[-1] for l in lines) and not problems
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
