"""The page's reference decisions (search/page/links.py): links over the words of a reference,
escaped text, the cited article in place, external keys that search, what a document cites and
what cites it, and results grouped by the higher document the plans implement."""
import html

from indexer.models import DocumentMetadata, Passage, Reference, Target
from search.page import links
from search.results import DocumentGroup, Hit

TEXT = "Theo khoản 1 và khoản 3 Điều 8 <Luật này> và Nghị quyết số 42-NQ/TW."


def passage(doc="a.txt", text=TEXT, refs=()):
    return Passage(doc, text, ("Điều 9. X",), ("9",), 1, 1, 0, len(text), "Điều 9 Luật A", references=tuple(refs))


def ref(words, target, text=TEXT):
    start = text.index(words)
    return Reference(words, start, start + len(words), target=target)


REFS = (ref("khoản 1 và khoản 3 Điều 8", Target("a.txt", "8", "1")),
        ref("khoản 1 và khoản 3 Điều 8", Target("a.txt", "8", "3")),
        ref("Nghị quyết số 42-NQ/TW", Target(external="42/NQ/TW")),
        ref("42-NQ/TW", Target(external="42/NQ/TW")))   # overlaps the one before: left to it


def test_one_link_per_span_and_overlaps_left_to_the_first():
    assert [(TEXT[a:b], len(t)) for a, b, t in links.spans(REFS)] == [
        ("khoản 1 và khoản 3 Điều 8", 2), ("Nghị quyết số 42-NQ/TW", 1)]


def test_passage_html_escapes_and_links():
    out = links.passage_html(passage(refs=REFS), html.escape, lambda t: f"[{t.clause or t.external}]")
    assert "&lt;Luật này&gt;" in out and "<Luật" not in out
    assert '<details class="ref"><summary>khoản 1 và khoản 3 Điều 8</summary><span class="ref-body">[1][3]</span></details>' in out
    assert out.count("<details") == 2
    plain = links.passage_html(passage(), html.escape, lambda t: "")
    assert plain == html.escape(TEXT)


def test_cited_article_and_external_targets():
    cited = passage("b.txt", "Điều 8. Nuôi ong <mật>\n1. Một.", ())
    out = links.cited_article_html(Target("b.txt", "8"), [cited], {"q": ["nuôi ong"]})
    assert "Điều 9 Luật A" in out and "&lt;mật&gt;<br>1. Một." in out
    assert 'href="?q=nu%C3%B4i+ong&amp;open=b.txt&amp;art=8"' in out
    ext = links.external_html(Target(external="42/NQ/TW"), {"q": ["x"], "k": ["5"]})
    assert "Văn bản ngoài kho: 42/NQ/TW" in ext and 'href="?k=5&amp;q=42%2FNQ%2FTW"' in ext


def test_outgoing_and_incoming_counts():
    metas = {"a.txt": DocumentMetadata(doc_type="Luật", title="A"), "b.txt": DocumentMetadata(doc_type="Kế hoạch", number="1/KH-UBND")}
    a = passage("a.txt", refs=REFS + (ref("Điều 8", Target("a.txt", "8")),))
    b = passage("b.txt", refs=(ref("Điều 8", Target("a.txt", "8")),))
    assert links.outgoing([a], metas) == [links.LinkCount("Văn bản ngoài kho: 42/NQ/TW", 2, "")]
    assert links.incoming([0, 1], [a, b], metas, "a.txt") == [links.LinkCount("Kế hoạch số 1/KH-UBND", 1, "b.txt")]


def test_results_grouped_by_the_higher_document():
    def group(doc, implements, doc_type="Kế hoạch"):
        return DocumentGroup(doc, DocumentMetadata(doc_type=doc_type, implements=implements), ())
    groups = [group("1", ("42-NQ/TW", "69/NQ-CP")), group("2", ("42-NQ/TW",)), group("3", ("42/NQ-TW", "69/NQ-CP")),
              group("4", ("1983/QĐ-TTg",))]
    found = links.implementing(groups)
    assert [(i.title, [g.doc for g in i.groups]) for i in found] == [
        ("3 kế hoạch thực hiện Nghị quyết 42-NQ/TW", ["1", "2", "3"]),
        ("2 kế hoạch thực hiện Nghị quyết 69/NQ-CP", ["1", "3"])]
    assert links.implementing(groups[:1]) == []


def test_the_cited_part_is_named_in_the_citation():
    assert links.target_citation(Target("a", "3", "1"), "Điều 3 Luật A") == "khoản 1 Điều 3 Luật A"
    assert links.target_citation(Target("a", "3", "1", "b"), "Điều 3 Luật A") == "điểm b khoản 1 Điều 3 Luật A"
    assert links.target_citation(Target("a", "3", "1", "b"), "khoản 1 Điều 3 Luật A") == "điểm b khoản 1 Điều 3 Luật A"
    assert links.target_citation(Target("a", "3", "2"), "khoản 2 Điều 3 Luật A") == "khoản 2 Điều 3 Luật A"
