"""Grouping wordings of one topic: greedy threshold clustering on query embeddings."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from indexer.ports import Embedder

# Two wordings belong together when their embeddings' cosine is at least this. Chosen from
# what sentence-embedding models give paraphrases (about 0.7 and up) against unrelated
# questions on one site (mostly under 0.5); it was not tuned on any test data.
SAME_TOPIC_COSINE = 0.7


def cluster(
    texts: Sequence[str], embedder: Embedder, threshold: float = SAME_TOPIC_COSINE
) -> list[list[int]]:
    """Indexes of `texts` in groups. Texts are taken in the order given (most frequent first,
    by the caller): each joins the first group whose leader it is close enough to, or leads a
    new one. Deterministic, and one pass: the gaps of a period are hundreds, not millions."""
    if not texts:
        return []
    vectors = np.asarray(embedder.embed(list(texts)), dtype=np.float32)
    leaders: list[int] = []
    groups: list[list[int]] = []
    for i in range(len(texts)):
        if leaders:
            similarity = vectors[leaders] @ vectors[i]
            best = int(np.argmax(similarity))
            if float(similarity[best]) >= threshold:
                groups[best].append(i)
                continue
        leaders.append(i)
        groups.append([i])
    return groups
