"""The evaluation queries must not leak into the project: no dev query and no gold snippet
appears verbatim in any tracked source, test or document (compared after the scorer's own
normalisation). Skipped where the evaluation set is not beside the checkout (a clean CI clone)."""
from __future__ import annotations

import json
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT.parent / "shared" / "eval" / "dev_queries.json"
TONES = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "oè": "òe", "oé": "óe", "oẻ": "ỏe",
         "oẽ": "õe", "oẹ": "ọe", "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy"}


def norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower().replace("*", "")
    for a, b in TONES.items():
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", text).strip()


def project_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    # corpus/, its copy in tests/plans/ and the int8 calibration paragraphs taken from it hold the
    # plans' own text, where the gold snippets come from
    copies = ("corpus/", "tests/plans/", "indexer/embed/e5_calibration.txt")
    return [ROOT / f for f in listed.stdout.split() if not f.startswith(copies)
            and f.endswith((".py", ".md", ".toml", ".sh", ".txt", ".cfg", ".ini"))]


@pytest.mark.skipif(not DEV.is_file(), reason=f"{DEV} is not here")
def test_no_dev_query_or_gold_snippet_in_the_project():
    queries = json.loads(DEV.read_text(encoding="utf-8"))
    needles = {norm(q["query"]): q["id"] for q in queries}
    needles.update({norm(snippet): q["id"] for q in queries for _, snippet in q["gold"]})
    found = []
    for path in project_files():
        text = norm(path.read_text(encoding="utf-8", errors="ignore"))
        found += [f"{path.relative_to(ROOT)}: {qid} {needle[:60]!r}" for needle, qid in needles.items() if needle in text]
    assert not found, "\n".join(found)


LAWS = ROOT.parent / "shared" / "legal" / "corpus"


@pytest.mark.skipif(not LAWS.is_dir(), reason=f"{LAWS} is not here")
def test_no_law_text_in_the_project():
    # The ALQAC law texts are evaluation data: no line of them (long enough to be more than a
    # common heading) appears in any tracked source, test or document.
    needles = {norm(line) for path in LAWS.glob("*.txt")
               for line in path.read_text(encoding="utf-8").split("\n") if len(line.strip()) >= 60}
    found = []
    for path in project_files():
        text = norm(path.read_text(encoding="utf-8", errors="ignore"))
        found += [f"{path.relative_to(ROOT)}: {needle[:60]!r}" for needle in needles if needle in text]
    assert not found, "\n".join(found)
