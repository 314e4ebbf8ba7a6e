"""What the search page shows, decided without Streamlit (pure, unit-tested): the counts line,
the side-by-side grid of documents, the text a copy button copies, the order of the
similar-wording documents, the figures chart."""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from indexer.structure.sections import PREAMBLE_TITLE
from indexer.text import fold_accents, normalize_for_matching
from search.compare.figure_table import FigureRow, topic_tokens
from search.page import texts
from search.page.plain import plain_text
from search.results import Hit, DocumentGroup, SearchResult

MIN_DRAFT_WORDS = 8       # a shorter draft shares "100%" with any passage that has its few words


def result_caption(result: SearchResult) -> str:
    """ "10 đoạn (3 khớp) · 2/5 văn bản có đoạn liên quan · 0.12 giây": counts that agree with
    the tabs (the ranked list shows the matching passages, then the closest others)."""
    relevant = len(result.relevant_groups)
    matching = sum(h.answers for h in result.hits)
    shown = f"{len(result.hits)} đoạn" + (f" ({matching} khớp)" if matching < len(result.hits) else "")
    return f"{shown} · {relevant}/{len(result.groups)} văn bản có đoạn liên quan · {result.seconds:.2f} giây"


def split_ranked(hits: Sequence[Hit]) -> tuple[tuple[Hit, ...], tuple[Hit, ...]]:
    """The ranked list cut in two: passages that answer the query, then the closest others."""
    return tuple(h for h in hits if h.answers), tuple(h for h in hits if not h.answers)


# The parts every plan has, whatever its numbering: the words of a top-level heading -> the row.
_TOPICS = (("muc dich", "Mục đích, yêu cầu"), ("muc tieu", "Mục tiêu, chỉ tiêu"), ("chi tieu", "Mục tiêu, chỉ tiêu"),
           ("nhiem vu", "Nhiệm vụ, giải pháp"), ("giai phap", "Nhiệm vụ, giải pháp"),
           ("kinh phi", "Kinh phí"), ("to chuc thuc hien", "Tổ chức thực hiện"))
OTHER_TOPIC = "Phần khác"


def topic_of(passage) -> str:
    """The part of a plan a passage belongs to, named alike across plans ("Mục tiêu, chỉ tiêu")."""
    top = fold_accents(normalize_for_matching(passage.section[0])) if passage.section else ""
    return next((label for needle, label in _TOPICS if needle in top), OTHER_TOPIC)


@dataclass(frozen=True)
class GridRow:
    topic: str
    cells: tuple[tuple[Hit, ...], ...]   # one per plan, in the groups' order; empty where it has none


def grid_rows(groups: Sequence[DocumentGroup]) -> list[GridRow]:
    """The plans side by side, aligned by part: a row per part of the plans (targets, tasks, ...)
    holding each plan's passages from that part, so that like faces like; the part with the best
    passage first."""
    best: dict[str, float] = {}
    for g in groups:
        for h in g.hits:
            best[topic_of(h.passage)] = max(best.get(topic_of(h.passage), h.score), h.score)
    order = sorted(best, key=lambda t: -best[t])
    return [GridRow(t, tuple(tuple(h for h in g.hits if topic_of(h.passage) == t) for g in groups)) for t in order]


def copy_text(hit: Hit) -> str:
    """What "sao chép" copies: the passage as written, then its citation."""
    return f"{plain_text(hit.passage.text).strip()}\n({hit.passage.citation})"


def draft_too_short(draft: str) -> bool:
    return 0 < len(draft.split()) < MIN_DRAFT_WORDS


@dataclass(frozen=True)
class ChartBar:
    document: str
    value: float
    label: str      # the figure as written ("trên 95%")


@dataclass(frozen=True)
class MeasureChart:
    """One chart: the documents' figures for one measure in one unit (never two measures on an axis)."""
    measure: str    # as the first (best) document words it
    unit: str
    bars: tuple[ChartBar, ...]


SAME_MEASURE = 0.6   # share of topic words two measures must share (Jaccard) to be charted together


def _same_measure(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a | b) and len(a & b) / len(a | b) >= SAME_MEASURE


def measure_charts(rows: Sequence[FigureRow]) -> tuple[MeasureChart, ...]:
    """The best figure of each document, grouped by what it measures and its unit: one chart per
    measure that at least two documents state (95 % "qua đào tạo" and 25 % "có bằng cấp,
    chứng chỉ" are two measures, and 3.700 căn hộ is no percentage)."""
    groups: list[tuple[frozenset[str], str, str, list[ChartBar]]] = []
    for r in rows:
        if not r.figures or (f := r.figures[0].figure).number is None:
            continue
        words = topic_tokens(f.measure)
        bar = ChartBar(r.label, f.number, f.value_text)
        home = next((g for g in groups if g[1] == f.unit and _same_measure(g[0], words)), None)
        if home:
            home[3].append(bar)
        else:
            groups.append((words, f.unit, f.measure, [bar]))
    return tuple(MeasureChart(measure, unit, tuple(bars)) for _, unit, measure, bars in groups if len(bars) >= 2)


# The bench's full build: 193 kB of documents in 60 s on 2 cores (almost all of it embedding).
BUILD_BYTES_PER_SECOND = 3200


def build_estimate(corpus_bytes: int) -> str:
    """ "khoảng 2 phút": how long a first build of corpus_bytes of documents takes on 2 cores."""
    seconds = max(10, corpus_bytes / BUILD_BYTES_PER_SECOND)
    return f"khoảng {round(seconds)} giây" if seconds < 90 else f"khoảng {round(seconds / 60)} phút"


def build_title(corpus: Path, step: str) -> str:
    """The first build's progress line: what happens, how long it takes, where it is."""
    size = sum(f.stat().st_size for f in corpus.iterdir() if f.is_file()) if corpus.is_dir() else 0
    return f"{texts.BUILDING.format(estimate=build_estimate(size))} — {step}"


def crumb(passage, short: bool = False) -> str:
    """The passage's heading path, or where it stands when it has none; short: its last two
    headings (a narrow column; the citation below names the whole path)."""
    path = passage.section[-2:] if short else passage.section
    lead = "… › " if len(path) < len(passage.section) else ""
    return (lead + plain_text(" › ".join(path))) if path else PREAMBLE_TITLE


def copy_button(text: str, label: str) -> str:
    """A button that copies text (the page's one copy script handles the click); all escaped."""
    value = html.escape(text, quote=True).replace("\n", "&#10;")   # a blank line would end the HTML block
    return f'<button class="copy-btn" type="button" data-copy="{value}">{html.escape(label)}</button>'

