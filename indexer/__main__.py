"""python -m indexer [--corpus corpus] [--index index | --milvus URI [--part NAME]] [--inspect] [--rebuild] [--add FILE...]"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from indexer.index.embedders import BACKENDS, DEFAULT_BACKEND, MissingBackend, make_embedder
from indexer.index.folder import IndexProblem
from indexer.read.intake import add_files


def tqdm_progress(items, desc):
    from tqdm import tqdm

    return tqdm(items, desc=desc, file=sys.stderr, leave=False, disable=None)


def model_progress():
    """A progress callable (fraction, message) for the one-time model conversion, on stderr."""
    from tqdm import tqdm

    bar = tqdm(total=100, desc="Chuẩn bị mô hình", file=sys.stderr, leave=False, disable=None)

    def report(done: float, message: str) -> None:
        bar.n = round(100 * min(1.0, done))
        bar.set_postfix_str(message[:40])
        bar.refresh()
    return report


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m indexer", description="Build or update the search index.")
    ap.add_argument("--corpus", default="corpus", type=Path, help="folder of plan files (default: corpus)")
    ap.add_argument("--index", default="index", type=Path, help="index folder (default: index)")
    ap.add_argument("--inspect", action="store_true",
                    help="print each plan's metadata, passage count and section tree; build nothing")
    ap.add_argument("--add", nargs="+", type=Path, metavar="FILE",
                    help="check FILE(s), save them into the corpus and update the index")
    ap.add_argument("--rebuild", action="store_true", help="rebuild even if nothing changed")
    ap.add_argument("--backend", default=DEFAULT_BACKEND, choices=BACKENDS + ("st",),
                    help=f"embedding engine (default {DEFAULT_BACKEND})")
    ap.add_argument("--prepare-model", action="store_true",
                    help="prepare the default embedding model (a one-time conversion) and exit")
    ap.add_argument("--model", default=None, help="model id or folder for the sentence-transformers backend")
    ap.add_argument("--milvus", metavar="URI", help="write the index to the Milvus server at URI instead of a folder "
                    "(pip install -r requirements-milvus.txt)")
    ap.add_argument("--part", default="", help="with --milvus: this corpus is the part NAME of a shared index; "
                    "its plans are NAME/<file> and only they are updated")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s", stream=sys.stderr)
    try:
        if args.inspect:
            from indexer.structure.inspect import inspect_corpus

            print(inspect_corpus(args.corpus))
            return 0
        if args.add and (code := add_files(args.add, args.corpus)):
            return code
        embedder = make_embedder(args.backend, args.model, progress=model_progress())
        if args.prepare_model:
            print(f"model ready: {embedder.backend}:{embedder.model_id}", file=sys.stderr)
            return 0
        if args.milvus:
            from functools import partial

            from indexer.index.milvus_store import build_milvus

            build_index = partial(build_milvus, part=args.part)
        else:
            from indexer.index.build import build_index

        report = build_index(args.corpus, args.milvus or args.index, embedder,
                             force=args.rebuild, progress=tqdm_progress,
                             log=lambda m: print(m, file=sys.stderr))
    except (IndexProblem, MissingBackend, FileNotFoundError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(describe(report), file=sys.stderr)
    return 0


def describe(report) -> str:
    if report.up_to_date:
        return f"index up to date: {report.documents} plans, {report.passages} passages (nothing embedded)"
    lines = [f"indexed {report.documents} plans, {report.passages} passages "
             f"({report.embedded} embedded, {report.reused} reused) -> {report.folder}"]
    lines += [f"  skipped {name}: {reason}" for name, reason in report.skipped]
    lines += [f"  duplicate {dup} (same as {orig}), indexed once" for dup, orig in report.duplicates]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
