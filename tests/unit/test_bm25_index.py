"""The bm25s adapter: a saved keyword index answers the same once loaded (mapped), and
importing it leaves numba unloaded."""

from __future__ import annotations

import importlib.util
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from indexer.adapters.bm25 import Bm25LexicalIndex, _WholeArrayBM25, bm25s
from indexer.text.lexical_tokens import keyword_terms

TEXTS = [
    "Vitamin D supplements and bone density in older adults",
    "Bone fractures after falls: the role of vitamin D",
    "Statins lower cholesterol and cardiovascular risk",
    "Sleep duration and cardiovascular disease",
]


def test_a_loaded_index_answers_as_the_built_one(tmp_path: Path) -> None:
    built = Bm25LexicalIndex.build([(10 + n, keyword_terms(t)) for n, t in enumerate(TEXTS)])
    built.save(str(tmp_path / "lexical"))
    loaded = Bm25LexicalIndex.load(tmp_path / "lexical")
    for query in ("vitamin D bone", "cardiovascular", "statins cholesterol", "unrelated words"):
        assert loaded.search(query, 3) == built.search(query, 3)
    assert [i for i, _ in loaded.search("vitamin bone", 4)][:2] == [10, 11]
    assert loaded.ids() == {10, 11, 12, 13}


def test_holding_names_exactly_the_chunks_with_a_term_built_or_loaded(tmp_path: Path) -> None:
    texts = [*TEXTS, "Set acks_late on the task", "acks late is a setting"]
    built = Bm25LexicalIndex.build([(10 + n, keyword_terms(t)) for n, t in enumerate(texts)])
    built.save(str(tmp_path / "lexical"))
    loaded = Bm25LexicalIndex.load(tmp_path / "lexical")

    for index in (built, loaded):
        assert index.holding("vitamin") == {10, 11}
        assert index.holding("cardiovascular") == {12, 13}
        # An identifier's whole spelling is its own term: only the chunk that writes it.
        assert index.holding("acks_late") == {14}
        assert index.holding("ack") == {14, 15}
        assert index.holding("nowhere") == set()
    assert Bm25LexicalIndex.build([]).holding("vitamin") == set()


def test_building_from_term_ids_scores_as_bm25s_does_from_the_strings() -> None:
    docs = [(10 + n, keyword_terms(t)) for n, t in enumerate(TEXTS)] + [(99, "")]
    built = Bm25LexicalIndex.build(docs)
    reference = bm25s.BM25(k1=1.2, b=0.75)
    reference.index([terms.split() or ["\u2205"] for _, terms in docs], show_progress=False)
    plain = Bm25LexicalIndex(reference, [chunk_id for chunk_id, _ in docs])
    for query in ("vitamin D bone", "cardiovascular sleep", "statins", "bone density falls"):
        found, expected = built.search(query, 5), plain.search(query, 5)
        assert [i for i, _ in found] == [i for i, _ in expected]
        assert [s for _, s in found] == pytest.approx([s for _, s in expected])
    assert built.ids() == {10, 11, 12, 13, 99}


def test_the_whole_array_build_makes_bm25s_own_score_matrix() -> None:
    """Many documents, repeated terms, rare and common ones, an empty document: the score
    matrix equals the one bm25s's per-document loop builds."""
    rng = random.Random(7)
    vocab = [f"t{n}" for n in range(300)]
    docs = [
        [vocab[min(int(rng.expovariate(0.03)), 299)] for _ in range(rng.randint(0, 60))]
        for _ in range(500)
    ]
    vocab_ids = {term: n for n, term in enumerate(vocab)}
    ids = [[vocab_ids[t] for t in doc] for doc in docs]
    fast, reference = _WholeArrayBM25(k1=1.2, b=0.75), bm25s.BM25(k1=1.2, b=0.75)

    mine = fast.build_index_from_ids(list(range(300)), ids, show_progress=False)
    theirs = reference.build_index_from_ids(list(range(300)), ids, show_progress=False)

    assert mine["num_docs"] == theirs["num_docs"] == 500
    np.testing.assert_array_equal(mine["indptr"], theirs["indptr"])
    np.testing.assert_array_equal(mine["indices"], theirs["indices"])
    assert mine["data"].dtype == theirs["data"].dtype
    np.testing.assert_allclose(mine["data"], theirs["data"], rtol=1e-6)


@pytest.mark.skipif(importlib.util.find_spec("numba") is None, reason="numba is not installed")
def test_importing_the_adapter_does_not_load_numba() -> None:
    probe = (
        "import sys, indexer.adapters.bm25 as b; "
        "assert 'numba' not in sys.modules, 'numba was imported'; "
        "assert b.bm25s.BM25().backend == 'numpy'; "
        "import numba"  # still importable by whoever wants it afterwards
    )
    subprocess.run([sys.executable, "-c", probe], check=True, cwd=Path(__file__).parents[2])


def test_document_frequencies_count_the_chunks_holding_each_term(tmp_path: Path) -> None:
    built = Bm25LexicalIndex.build([(10 + n, keyword_terms(t)) for n, t in enumerate(TEXTS)])
    built.save(str(tmp_path / "lexical"))
    loaded = Bm25LexicalIndex.load(tmp_path / "lexical")
    terms = ["vitamin", "bone", "cardiovascular", "statin", "kafka"]
    assert built.document_frequencies(terms) == (4, [2, 2, 2, 1, 0])
    assert loaded.document_frequencies(terms) == built.document_frequencies(terms)
    assert Bm25LexicalIndex.build([]).document_frequencies(["bone"]) == (0, [0])
