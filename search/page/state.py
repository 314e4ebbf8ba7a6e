"""What the search page keeps in its URL (mode, query, filters, number of results) and the small pure
helpers the page needs besides rendering. No Streamlit here, so all of it can be tested alone."""
from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from indexer.models import LEVELS, DocumentMetadata

from search.compare.figure_table import FigureRow, table_rows
from search.page.highlight import neutral_bidi
from search.query import MAX_QUERY_CHARS, Filters

K_DEFAULT, K_MIN, K_MAX = 10, 1, 50

# The page's modes (issue #9): URL value -> the label the selector shows.
MODE_SEARCH, MODE_FIGURES, MODE_SIMILAR = "search", "figures", "similar"
MODES = {MODE_SEARCH: "Tìm kiếm", MODE_FIGURES: "So sánh số liệu", MODE_SIMILAR: "Tìm câu chữ tương tự"}

# The comparison table's columns: search.compare.figures.CSV_COLUMNS -> Vietnamese header.
FIGURE_HEADERS = {"document": "Văn bản", "province": "Tỉnh/thành", "level": "Cấp", "figure": "Số liệu",
                  "measure": "Nội dung đo", "target year": "Năm mục tiêu", "citation": "Trích dẫn"}
NO_FIGURE = "Không có số liệu"
# Widths (px) that keep every column on a 1400 px screen with the sidebar open, a whole figure
# ("ít nhất 3.700 căn hộ") in its cell and the measure readable: rows of FIGURE_ROW_PX wrap long
# text onto three lines. st.column_config accepts plain dicts.
FIGURE_COLUMNS = {"Văn bản": {"width": 160}, "Tỉnh/thành": {"width": 78}, "Cấp": {"width": 60},
                  "Số liệu": {"width": 120}, "Nội dung đo": {"width": 254}, "Năm mục tiêu": {"width": 78},
                  "Trích dẫn": {"width": 180}}   # 930 px: the main area beside the sidebar
FIGURE_ROW_PX = 72


@dataclass(frozen=True)
class FilterChoices:
    """The values the sidebar offers, taken from the documents in the index."""

    provinces: tuple[str, ...] = ()
    years: tuple[int, ...] = ()      # newest first
    documents: tuple[str, ...] = ()  # corpus file names
    doc_types: tuple[str, ...] = ()  # "Kế hoạch", "Luật", ...


@dataclass(frozen=True)
class PageState:
    query: str = ""
    filters: Filters = field(default_factory=Filters)
    k: int = K_DEFAULT
    mode: str = MODE_SEARCH


def filter_choices(documents: Mapping[str, DocumentMetadata]) -> FilterChoices:
    metas = list(documents.values())
    return FilterChoices(
        provinces=tuple(sorted({m.province for m in metas if m.province})),
        years=tuple(sorted({m.year for m in metas if m.year}, reverse=True)),
        documents=tuple(sorted(documents)),
        doc_types=tuple(sorted({m.doc_type for m in metas if m.doc_type})))


def _known(values: Iterable[str], allowed: Sequence) -> tuple:
    out = []
    for v in values:
        if v in allowed and v not in out:
            out.append(v)
    return tuple(out)


def _years(values: Iterable[str], allowed: Sequence[int]) -> tuple[int, ...]:
    out = []
    for v in values:
        try:
            year = int(v)
        except (TypeError, ValueError):
            continue
        if year in allowed and year not in out:
            out.append(year)
    return tuple(out)


def clamp_k(value, default: int = K_DEFAULT) -> int:
    try:
        k = int(value)
    except (TypeError, ValueError):
        return default
    return max(K_MIN, min(K_MAX, k))


def state_from_params(params: Mapping[str, Sequence[str]], choices: FilterChoices) -> PageState:
    """URL parameters (each a list of values, as repeated keys give) -> page state. Values the
    index does not know are dropped, so a stale or hand-edited link still opens."""
    def values(key: str) -> list[str]:
        v = params.get(key, [])
        return [v] if isinstance(v, str) else list(v)

    query = (values("q") or [""])[-1][:MAX_QUERY_CHARS]
    filters = Filters(documents=_known(values("doc") + values("plan"), choices.documents),
                      provinces=_known(values("province"), choices.provinces),
                      levels=_known(values("level"), LEVELS),
                      years=_years(values("year"), choices.years),
                      doc_types=_known(values("type"), choices.doc_types))
    k_values = values("k")
    mode = (values("mode") or [MODE_SEARCH])[-1]
    return PageState(query, filters, clamp_k(k_values[-1]) if k_values else K_DEFAULT,
                     mode if mode in MODES else MODE_SEARCH)


