"""What the reliability trials share: outcomes, child-process set-up, probe queries, and the
small fake-embedded indexes (states A and B) the index trials start from."""

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from tests.fakes import FakeEmbedder



ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Outcome:
    name: str
    ok: bool
    detail: str = ""


# children skip underthesea's optional pipelines: with PyTorch installed (the optional backend)
# they import torch and transformers, 10+ s per process; the default install has no PyTorch
CHILD_PRELUDE = """
import sys
for _m in ("translate", "dependency_parse", "classification", "sentiment", "lang_detect"):
    sys.modules.setdefault("underthesea.pipeline." + _m, None)
sys.modules.setdefault("underthesea.agent", None)
sys.modules.setdefault("underthesea.address", None)
"""

# ---- helpers for index trials -------------------------------------------------------------

PROBE_QUERIES = ["kế hoạch", "nâng cao chất lượng", "chuyen doi so", "ngân sách nhà nước",
                 "digital transformation", "UBND tỉnh", "42-", "trách nhiệm tổ chức thực hiện"]


def answers(searcher, queries: Sequence[str] = PROBE_QUERIES, k: int = 10) -> list:
    return [signature(searcher.search(q, k=k)) for q in queries]


def signature(result) -> tuple:
    return (result.message, tuple((h.passage.doc, h.passage.char_start, h.passage.char_end, h.score)
                                  for h in result.hits))


def modify_plan(path: Path, marker: str = "B") -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text + f"\n\nVII. BỔ SUNG {marker}\n1. Nội dung bổ sung {marker}: tăng cường chuyển đổi số "
                    f"và cải cách hành chính tại cấp xã, phiên bản {marker}.\n", encoding="utf-8")


def prepare_states(work: Path, plans: list[Path], chars: int = 6000) -> dict:
    """corpus A (plans), corpus B (the last plan modified); an index of each; their answers."""
    from indexer.index.build import build_index
    from search.engine import Searcher

    states = {}
    for label in ("A", "B"):
        corpus = work / f"corpus-{label}"
        corpus.mkdir(parents=True)
        for p in plans:  # the head of each plan: fast builds, still real text
            (corpus / p.name).write_text(p.read_text(encoding="utf-8")[:chars], encoding="utf-8")
        if label == "B":
            modify_plan(corpus / plans[-1].name)
        index = work / f"index-{label}"
        build_index(corpus, index, FakeEmbedder())
        states[label] = {"corpus": corpus, "index": index,
                         "answers": answers(Searcher(index, embedder=FakeEmbedder()))}
    return states


def _child_env() -> dict:
    return dict(os.environ, PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1")



def real_plans(corpus: Path = ROOT / "corpus") -> list[Path]:
    plans = sorted(p for p in corpus.iterdir() if p.suffix == ".txt")
    if len(plans) < 3:
        raise SystemExit(f"need at least 3 plans in {corpus}")
    return plans



def copy_live_index(src: Path, dst: Path) -> bool:
    """Copy the live version of src into dst (a fresh index folder); False when src has none."""
    from indexer.index import folder as store

    return store.copy_live_version(src, dst)
