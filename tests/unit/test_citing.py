"""References through the index: stored in the records and re-resolved when the set of documents
changes (without embedding again), "cited by" both ways, a query naming an article, the CLI
JSON; and, on the 15 laws when they are present, every "Điều N của Luật này" checked."""
import json
import re
from pathlib import Path

import pytest

from indexer.index.build import build_index
from indexer.index.folder import FORMAT_VERSION, load_records
from indexer.models import Target
from search.__main__ import cited_by_json, hit_json
from search.cited_by import cited_by
from search.citing import named_article, parse_target
from search.engine import Searcher
from tests.paths import LAWS
from tests.unit.test_references import LAW, PLAN

LAW_FILE = "QUỐC HỘI\nLuật số: 12/2030/QH15\n\n" + LAW
PLAN_FILE = "UBND TỈNH AN GIANG\nSố: 5/KH-UBND\n\n" + PLAN


@pytest.fixture()
def index(tmp_path, fake_embedder_cls):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "plan.txt").write_text(PLAN_FILE, encoding="utf-8")
    (corpus / "luat.txt").write_text(LAW_FILE, encoding="utf-8")
    build_index(corpus, tmp_path / "index", fake_embedder_cls())
    return tmp_path


def refs_of(passages, doc):
    return [(r.text, r.target) for p in passages if p.doc == doc for r in p.references]


def test_records_carry_resolved_references_and_follow_the_corpus(tmp_path, fake_embedder_cls):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "plan.txt").write_text(PLAN_FILE, encoding="utf-8")
    build_index(corpus, tmp_path / "index", fake_embedder_cls())
    stored = load_records(tmp_path / "index")
    assert stored.manifest["format_version"] == FORMAT_VERSION == 4
    assert ("khoản 1 Điều 3 Luật Nuôi ong", Target(article="3", clause="1", external="luật nuôi ong")) in refs_of(stored.passages, "plan.txt")
    # the law arrives: the plan's unchanged passages now point into the corpus, and only the law is embedded
    (corpus / "luat.txt").write_text(LAW_FILE, encoding="utf-8")
    embedder = fake_embedder_cls()
    report = build_index(corpus, tmp_path / "index", embedder)
    plan_passages = [p for p in load_records(tmp_path / "index").passages if p.doc == "plan.txt"]
    assert report.embedded == embedder.embedded == report.passages - len(plan_passages)
    assert ("khoản 1 Điều 3 Luật Nuôi ong", Target("luat.txt", "3", "1")) in refs_of(plan_passages, "plan.txt")
    # and leaves again: external once more
    (corpus / "luat.txt").unlink()
    build_index(corpus, tmp_path / "index", fake_embedder_cls())
    assert refs_of(load_records(tmp_path / "index").passages, "plan.txt")[1][1].external == "luật nuôi ong"


def test_cited_by_counts_clauses_of_a_cited_article(index, fake_embedder_cls):
    s = Searcher(index / "index", embedder=fake_embedder_cls())
    result = cited_by(s, "Điều 3 Luật Nuôi ong")
    assert result.target == Target("luat.txt", "3")
    cited = {(h.passage.doc, h.passage.section[-1][:8]) for h in result.hits}
    # the plan cites khoản 1 Điều 3; the law's Điều 2 cites điểm a khoản 1 Điều 3 "của Luật này";
    # Điều 3's own "điểm a khoản này" stays inside it and does not count
    assert cited == {("plan.txt", "1. Triển"), ("luat.txt", "Điều 2. ")}
    assert [h.passage.doc for h in cited_by(s, "khoản 1 Điều 3 của Luật Nuôi ong").hits].count("plan.txt") == 1
    assert cited_by(s, "điểm b khoản 1 Điều 3 Luật Nuôi ong").hits == ()
    out = cited_by_json(cited_by(s, "42-NQ/TW"))
    assert out["target"] == {"external": "42/NQ/TW"}
    assert {d["doc"] for d in out["documents"]} == {"plan.txt"} and len(out["hits"]) == 2
    whole = cited_by(s, "Luật Nuôi ong")   # the law as a whole: not its own "Điều này" references
    assert {h.passage.doc for h in whole.hits} == {"plan.txt"}