def dropped_filters(params: Mapping[str, Sequence[str]], state: PageState) -> tuple[str, ...]:
    """The filter values of a link that the index does not know (a removed document, a province no
    document names any more; "plan" is what links made before 2026-12 call "doc"): the page says they were left out instead of silently showing all."""
    kept = {"doc": state.filters.documents, "plan": state.filters.documents, "province": state.filters.provinces,
            "level": state.filters.levels, "year": tuple(str(y) for y in state.filters.years)}
    out = []
    for key, have in kept.items():
        v = params.get(key, [])
        for value in [v] if isinstance(v, str) else v:
            if value not in have and value not in out:
                out.append(str(value)[:80])
    return tuple(out)


def params_from_state(state: PageState) -> dict[str, str | list[str]]:
    """Page state -> URL parameters; defaults are left out so a plain link stays short."""
    out: dict[str, str | list[str]] = {}
    if state.mode != MODE_SEARCH and state.mode in MODES:
        out["mode"] = state.mode
    if state.query.strip():
        out["q"] = state.query
    f = state.filters
    for key, vals in (("province", f.provinces), ("level", f.levels),
                      ("year", [str(y) for y in f.years]), ("doc", f.documents),
                      ("type", f.doc_types)):
        if vals:
            out[key] = list(vals)
    if state.k != K_DEFAULT:
        out["k"] = str(state.k)
    return out


def figure_display_rows(rows: Sequence[FigureRow]) -> list[dict[str, str]]:
    """The comparison table as the page shows it: one row per figure under Vietnamese headers,
    every document listed (a document without a figure gets one row saying so), all cells text (without
    bidirectional controls, which would reorder a cell)."""
    out = []
    for row in rows:
        flat = table_rows((row,)) or [{
            "document": row.label, "province": row.metadata.province if row.metadata else "",
            "level": row.metadata.level if row.metadata else "", "figure": NO_FIGURE, "measure": "",
            "target year": "", "citation": ""}]
        out.extend({FIGURE_HEADERS[key]: neutral_bidi(str(r.get(key, ""))) for key in FIGURE_HEADERS} for r in flat)
    return out


def document_facts(meta: DocumentMetadata) -> str:
    """ "Cấp tỉnh · Gia Lai · Năm 2025 · Thực hiện 42-NQ/TW": what the page shows under a document."""
    facts = [f"Cấp {meta.level}" if meta.level else "", meta.province, f"Năm {meta.year}" if meta.year else "",
             "Dự thảo" if meta.draft else "", f"Thực hiện {', '.join(meta.implements)}" if meta.implements else ""]
    return " · ".join(f for f in facts if f)


def share_text(ratio: float) -> str:
    """0.8734 -> "87%" (the share of the draft's words the passage keeps)."""
    return f"{round(max(0.0, min(1.0, ratio)) * 100)}%"


def counted(iterable: Iterable, desc: str, report: Callable[[float, str], None]) -> Iterator:
    """Yield the items of iterable, reporting (fraction done, "desc: i/n") after each; the
    progress callable build_index expects, given something that draws a bar."""
    items = iterable if hasattr(iterable, "__len__") else list(iterable)
    total = len(items)
    report(0.0, f"{desc}…")
    for i, item in enumerate(items, 1):
        yield item
        report(i / total, f"{desc}: {i}/{total}")


def widget_values(state: PageState) -> dict:
    """The page's widget values (session-state keys) for a state read from the URL; in the
    similar-wording mode the draft travels as q."""
    f = state.filters
    draft = state.query if state.mode == MODE_SIMILAR else ""
    return {"q": "" if draft else state.query, "draft": draft, "province": list(f.provinces),
            "level": list(f.levels), "year": list(f.years), "doc_type": list(f.doc_types),
            "doc": list(f.documents), "k": state.k, "mode": state.mode}


def search_key(state: PageState) -> str:
    """A short key that changes with the search (query, filters, k): widgets keyed by it start anew."""
    return format(zlib.crc32(json.dumps(params_from_state(state), sort_keys=True).encode("utf-8")), "08x")


def url_update(have: Mapping[str, Sequence[str]], state: PageState) -> dict[str, str | list[str]] | None:
    """The URL parameters for state when they differ from the URL's (each a list), else None."""
    want = params_from_state(state)
    same = dict(have) == {key: v if isinstance(v, list) else [v] for key, v in want.items()}
    return None if same else want
