"""python -m tools.bench_steps [--subset N]: what each throughput step of a build is worth, on the
default engine (onnx int8-static), in one run. Every configuration embeds the same fixed subset of the
laws' passages, interleaved chunk by chunk (all see the same load):

- before: passages in the corpus' order, 32 per call, one session on every core (the old build);
- + sorted: every passage sorted by length first, so a batch pads little;
- + chunks of 64: twice the passages per call;
- + workers: the batches of a call shared out between one worker per core, each on a one-thread
  session, instead of every operator of one batch shared out between the cores;
- batch size: the same with other caps on the windows and tokens of one onnxruntime call."""
from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from indexer.embed.e5_onnx import BATCH, BATCH_TOKENS, DEFAULT_MODEL, OnnxE5Embedder
from tools.bench_common import line, machine_header
from tools.bench_engine import law_passages


@dataclass(frozen=True)
class Step:
    label: str
    by_length: bool
    chunk: int
    workers: bool
    windows: int = BATCH
    tokens: int = BATCH_TOKENS


STEPS = (
    Step("before: corpus order, 32 per call, one session on every core", False, 32, False),
    Step("+ sorted by length", True, 32, False),
    Step("+ chunks of 64", True, 64, False),
    Step("+ one worker per core (the default)", True, 64, True),
    Step("  batches of at most 2048 tokens", True, 64, True, BATCH, 2048),
    Step("  batches of at most 16 windows", True, 64, True, 16, BATCH_TOKENS),
    Step("  batches of at most 64 windows, 8192 tokens", True, 64, True, 64, 8192),
)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.bench_steps", description=__doc__.splitlines()[0])
    ap.add_argument("--laws", type=Path, default=Path("../shared/legal/corpus"))
    ap.add_argument("--subset", type=int, default=256)
    args = ap.parse_args(argv)
    machine_header("throughput steps")
    texts = {order: law_passages(args.laws, args.subset, order) for order in (False, True)}
    engines = []
    for step in STEPS:
        e = OnnxE5Embedder(DEFAULT_MODEL, workers=step.workers)
        e.batch_windows, e.batch_tokens = step.windows, step.tokens
        e.embed_passages(texts[True][:2])
        engines.append(e)
    line("passages", f"{len(texts[True])} of {args.laws} (every k-th), {sum(map(len, texts[True]))} characters")
    seconds = [0.0] * len(STEPS)
    for start in range(0, len(texts[True]), 64):
        for i, (step, e) in enumerate(zip(STEPS, engines)):
            for c in range(start, start + 64, step.chunk):
                t = time.perf_counter()
                e.embed_passages(texts[step.by_length][c:c + step.chunk])
                seconds[i] += time.perf_counter() - t
    for step, s in zip(STEPS, seconds):
        line(step.label, f"{s:.1f} s ({s / seconds[0]:.2f}x the first)")
    line("load average at end", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
