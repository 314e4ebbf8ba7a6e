"""The pure mapping of the Milvus backend: token encoding, rows, metadata entries, which
documents an update rewrites, filters as expressions; and the message when pymilvus is missing.
None of these needs pymilvus or a server."""
from __future__ import annotations

import re
import sys

import pytest

from indexer.embed.base import MissingBackend
from indexer.milvus.rows import (NO_YEAR, DocumentEntry, changed_documents, decode_token, encode_token,
                                       field_text, passage_from_record, passage_row)
from indexer.milvus.store import connect
from indexer.models import Passage, DocumentMetadata
from indexer.text import folded_tokens, word_tokens
from search.milvus_source import filter_expression
from search.query import Filters
from tests.paths import PLANS

TEXT = "Nhà ở xã hội theo Nghị định 20/2021/NĐ-CP; tỷ lệ 95,5% (COVID-19), zalo"


def standard_split(text: str) -> list[str]:
    """What milvus-lite's "standard" analyser does: \\w+ after lower-casing."""
    return re.findall(r"\w+", text.lower())


def test_encoding_by_hand():
    assert encode_token("nhà~ở") == "nhàz7ezở"
    assert encode_token("xã_hội") == "xãz5fzhội"
    assert encode_token("nđ-cp") == "nđz2dzcp"
    assert encode_token("zalo") == "zzalo"
    assert encode_token("20/2021") == "20z2fz2021"


@pytest.mark.parametrize("token", ["nhà~ở", "xã_hội", "20/2021", "nđ-cp", "zz", "z", "a z b", "Ω", "95,5", "", "z7ez"])
def test_encoding_reverses(token):
    assert decode_token(encode_token(token)) == token


def test_two_tokens_never_meet():
    tokens = set(word_tokens(TEXT)) | set(folded_tokens(TEXT)) | {"z7ez", "~", "z", "zz"}
    assert len({encode_token(t) for t in tokens}) == len(tokens)


def test_standard_and_whitespace_analysers_give_back_our_tokens():
    for tokenize in (word_tokens, folded_tokens):
        tokens = [t for t in tokenize(TEXT) if t]
        text = field_text(tokens)
        assert text.split() == standard_split(text) == [encode_token(t) for t in tokens]
        assert [decode_token(t) for t in text.split()] == tokens


def test_passage_row_and_back():
    p = Passage("a.txt", "Nhà ở xã hội cho công nhân", ("III. NHIỆM VỤ", "6. Nhà ở"), ("III", "6"), 10, 11, 100, 126,
                "Kế hoạch số 1/KH-UBND, mục III.6")
    plan = DocumentMetadata(number="1/KH-UBND", doc_type="Kế hoạch", level="tỉnh", province="Gia Lai", year=2025)
    row = passage_row(p, plan)
    assert (row.doc, row.province, row.level, row.year, row.doc_type, row.number) == (
        "a.txt", "Gia Lai", "tỉnh", 2025, "Kế hoạch", "1/KH-UBND")
    assert row.words == field_text(word_tokens(p.text)) and row.folded == field_text(folded_tokens(p.text))
    assert passage_from_record(row.record) == p
    d = row.to_dict([0.5, 1])
    assert d["vector"] == [0.5, 1.0] and d["doc"] == "a.txt"
    assert passage_row(p, DocumentMetadata()).year == NO_YEAR


def test_document_entry_round_trip():
    e = DocumentEntry("x/b.docx", "abc+def", "123", 7, DocumentMetadata(province="Huế", implements=("42-NQ/TW",)))
    assert DocumentEntry.from_json(e.name, e.to_json()) == e


def test_changed_documents():
    plan = DocumentMetadata()
    stored = {n: DocumentEntry(n, d, "h", 1, plan) for n, d in (("a", "1"), ("b", "2"), ("c", "3"))}
    write, gone = changed_documents({"a": "1", "b": "2x", "d": "4"}, stored)
    assert write == ["b", "d"] and gone == ["c"]
    assert changed_documents({"a": "1", "b": "2", "c": "3"}, stored) == ([], [])


