"""The structure reader on real documents: the five plans of corpus/ and the 15 laws of
../shared/legal/corpus (public ALQAC 2023 data, evaluation only: no text of it is copied here;
expected article headings are read from the files themselves). The law tests skip cleanly where
that folder is absent.

- article counts of three laws, counted by hand with grep -c '^Điều [0-9]*\\.' FILE;
- every passage of every law has its article in its section path;
- five known passages with exact section path and citation;
- coverage: the passages' texts, joined, hold every non-whitespace character of the body (from the
  end of the header to the signature block, and each appendix), each in exactly one passage."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from indexer.read.corpus import read_corpus
from indexer.structure.passages import passages_for
from indexer.structure.sections import continuation_lines, document_parts, split_lines
from indexer.text import is_blank_line, is_boilerplate_line
from tests.paths import PLANS

ROOT = Path(__file__).resolve().parents[2]

LAWS = ROOT.parent / "shared" / "legal" / "corpus"
needs_laws = pytest.mark.skipif(not LAWS.is_dir(), reason=f"{LAWS} is not here")


def _read(folder: Path) -> dict:
    reading = read_corpus(folder)
    assert not reading.skipped
    return {d.name: (d, passages_for(d)) for d in reading.documents}


@pytest.fixture(scope="module")
def laws():
    if not LAWS.is_dir():
        pytest.skip(f"{LAWS} is not here")
    return _read(LAWS)


@pytest.fixture(scope="module")
def plans():
    return _read(PLANS)


@needs_laws
@pytest.mark.parametrize("name, articles", [
    ("luat-phong-chong-ma-tuy.txt", 55), ("luat-thanh-nien.txt", 41), ("luat-cu-tru.txt", 38)])
def test_article_counts(laws, name, articles):
    _, passages = laws[name]
    seen = {p.section[-1] for p in passages}
    assert len(seen) == articles
    assert all(re.match(r"Điều \d+\.", s) for s in seen)


@needs_laws
def test_every_law_passage_has_its_article(laws):
    assert len(laws) == 15
    for name, (doc, passages) in laws.items():
        assert passages, name
        for p in passages:
            article = [s for s in p.section if re.match(r"Điều \d+\.", s)]
            assert len(article) == 1, (name, p.line_start, p.section)
            assert re.search(r"\bĐiều \d+ (Luật|Hiến pháp)", p.citation), (name, p.citation)


def _line_at(text: str, pattern: str, after: int = 0) -> int:
    """Offset of the first line matching pattern at or after offset `after`."""
    m = re.compile(pattern, re.MULTILINE).search(text, after)
    assert m, pattern
    return m.start()


# (law, article, khoản, điểm, citation): the passage holding the start of that article, khoản or
# điểm line; its section path is the article's heading line as the file writes it.
KNOWN = [
    ("luat-phong-chong-ma-tuy.txt", 32, None, None, "Điều 32 Luật Phòng, chống ma túy"),
    ("luat-phong-chong-ma-tuy.txt", 2, 14, None, "khoản 14 Điều 2 Luật Phòng, chống ma túy"),
    ("luat-cu-tru.txt", 26, 3, "c", "điểm c khoản 3 Điều 26 Luật Cư trú"),
    ("luat-bao-ve-moi-truong.txt", 42, 2, "c", "điểm c khoản 2 Điều 42 Luật Bảo vệ môi trường"),
    ("hien-phap.txt", 2, None, None, "Điều 2 Hiến pháp"),
]


@needs_laws
@pytest.mark.parametrize("name, article, clause, point, citation", KNOWN)
def test_known_law_passages(laws, name, article, clause, point, citation):
    doc, passages = laws[name]
    at = _line_at(doc.text, rf"^Điều {article}\.")
    heading = doc.text[at:doc.text.index("\n", at)].strip()
    if clause is not None:
        at = _line_at(doc.text, rf"^{clause}\. ", at)
    if point is not None:
        at = _line_at(doc.text, rf"^{point}\) ", at)
    found = [p for p in passages if p.char_start <= at < p.char_end]
    assert len(found) == 1
    assert found[0].section == (heading,)
    assert found[0].citation == citation
    if clause is None:   # an article's heading starts its passage: it is glued to nothing before it
        assert found[0].char_start == at


def _body_mask(text: str) -> np.ndarray:
    """True for each non-whitespace character of the body: from the end of the header to the
    signature block, and each appendix; portal lines (login prompts, page numbers) and lines of
    markup alone ("|", "-----") are not body."""
    lines = split_lines(text)
    header_end, parts = document_parts(lines, continuation_lines(lines))
    mask = np.zeros(len(text), dtype=bool)
    spans = [(header_end, parts[0].end)] + [(p.start - 1, p.end) for p in parts[1:]]
    for a, b in spans:
        for ln in lines[a:b]:
            if not is_boilerplate_line(ln.text) and not is_blank_line(ln.text):
                mask[ln.start:ln.end] = True
    return mask & np.array([not c.isspace() for c in text], dtype=bool)


def _assert_covered(doc, passages):
    mask = _body_mask(doc.text)
    count = np.zeros(len(doc.text), dtype=int)
    for p in passages:
        count[p.char_start:p.char_end] += 1
    lost = np.flatnonzero(mask & (count == 0))
    assert not len(lost), (doc.name, doc.text[lost[0]:lost[0] + 80])
    assert count.max() == 1, doc.name   # exactly one passage
    assert mask.sum() > 0.8 * sum(not c.isspace() for c in doc.text), doc.name


def test_plan_body_is_covered(plans):
    assert len(plans) == 5
    for doc, passages in plans.values():
        _assert_covered(doc, passages)


@pytest.mark.slow   # 1.6 MB of law text checked character by character: several seconds
@needs_laws
def test_law_body_is_covered(laws):
    for doc, passages in laws.values():
        lines = doc.text.split("\n")
        header_end, parts = document_parts(split_lines(doc.text), frozenset())
        # independent of the reader: the header is the title line, the signature block starts
        # at "CHỦ TỊCH QUỐC HỘI" (or "CHỦ TỊCH") where the file has one
        assert header_end == 1
        sign = [i for i, line in enumerate(lines) if line.strip() in ("CHỦ TỊCH QUỐC HỘI", "CHỦ TỊCH")]
        assert parts[0].end == (sign[0] if sign else len(lines)), doc.name
        _assert_covered(doc, passages)
