"""The leg study replays the served fusion exactly; more lists and second chunks add to it."""

from __future__ import annotations

import random
from typing import Any

import numpy as np

from eval.fusion_rules import prepare, ranked
from eval.leg_select import Candidate, article_scores, fused
from indexer.search.fusion import IDENTIFIER_BONUS, document_fusion, identifier_shares
from indexer.text.lexical_tokens import identifier_density, identifier_terms


def recorded(seed: int, text: str) -> dict[str, Any]:
    """One query's runs as `eval.leg_runs` writes them: 60 chunks of 25 articles."""
    rng = random.Random(seed)
    chunks = {str(c): f"d{c % 25}" for c in range(60)}

    def run(size: int, scale: float) -> list[list[float]]:
        picked = rng.sample(range(60), size)
        return sorted(([c, rng.random() * scale] for c in picked), key=lambda p: -p[1])

    dense, lexical = run(30, 1.0), run(20, 9.0)
    terms = identifier_terms(text)
    held = {t: sorted(c for c, _ in lexical[:3]) for t in terms}
    query = {
        "text": text,
        "dense": dense,
        "lexical": {"bm25": lexical, "bm25+frm3/3/20/0.5": run(25, 7.0)},
        "identifiers": held,
        "identifiers_in_capitals": {},
    }
    qrels = {"q": {"d1": 1, "d7": 1}}
    return {"chunks": chunks, "sets": [{"name": "s", "qrels": qrels, "queries": {"q": query}}]}


def served_order(runs: dict[str, Any]) -> list[str]:
    query = runs["sets"][0]["queries"]["q"]
    owners = {int(c): d for c, d in runs["chunks"].items()}
    dense = [(int(c), s) for c, s in query["dense"]]
    lexical = [(int(c), s) for c, s in query["lexical"]["bm25"]]
    terms = identifier_terms(query["text"])
    shares = identifier_shares([set(query["identifiers"][t]) for t in terms])
    bonus = IDENTIFIER_BONUS * identifier_density(query["text"], terms)
    order: list[str] = []
    for chunk, _ in document_fusion(dense, lexical, owners, 0.5, shares, bonus):
        if owners[chunk] not in order:
            order.append(owners[chunk])
    return order


def test_the_replayed_dense_and_keyword_fusion_ranks_articles_as_the_service_does() -> None:
    for seed, text in ((1, "a plain question about retries"), (2, "acks_late with retries")):
        runs = recorded(seed, text)
        query = prepare(runs)[0][0]

        replayed = [query.names[i] for i in ranked(fused(query, Candidate("dense", "bm25")), 25)]

        assert replayed == served_order(runs)[:25]


def test_an_article_scores_its_best_chunk_plus_a_share_of_its_second() -> None:
    query = prepare(recorded(3, "a question"))[0][0]
    scores = query.dense
    for doc in range(len(query.names)):
        own = np.sort(scores[(query.docs == doc) & ~np.isnan(scores)])[::-1]
        expected = np.nan if not len(own) else own[0] + (0.25 * own[1] if len(own) > 1 else 0)

        got = article_scores(query, "dense", 0.25)[doc]

        assert (np.isnan(expected) and np.isnan(got)) or got == expected


def test_a_third_list_keeps_every_candidate_of_the_two_and_moves_their_scores() -> None:
    query = prepare(recorded(4, "a question"))[0][0]
    two = fused(query, Candidate("dense", "bm25"))
    three = fused(query, Candidate("dense", "bm25", third=("bm25+frm3/3/20/0.5",)))

    assert np.array_equal(np.isnan(two) & np.isnan(three), np.isnan(three))
    assert not np.allclose(np.nan_to_num(two), np.nan_to_num(three))