def test_filter_expression():
    assert filter_expression(Filters()) == ""
    assert filter_expression(Filters(provinces=("Gia Lai",))) == 'province in ["Gia Lai"]'
    assert filter_expression(Filters(documents=("a.txt",), provinces=("Gia Lai", "Huế"), levels=("xã",), years=(2024, 2025))) == (
        'doc in ["a.txt"] and province in ["Gia Lai", "Huế"] and level in ["xã"] and year in [2024, 2025]')
    assert filter_expression(Filters(documents=('say "hi"\\.txt',))) == 'doc in ["say \\"hi\\"\\\\.txt"]'


def test_missing_pymilvus_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pymilvus", None)
    with pytest.raises(MissingBackend, match="requirements-milvus.txt"):
        connect("http://127.0.0.1:1")


def test_an_update_by_part_owns_only_its_plans(tmp_path):
    """document_update, no server: a part's plans are "<part>/<file>"; unchanged ones are not read
    again, a gone one is deleted, another part's plans are left alone."""
    from pathlib import Path
    import shutil

    from indexer.milvus.store import document_update

    seed = sorted((PLANS).glob("*.txt"))
    corpus = tmp_path / "north"
    corpus.mkdir()
    for src in seed[:2]:
        shutil.copy(src, corpus / src.name)
    first = document_update(corpus, {}, "north", lambda it, desc: it, lambda m: None)
    names = [d.name for d, _ in first.cut]
    assert names == [f"north/{p.name}" for p in seed[:2]] and all(p for _, p in first.cut)
    assert all(p.doc == d.name for d, ps in first.cut for p in ps)
    assert first.deleted == first.dropped == ()

    stored = {d.name: DocumentEntry(d.name, first.checksums[d.name], d.content_hash, len(ps), d.metadata)
              for d, ps in first.cut}
    stored["north/gone.txt"] = DocumentEntry("north/gone.txt", "x", "h1", 3, DocumentMetadata())
    stored["south/other.txt"] = DocumentEntry("south/other.txt", "y", "h2", 4, DocumentMetadata())
    (corpus / seed[1].name).write_text((corpus / seed[1].name).read_text(encoding="utf-8") + "\nThêm một dòng.\n",
                                       encoding="utf-8")
    second = document_update(corpus, stored, "north", lambda it, desc: it, lambda m: None)
    assert [d.name for d, _ in second.cut] == [f"north/{seed[1].name}"]
    assert set(second.deleted) == {"north/gone.txt", f"north/{seed[1].name}"}
    assert second.dropped == ("north/gone.txt",)


class _State:
    def __init__(self, name: str):
        self.name = name


class _Client:
    """Just what ensure_loaded asks of a MilvusClient."""

    def __init__(self, state: str):
        self.state, self.loaded = state, []

    def get_load_state(self, collection):
        return {"state": _State(self.state)}

    def load_collection(self, collection):
        self.loaded.append(collection)


@pytest.mark.parametrize("state, loads", [("Loaded", []), ("NotLoad", ["c"]), ("Loading", ["c"])])
def test_a_loaded_collection_is_not_loaded_again(state, loads):
    from indexer.milvus.store import ensure_loaded

    client = _Client(state)
    ensure_loaded(client, "c")
    assert client.loaded == loads


def test_a_server_lost_mid_run_ends_the_cli_with_one_line(monkeypatch, capsys):
    import search.__main__ as cli
    from indexer.milvus.store import MilvusUnavailable

    def lost(argv=None):
        raise MilvusUnavailable("cannot use the Milvus server at http://h:1 (gone)", "start it")

    monkeypatch.setattr(cli, "main", lost)
    assert cli.run() == 2
    assert capsys.readouterr().err == "error: cannot use the Milvus server at http://h:1 (gone); run: start it\n"
