"""The command lines' contracts on the session's real index: the JSON of --queries, the text
output, bad arguments, --inspect, and a missing index built by `python -m search`."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from indexer.index import folder as store
from indexer.read.corpus import read_corpus
from indexer.structure.passages import passages_for
from tests.paths import PLANS

CORPUS = PLANS
NAMES = sorted(p.name for p in CORPUS.glob("*.txt"))


def test_cli_queries_file_json_contract(real_index, cli, tmp_path):
    queries = ["người cao tuổi", "Chương trình 78-CTr/TU", "bao hiem that nghiep", "   "]
    qfile = tmp_path / "queries.txt"
    qfile.write_text("\n".join(queries) + "\n", encoding="utf-8")
    proc = cli("search", "--queries", str(qfile), "--json", "--k", "3",
               "--index", str(real_index), "--corpus", str(CORPUS))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert len(lines) == len(queries)
    docs = {d.name: d for d in read_corpus(CORPUS).documents}
    for query, line in zip(queries, lines):
        obj = json.loads(line)
        assert obj["query"] == " ".join(query.split())
        if not query.strip():
            assert obj["hits"] == [] and obj["message"]
            continue
        assert 1 <= len(obj["hits"]) <= 3
        for hit in obj["hits"]:
            assert {"doc", "text", "section", "citation", "score"} <= set(hit)
            assert hit["doc"] in docs
            assert isinstance(hit["section"], list) and all(isinstance(s, str) for s in hit["section"])
            assert isinstance(hit["score"], (int, float)) and hit["citation"]
            # the text is the source's own text: a slice of the file, within the lines it cites
            source = docs[hit["doc"]].text
            assert hit["text"] and hit["text"] in source
            start, end = hit["lines"]
            assert hit["text"] in "\n".join(source.splitlines()[start - 1:end])
    first = json.loads(lines[1])["hits"][0]
    assert "78-CTr/TU" in first["text"] and first["doc"] == NAMES[3]


def test_cli_single_query_text_output(real_index, cli):
    proc = cli("search", "Quyết định 2161/QĐ-TTg", "--k", "2", "--index", str(real_index),
               "--corpus", str(CORPUS))
    assert proc.returncode == 0, proc.stderr
    assert "2161/QĐ-TTg" in proc.stdout


@pytest.mark.parametrize("args", [["--k", "0", "x"], []])
def test_cli_bad_arguments_exit_non_zero(real_index, cli, args):
    proc = cli("search", *args, "--index", str(real_index), "--corpus", str(CORPUS))
    assert proc.returncode != 0
    assert "error" in proc.stderr and "Traceback" not in proc.stderr


def test_indexer_inspect_prints_each_plan_and_its_passage_count(cli):
    proc = cli("indexer", "--inspect", "--corpus", str(CORPUS), timeout=180)
    assert proc.returncode == 0, proc.stderr
    for doc in read_corpus(CORPUS).documents:
        assert f"== {doc.name}  ({len(passages_for(doc))} passages)" in proc.stdout


def test_search_builds_a_missing_index_and_says_so(tmp_path, cli):
    """With the real default embedder: `python -m search` on a missing index builds it first."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / NAMES[3], corpus / NAMES[3])
    index = tmp_path / "index"
    proc = cli("search", "Chương trình 78-CTr/TU", "--json", "--k", "2", "--index", str(index),
               "--corpus", str(corpus), timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "building" in proc.stderr
    hit = json.loads(proc.stdout.splitlines()[0])["hits"][0]
    assert "78-CTr/TU" in hit["text"]
    _, manifest = store.read_manifest(index)
    assert manifest["embedder"]["backend"] == "onnx" and manifest["embedder"]["model_id"] == "multilingual-e5-small-int8-static"
    # a second run loads it without building
    again = cli("search", "Chương trình 78-CTr/TU", "--json", "--k", "2", "--index", str(index),
                "--corpus", str(corpus))
    assert again.returncode == 0 and "building" not in again.stderr
    assert json.loads(again.stdout.splitlines()[0])["hits"][0]["text"] == hit["text"]