def test_targets_typed_in_every_way(index, fake_embedder_cls):
    citing = Searcher(index / "index", embedder=fake_embedder_cls()).citing
    assert parse_target("khoan 1 dieu 3 luat nuoi ong", citing) == Target("luat.txt", "3", "1")
    assert parse_target("Điều 3 Luật số 12/2030/QH15", citing) == Target("luat.txt", "3")
    assert parse_target("Nghị định 20/2021/NĐ-CP", citing) == Target(external="20/2021/ND/CP")
    assert parse_target("Điều 18 Luật An ninh mạng", citing) == Target(article="18", external="luật an ninh mạng")
    assert parse_target("nuôi ong mật", citing) is None


def test_a_query_naming_an_article_returns_it_first(index, fake_embedder_cls):
    s = Searcher(index / "index", embedder=fake_embedder_cls())
    for query, title in (("Điều 2 Luật Nuôi ong", "Điều 2. Nguyên tắc"), ("khoan 1 dieu 3 luat nuoi ong", "Điều 3. Trách nhiệm")):
        result = s.search(query)
        assert result.hits[0].passage.section[-1] == title and result.hits[0].answers
    assert named_article("nuôi ong mật", lambda: pytest.fail("no article named: nothing built")) == ()


def test_hit_json_references_point_into_the_text(index, fake_embedder_cls):
    s = Searcher(index / "index", embedder=fake_embedder_cls())
    hit = s.search("Triển khai khoản 1 Điều 3").hits[0]
    out = hit_json(hit)
    start = out["text"].index("khoản 1 Điều 3")
    assert out["references"][0] == {"text": "khoản 1 Điều 3 Luật Nuôi ong", "start": start, "end": start + 28,
                                     "target": {"doc": "luat.txt", "article": "3", "clause": "1"}}
    assert all(out["text"][r["start"]:r["end"]] == r["text"] for r in out["references"])
    json.dumps(out, ensure_ascii=False)


# -- the 15 laws ------------------------------------------------------------------------------

OF_THIS_LAW = re.compile(r"Điều\s+(\d{1,3}[a-zđ]?)\s+của\s+Luật\s+này")


@pytest.mark.slow
@pytest.mark.skipif(not LAWS.is_dir(), reason="the laws corpus (../shared/legal/corpus) is not here")
def test_every_article_of_this_law_resolves_on_the_laws():
    from indexer.read.corpus import corpus_files, read_corpus
    from indexer.references.outline import passage_article
    from indexer.references.resolve import annotate
    from indexer.structure.passages import passages_for

    documents = read_corpus(LAWS, corpus_files(LAWS)).documents
    passages = annotate([p for d in documents for p in passages_for(d)], {d.name: d.metadata for d in documents})
    articles = {(p.doc, passage_article(p)) for p in passages}
    resolved = missing = 0
    for p in passages:
        by_span = {(r.start, r.end): r.target for r in p.references}
        for m in OF_THIS_LAW.finditer(p.text):
            target = next((t for (a, b), t in by_span.items() if a <= m.start() and m.end() <= b and t.article == m.group(1)), None)
            if (p.doc, m.group(1)) in articles:
                assert target is not None and target.doc == p.doc, (p.doc, p.citation, m.group())
                resolved += 1
            else:   # the source text lacks that article (luat-trong-tai-thuong-mai.txt has no Điều 68)
                assert target is None, (p.doc, m.group())
                missing += 1
    assert resolved >= 300 and missing <= 3, (resolved, missing)
    for p in passages:   # no reference resolved to an article that does not exist
        for r in p.references:
            assert not r.target.doc or not r.target.article or (r.target.doc, r.target.article) in articles, r
