"""SentenceTransformerEmbedder: any sentence-transformers model id or local folder (needs
PyTorch, not in the default install: pip install -r requirements-st.txt)."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from indexer.embed.base import BATCH, CachedQueries, MissingBackend


class SentenceTransformerEmbedder(CachedQueries):
    backend = "sentence-transformers"

    def __init__(self, model_id: str, device: str | None = None):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as e:
            raise MissingBackend(
                "the sentence-transformers backend needs PyTorch and sentence-transformers: "
                "pip install -r requirements-st.txt") from e
        self.model_id = model_id
        self._model = SentenceTransformer(model_id, device=device)
        dimension = (getattr(self._model, "get_embedding_dimension", None)  # sentence-transformers >= 6
                     or self._model.get_sentence_embedding_dimension)
        self.dim = int(dimension())
        self._prefix = "e5" in model_id.lower()
        self._init_query_cache()

    def _encode(self, texts: list[str]) -> np.ndarray:
        vecs = self._model.encode(texts, batch_size=BATCH, normalize_embeddings=True,
                                  convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode([("passage: " if self._prefix else "") + t for t in texts])

    def _embed_query(self, text: str) -> np.ndarray:
        vec = self._encode([("query: " if self._prefix else "") + text])[0]
        vec.setflags(write=False)
        return vec


def make(model_id: str | None = None, progress=None) -> SentenceTransformerEmbedder:
    if not model_id:
        raise ValueError("the sentence-transformers backend needs --model (a model id or folder)")
    return SentenceTransformerEmbedder(model_id)
