from __future__ import annotations

from datetime import date

import pytest

from indexer.model import Hit
from indexer.search.date_intent import DateIntent, read_date_intent
from indexer.search.fusion import document_fusion, identifier_shares, prefer_dates

# Chunk id -> article: articles a, b, c, d; article a has two chunks.
OWNERS = {1: "a", 2: "b", 3: "c", 4: "d", 11: "a"}


def articles(ranking: list[tuple[int, float]]) -> list[str]:
    seen: dict[str, None] = {}
    for item, _ in ranking:
        seen.setdefault(OWNERS[item], None)
    return list(seen)


def test_each_side_scales_its_articles_from_its_weakest_to_its_best_then_sums_them() -> None:
    dense = [(1, 0.8), (2, 0.6), (3, 0.4)]
    lexical = [(2, 20.0), (3, 10.0), (4, 5.0)]

    fused = dict(document_fusion(dense, lexical, OWNERS))

    # dense: a 1, b 0.5, c 0; keywords: b 1, c 1/3, d 0; an article a side missed counts 0.
    assert fused == pytest.approx({1: 0.5, 2: 0.75, 3: 1 / 6, 4: 0.0})


def test_an_article_scores_by_its_best_chunk_and_its_chunks_stay_together() -> None:
    dense = [(1, 0.9), (2, 0.8), (11, 0.7), (3, 0.1)]
    lexical = [(11, 9.0), (2, 8.0), (3, 1.0)]

    ranking = document_fusion(dense, lexical, OWNERS)

    assert [item for item, _ in ranking] == [11, 1, 2, 3]
    assert ranking[0][1] == ranking[1][1] == pytest.approx(1.0)


def test_the_weight_moves_the_balance_between_meaning_and_keywords() -> None:
    dense = [(1, 0.9), (2, 0.5), (3, 0.1)]
    lexical = [(2, 5.0), (1, 1.0), (3, 0.5)]

    assert articles(document_fusion(dense, lexical, OWNERS, dense_weight=0.9))[0] == "a"
    assert articles(document_fusion(dense, lexical, OWNERS, dense_weight=0.1))[0] == "b"


def test_an_article_holding_the_query_identifiers_earns_the_bonus() -> None:
    dense = [(1, 0.9), (3, 0.85), (2, 0.4)]
    lexical = [(1, 9.0), (3, 8.0), (2, 1.0)]
    holds = identifier_shares([{3, 4}, {3}])  # chunk 3 holds both identifiers, 4 one

    plain = document_fusion(dense, lexical, OWNERS)
    boosted = document_fusion(dense, lexical, OWNERS, identifiers=holds, identifier_weight=0.5)

    assert articles(plain)[0] == "a"
    assert articles(boosted)[0] == "c"
    assert holds == {3: 1.0, 4: 0.5}


def test_one_side_alone_or_a_single_candidate_still_ranks() -> None:
    assert articles(document_fusion([(1, 0.3), (2, 0.2)], [], OWNERS)) == ["a", "b"]
    assert articles(document_fusion([], [(4, 2.0), (3, 1.0)], OWNERS)) == ["d", "c"]
    assert document_fusion([(1, -0.2)], [], OWNERS) == [(1, 0.5)]


def test_chunks_whose_article_is_unknown_are_dropped() -> None:
    assert [item for item, _ in document_fusion([(1, 0.5), (99, 0.9)], [], OWNERS)] == [1]


def test_a_ratio_or_a_decimal_is_not_read_as_a_year() -> None:
    claim = "1/2000 in UK have abnormal PrP positivity."

    assert read_date_intent(claim) == (claim, None)
    assert read_date_intent("a 2010.5 value")[1] is None
    assert read_date_intent("Redis caching in 2022")[1] is not None


def _dated(article: str, score: float, year: int) -> list[Hit]:
    return [Hit(0, article, article, None, None, None, "", 0, 0, score, date(year, 6, 1))]


def test_a_date_wish_reorders_only_articles_near_the_best_by_the_mode_s_own_scores() -> None:
    latest = DateIntent("latest")
    # Fused scores (hybrid): 0.6 is within FUSED_SHARE of 1.0, 0.3 is not.
    fused = [_dated("old", 1.0, 2020), _dated("newer", 0.6, 2024), _dated("newest", 0.3, 2026)]
    assert [g[0].article_id for g in prefer_dates(fused, latest, "hybrid")] == [
        "newer",
        "old",
        "newest",
    ]
    # The same numbers as cosines (dense): 0.6 is far more than COSINE_MARGIN below 1.0.
    assert [g[0].article_id for g in prefer_dates(fused, latest, "dense")] == [
        "old",
        "newer",
        "newest",
    ]
    # BM25 scores keep their own, stricter share: 60% of the best is not close.
    assert prefer_dates(fused, latest, "bm25")[0][0].article_id == "old"
    in_2026 = prefer_dates(fused, DateIntent("year", 2026), "hybrid")
    assert [g[0].article_id for g in in_2026] == ["old", "newer", "newest"]  # 0.3: too far
    in_2024 = prefer_dates(fused, DateIntent("year", 2024), "hybrid")
    assert in_2024[0][0].article_id == "newer"
