"""python -m tools.bench_int8_layers: the int8 error of each layer of the e5 ONNX graph, measured
alone. For every group of nodes (the 4 quantizable nodes of one layer: the fused QKV Attention,
the attention output, FFN in, FFN out; then each kind of node across the 12 layers; with
--nodes every node alone), a graph with only that group dynamically quantized to int8 embeds the
same paragraphs as the fp32 graph; the figure is the mean 1 - cosine between the two vectors.
The largest errors decide what int8-mixed leaves in fp32 (e5_onnx_quant.MIXED_FP32)."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from indexer.embed.e5_onnx import FP32_MODEL, OnnxE5Embedder
from indexer.embed.e5_onnx_quant import node_names, quantize_dynamic_int8


CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def paragraphs(count: int) -> list[str]:
    """Every other paragraph (over 80 characters) of corpus/*.txt, from the second on (the
    calibration of int8-static takes the first ones)."""
    found = [b.strip() for p in sorted(CORPUS.glob("*.txt"))
             for b in p.read_text(encoding="utf-8").split("\n\n") if len(b.strip()) > 80]
    return found[1::2][:count]


def vectors(embedder: OnnxE5Embedder, session, texts: list[str]) -> np.ndarray:
    """Normalised mean-pooled vectors of texts' first windows, one text per call."""
    out = []
    for text in texts:
        ids = np.array([embedder.token_windows(text, False)[0]], np.int64)
        mean = session.run(["mean"], {"input_ids": ids, "attention_mask": np.ones_like(ids)})[0][0]
        out.append(mean / np.linalg.norm(mean))
    return np.stack(out)


def groups(names: dict[tuple[int, str], str], per_node: bool) -> list[tuple[str, list[str] | None]]:
    """(label, node names) to quantize together; None: every node."""
    out: list[tuple[str, list[str] | None]] = [("all", None)]
    if per_node:
        return out + [(f"layer {layer} {part}", [n]) for (layer, part), n in sorted(names.items())]
    layers = sorted({layer for layer, _ in names})
    out += [(f"layer {i}", [n for (layer, _), n in names.items() if layer == i]) for i in layers]
    parts = ("attention", "ao", "fi", "fo")
    return out + [(f"every {p}", [n for (_, part), n in names.items() if part == p]) for p in parts]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.bench_int8_layers", description=__doc__.splitlines()[0])
    ap.add_argument("--paragraphs", type=int, default=48)
    ap.add_argument("--nodes", action="store_true", help="every node alone (48 graphs) instead of groups")
    args = ap.parse_args(argv)
    import onnxruntime as ort

    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    embedder = OnnxE5Embedder(FP32_MODEL)
    fp32_path = embedder.cached["fp32"].onnx_path
    texts = paragraphs(args.paragraphs)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = os.cpu_count() or 1

    def session(path: Path):
        return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    reference = vectors(embedder, session(fp32_path), texts)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for key, names in groups(node_names(fp32_path), args.nodes):
            t = time.perf_counter()
            out = Path(tmp) / "one.onnx"
            quantize_dynamic_int8(fp32_path, out, only=names)
            error = float(np.mean(1 - (vectors(embedder, session(out), texts) * reference).sum(1)))
            rows.append((error, key))
            print(f"{key}: mean 1 - cosine {error:.2e} ({time.perf_counter() - t:.1f} s)", flush=True)
    print(f"--- sorted, largest error first ({len(texts)} paragraphs)")
    for error, key in sorted(rows, reverse=True):
        print(f"{error:.2e}  {key}")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
