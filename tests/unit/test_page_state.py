"""The search page's pure helpers (search/page/state.py, search/page/export.py): URL state,
filter choices, progress counting, figure rows."""
from __future__ import annotations

from search.compare.figure_table import CSV_COLUMNS, FigureRow
from search.page import state as page_state
from search.query import Filters

CHOICES = page_state.FilterChoices(provinces=("Gia Lai", "Thanh Hóa"), years=(2025, 2024),
                                   documents=("a.txt", "b.txt"))


def test_url_round_trip():
    state = page_state.PageState("nhà ở", Filters(("b.txt",), ("Gia Lai",), ("xã",), (2024,)), 25)
    params = page_state.params_from_state(state)
    assert params == {"q": "nhà ở", "province": ["Gia Lai"], "level": ["xã"], "year": ["2024"],
                      "doc": ["b.txt"], "k": "25"}
    as_lists = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    assert page_state.state_from_params(as_lists, CHOICES) == state
    older = dict(as_lists, plan=as_lists.pop("doc"))     # links made before "doc" said "plan"
    assert page_state.state_from_params(older, CHOICES) == state


def test_url_defaults_are_left_out_and_unknown_values_dropped():
    assert page_state.params_from_state(page_state.PageState()) == {}
    state = page_state.state_from_params(
        {"q": ["x"], "province": ["Hà Nội", "Gia Lai", "Gia Lai"], "level": ["thôn"],
         "year": ["abc", "1999", "2025"], "plan": ["../etc/passwd"], "k": ["9999"]}, CHOICES)
    assert state == page_state.PageState("x", Filters((), ("Gia Lai",), (), (2025,)), page_state.K_MAX)
    assert page_state.state_from_params({"k": ["zero"]}, CHOICES).k == page_state.K_DEFAULT
    assert page_state.state_from_params({"q": ["a" * 5000]}, CHOICES).query == "a" * page_state.MAX_QUERY_CHARS


def test_counted_reports_progress():
    seen = []
    assert list(page_state.counted(iter("abcd"), "Nhúng", lambda f, t: seen.append((f, t)))) == list("abcd")
    assert seen[0] == (0.0, "Nhúng…") and seen[-1] == (1.0, "Nhúng: 4/4") and len(seen) == 5
    assert list(page_state.counted([], "Rỗng", lambda f, t: None)) == []


def test_mode_in_the_url():
    for mode in page_state.MODES:
        state = page_state.PageState("x", mode=mode)
        params = page_state.params_from_state(state)
        assert ("mode" in params) == (mode != page_state.MODE_SEARCH)
        as_lists = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
        assert page_state.state_from_params(as_lists, CHOICES) == state
    assert page_state.state_from_params({"mode": ["bogus"]}, CHOICES).mode == page_state.MODE_SEARCH


def test_figure_display_rows_list_every_plan():
    assert tuple(page_state.FIGURE_HEADERS) == CSV_COLUMNS
    rows = page_state.figure_display_rows((FigureRow("a.txt", None, "Kế hoạch A", ()),))
    assert rows == [{"Văn bản": "Kế hoạch A", "Tỉnh/thành": "", "Cấp": "", "Số liệu": "Không có số liệu",
                     "Nội dung đo": "", "Năm mục tiêu": "", "Trích dẫn": ""}]
    assert page_state.share_text(0.996) == "100%" and page_state.share_text(0.12) == "12%"
