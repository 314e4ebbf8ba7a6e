"""Command-line output on hostile streams: stdout closed at start (">&-") is exit 3 as the README
says, and an undecodable byte in a --figures or --similar query is printed as U+FFFD, not an
unexpected failure."""
from __future__ import annotations

import json
import sys
from types import SimpleNamespace

import search.__main__ as search_cli
import indexer.__main__ as indexer_cli


def test_search_with_stdout_closed_exits_3(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "argv", ["search", "nhà ở", "--json", "--index", str(tmp_path / "i"),
                                      "--corpus", str(tmp_path / "none")])
    assert search_cli.run() == 3          # 0 and nothing printed before (or 2 with no corpus)
    assert "standard output is closed" in capsys.readouterr().err


def test_inspect_with_stdout_closed_exits_3(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "argv", ["indexer", "--inspect", "--corpus", str(tmp_path)])
    assert indexer_cli.run() == 3


class Searcher:
    def search(self, query, **kw):
        return SimpleNamespace(groups=(), query=SimpleNamespace(kind="topic", text=query), weak=False)


def test_figures_query_with_an_undecodable_byte_prints(monkeypatch):
    query = "tỷ lệ \udcff bảo hiểm"     # how Python hands over argv's byte 0xFF
    args = SimpleNamespace(figures=True, similar=False, k=5)
    out = search_cli.special_mode(Searcher(), query, args, None)
    text = json.dumps(out, ensure_ascii=False)
    text.encode("utf-8")                  # UnicodeEncodeError before
    assert out["query"] == "tỷ lệ \ufffd bảo hiểm"
