"""Round two of reliability, end to end: the page keeps serving the last good index when a new
one cannot be written and says so once; a shared link naming a removed plan says so; every bad
argument of both command lines ends cleanly (tools.trials_cli)."""
from __future__ import annotations

import errno
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from indexer.index import folder as store
from search.page.highlight import markdown_text
from tools.trials import modify_plan
from tests.paths import PLANS

ROOT = Path(__file__).resolve().parents[2]
CORPUS = PLANS
APP = str(ROOT / "app.py")
STALE_START = "Không cập nhật được chỉ mục"


@pytest.fixture
def stale_unwritable(real_index, tmp_path, monkeypatch):
    """A copy of the real index, a corpus changed since, and a disk that refuses new versions."""
    index = tmp_path / "index"
    shutil.copytree(real_index, index)
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    modify_plan(sorted(corpus.glob("*.txt"))[-1])
    monkeypatch.setenv("PLANSEARCH_INDEX", str(index))
    monkeypatch.setenv("PLANSEARCH_CORPUS", str(corpus))

    def refuse(*a, **kw):
        raise OSError(errno.EROFS, "Read-only file system", str(index))

    monkeypatch.setattr(store, "new_version_folder", refuse)
    return index


def wait_for_build(at: AppTest, tries: int = 60) -> AppTest:
    for _ in range(tries):
        at.run()
        assert not at.exception, at.exception
        if not any("cập nhật ở nền" in c.value for c in at.caption):
            return at
    raise AssertionError("the background build never ended")


def test_the_page_serves_the_last_good_index_and_says_why_once(stale_unwritable):
    at = wait_for_build(AppTest.from_file(APP, default_timeout=120))
    # the warning is markdown with every echoed character escaped: read it as the visitor does
    warnings = [re.sub(r"\\(.)", r"\1", w.value) for w in at.warning if w.value.startswith(STALE_START)]
    assert len(warnings) == 1 and "Read-only file system" in warnings[0]
    assert any("python -m indexer" in c.value for c in at.code)
    assert not at.error
    at.text_input(key="q").input("nhà ở xã hội")
    at.button(key="FormSubmitter:search-Tìm kiếm").click()
    at.run()
    assert not at.exception
    assert not [w for w in at.warning if w.value.startswith(STALE_START)]     # said once
    assert any("văn bản có đoạn liên quan" in c.value for c in at.caption)   # results served
    assert not list(stale_unwritable.glob("tmp-*"))


def test_a_link_naming_a_removed_plan_says_so(real_index, monkeypatch):
    monkeypatch.setenv("PLANSEARCH_INDEX", str(real_index))
    monkeypatch.setenv("PLANSEARCH_CORPUS", str(CORPUS))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["plan"] = ["removed-plan.txt"]
    at.query_params["q"] = "nhà ở xã hội"
    at.run()
    assert not at.exception
    assert any(markdown_text("removed-plan.txt") in w.value for w in at.warning)


def test_a_link_value_is_shown_as_text_never_as_markdown(real_index, monkeypatch):
    import markdown_it

    monkeypatch.setenv("PLANSEARCH_INDEX", str(real_index))
    monkeypatch.setenv("PLANSEARCH_CORPUS", str(CORPUS))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["province"] = ["[Bấm vào đây](https://evil.example/login) ![x](https://evil.example/a.png)"]
    at.run()
    assert not at.exception
    [warning] = [w.value for w in at.warning if "evil" in w.value]
    rendered = markdown_it.MarkdownIt("commonmark").render(warning)
    assert "<a" not in rendered and "<img" not in rendered and "[Bấm vào đây](https://evil.example/login)" in rendered


def test_every_bad_argument_ends_cleanly(real_index, tmp_path):
    from tools.trials_cli import cli_argument_trials

    outcomes = cli_argument_trials(real_index, CORPUS, tmp_path / "cli")
    assert [(o.name, o.detail) for o in outcomes if not o.ok] == []
    assert len(outcomes) >= 40
