"""Hostile sidecars, corrections and names: a sidecar that cannot be used is left out with its
reason naming it while its document and every other document are indexed; sidecars and page
corrections are capped in size and length and their dates must be real; an empty corpus is
refused in words; --inspect and --add never print a document's control characters raw."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from indexer.index.build import EmptyCorpus, build_index
from indexer.inspect import inspect_corpus
from indexer.models import DocumentMetadata
from indexer.read import intake
from indexer.read.corpus import read_corpus
from indexer.read.metadata import apply_sidecar
from tests.fakes import FakeEmbedder
from tests.paths import PLANS

NAMES = ("000_2cf1338897e214e5.txt", "001_691f499dba4cfbd2.txt")


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in NAMES:
        shutil.copy(PLANS / name, folder / name)
    return folder


@pytest.mark.parametrize("text, reason", [
    ("[" * 100_000, "larger than 64 KB"),          # RecursionError ended the whole build before
    ("[" * 30_000, "nested too deeply"),
    ('{"date": "x"}', "'date' is not a date"),     # exit 2 without naming the file before
    ('{"date": "2025-99-99"}', "'date' is not a date"),
    ('{"year": 99999}', "'year' is not a year"),
    (json.dumps({"title": "T" * 1_000_000}), "larger than 64 KB"),
    (json.dumps({"title": "T" * 5000}), "'title' is too long"),
    (json.dumps({"implements": ["x"] * 500}), "'implements' is too long"),
])
def test_bad_sidecar_is_left_out_with_its_reason(corpus, tmp_path, text, reason):
    (corpus / NAMES[0]).with_suffix(".json").write_text(text, encoding="utf-8")
    reading = read_corpus(corpus)
    assert [d.name for d in reading.documents] == list(NAMES)      # both documents are read
    assert reading.documents[0].metadata.issuer == "UBND xã Tiền Nông"            # its own header
    [skip] = reading.skipped
    assert skip.name == "000_2cf1338897e214e5.json" and reason in skip.reason
    assert "000_2cf1338897e214e5.txt is read without it" in skip.reason


def test_build_goes_on_past_bad_sidecars(corpus, tmp_path):
    (corpus / NAMES[0]).with_suffix(".json").write_text("[" * 30_000, encoding="utf-8")
    (corpus / NAMES[1]).with_suffix(".json").write_text('{"date": "x"}', encoding="utf-8")
    report = build_index(corpus, tmp_path / "index", FakeEmbedder())
    assert report.documents == 2
    assert [name for name, _ in report.skipped] == [n.replace(".txt", ".json") for n in NAMES]


def test_valid_sidecar_still_applies(corpus):
    (corpus / NAMES[0]).with_suffix(".json").write_text('{"date": "2025-02-28", "year": 2025}', encoding="utf-8")
    reading = read_corpus(corpus)
    assert not reading.skipped and reading.documents[0].metadata.date == "2025-02-28"


def test_invalid_values_are_refused_by_apply_sidecar_too():
    for bad in ({"date": "2025-99-99"}, {"title": "x" * 501}, {"level": "vũ trụ"}, {"year": 10**6}):
        with pytest.raises(ValueError):
            apply_sidecar(DocumentMetadata(), bad)


@pytest.mark.parametrize("field, value", [("title", "T" * 1_000_000), ("date", "2025-99-99"),
                                          ("number", "1" * 1000), ("issuer", "x" * 201)])
def test_page_corrections_are_capped(field, value):
    # a 1 MB title was copied into every citation (39 MB for a 26 KB plan) before
    with pytest.raises(ValueError, match=field):
        intake.corrections(DocumentMetadata(), {field: value})
    assert intake.corrections(DocumentMetadata(), {"title": "T" * 500}) == {"title": "T" * 500}


def test_empty_corpus_is_refused_in_words(corpus, tmp_path):
    for name in NAMES:
        (corpus / name).write_bytes(b"")
    with pytest.raises(EmptyCorpus, match="every file was skipped .*empty file"):
        build_index(corpus, tmp_path / "index", FakeEmbedder())


HOSTILE = "\x1b]0;pwned\x07\x1b[2J\nrefused everything.txt\u202e"


def test_inspect_prints_no_control_characters(corpus):
    text = (corpus / NAMES[0]).read_text(encoding="utf-8")
    (corpus / NAMES[0]).write_text(text.replace("KẾ HOẠCH", "KẾ HOẠCH\n" + "X" + HOSTILE, 1), encoding="utf-8")
    (corpus / ("bad" + HOSTILE.replace("\n", "") + ".txt")).write_bytes(b"")
    report = inspect_corpus(corpus)
    assert "\x1b" not in report and "\x07" not in report and "\u202e" not in report
    assert not any(line.startswith("refused") for line in report.splitlines())
    assert "\\x1b]0;pwned" in report


def test_add_prints_no_control_characters(corpus, tmp_path):
    path = tmp_path / ("plan" + HOSTILE + ".txt")
    path.write_bytes((PLANS / "002_3b6299c3ae673933.txt").read_bytes())
    missing = tmp_path / ("gone" + HOSTILE + ".txt")
    lines = []
    intake.add_files([path, missing], corpus, out=lines.append)
    joined = "\n".join(lines)
    assert len(joined.splitlines()) == 2 and "\x1b" not in joined and "\u202e" not in joined
