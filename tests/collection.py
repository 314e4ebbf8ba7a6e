"""Collections for the page's many-document tests (issue #26): the five plans with the laws beside
the checkout (20 documents), and 200 generated from those 20 (each copied nine more times,
renumbered, so that every copy is a distinct document). The laws are read where they lie, never
copied into the repository."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import numpy as np

from indexer.index import folder as store
from indexer.index.build import BuildReport, build_index, embedding_text
from tests.paths import LAWS, PLANS

COPIES = 9   # 20 documents + 9 renumbered copies of each = 200


def corpus_of_20(where: Path) -> Path:
    """The five plans and the fifteen laws in one folder."""
    where.mkdir(parents=True, exist_ok=True)
    for source in sorted(PLANS.glob("*.txt")) + sorted(LAWS.glob("*.txt")):
        shutil.copyfile(source, where / source.name)
    return where


def renumbered(text: str, number: str, n: int) -> str:
    """The document as its n-th sibling: its number written with n in front ("743/KH-UBND" ->
    "3743/KH-UBND", also where the header writes it "**439**/KH-UBND"), or, when it states none
    (a law's title alone, a blank number), a number line under its title."""
    if number and number in text:
        return text.replace(number, f"{n}{number}")
    digits = re.match(r"\d+", number or "")
    if digits and re.search(rf"(?<!\d){digits.group()}(?!\d)", text[:3000]):
        return re.sub(rf"(?<!\d){digits.group()}(?!\d)", f"{n}{digits.group()}", text, count=1)
    first, _, rest = text.partition("\n")
    legal = first.strip().upper().startswith(("LUẬT", "BỘ LUẬT", "HIẾN PHÁP"))
    return f"{first}\nSố: {n}{len(text) % 97}/{'2026/QH15' if legal else 'KH-UBND'}\n{rest}"


def corpus_of_200(source: Path, where: Path) -> Path:
    """source's documents and COPIES renumbered copies of each (file names -01 ... -09)."""
    from indexer.read.corpus import read_corpus

    where.mkdir(parents=True, exist_ok=True)
    numbers = {d.name: d.metadata.number for d in read_corpus(source).documents}
    for path in sorted(source.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        shutil.copyfile(path, where / path.name)
        for n in range(1, COPIES + 1):
            (where / f"{path.stem}-{n:02d}.txt").write_text(renumbered(text, numbers.get(path.name, ""), n),
                                                              encoding="utf-8")
    return where


class SeededEmbedder:
    """The real embedder, asked only for texts a seed index has not embedded yet: a renumbered
    copy shares all but a passage or two with its original, whose vectors are the same ones the
    model gives (same model, same text)."""

    def __init__(self, real, seed_index: Path):
        self.real, self.backend, self.model_id, self.dim = real, real.backend, real.model_id, real.dim
        records = store.load_records(seed_index)
        vectors = store.load_vectors(records.folder, len(records.passages), real.dim)
        self.known = {embedding_text(p): vectors[i] for i, p in enumerate(records.passages)}
        self.embedded = 0

    def embed_passages(self, texts):
        missing = [t for t in dict.fromkeys(texts) if t not in self.known]
        if missing:
            self.known.update(zip(missing, self.real.embed_passages(missing)))
            self.embedded += len(missing)
        return np.stack([self.known[t] for t in texts]) if texts else np.zeros((0, self.dim), dtype=np.float32)

    def embed_query(self, text: str):
        return self.real.embed_query(text)


def kept_or(tmp: Path, env: str) -> Path:
    """The index folder: the one env names (kept between runs; brought up to date) or tmp."""
    return Path(os.environ[env]) if os.environ.get(env) else tmp


def build(corpus: Path, index_dir: Path, embedder) -> BuildReport:
    report = build_index(corpus, index_dir, embedder)
    assert not report.skipped and not report.duplicates, report
    return report


def laws_present() -> bool:
    return LAWS.is_dir() and len(list(LAWS.glob("*.txt"))) == 15
