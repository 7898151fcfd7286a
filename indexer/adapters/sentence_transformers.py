"""Embedder port over sentence-transformers, on the CPU, offline."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from indexer.ports import TokenIds, Vectors


class SentenceTransformerEmbedder:
    def __init__(self, model_dir: Path, name: str, batch_size: int = 32) -> None:
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        self.name = name
        dimension = (
            self._model.get_embedding_dimension()
            if hasattr(self._model, "get_embedding_dimension")
            else self._model.get_sentence_embedding_dimension()
        )
        if dimension is None:
            raise ValueError(f"model {name} does not report an embedding dimension")
        self.dimension = int(dimension)
        self._batch_size = batch_size

    def embed(self, texts: Sequence[str], tokens: TokenIds | None = None) -> Vectors:
        # sentence-transformers tokenises inside encode(); given ids have no way in.
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)
