from __future__ import annotations

from indexer.search.date_intent import read_date_intent
from indexer.search.fusion import normalised_score_fusion


def test_each_side_is_divided_by_its_best_score_then_summed_with_equal_weights() -> None:
    dense = [(1, 0.8), (2, 0.4)]
    lexical = [(2, 20.0), (3, 10.0)]

    fused = dict(normalised_score_fusion(dense, lexical))

    assert fused == {1: 0.5, 2: 0.5 * 0.5 + 0.5 * 1.0, 3: 0.25}


def test_a_clear_keyword_winner_beats_a_passage_both_sides_rank_second() -> None:
    # Rank fusion would put 2 first (second on both sides); scores keep 1's lead.
    dense = [(3, 0.61), (2, 0.60), (1, 0.58)]
    lexical = [(1, 30.0), (2, 9.0), (3, 1.0)]

    assert normalised_score_fusion(dense, lexical)[0][0] == 1


def test_the_weight_moves_the_balance_between_meaning_and_keywords() -> None:
    dense = [(1, 0.9), (2, 0.5)]
    lexical = [(2, 5.0), (1, 1.0)]

    assert normalised_score_fusion(dense, lexical, dense_weight=0.9)[0][0] == 1
    assert normalised_score_fusion(dense, lexical, dense_weight=0.1)[0][0] == 2


def test_negative_cosines_and_an_empty_side_do_not_break_the_order() -> None:
    dense = [(1, -0.1), (2, -0.3)]

    assert [item for item, _ in normalised_score_fusion(dense, [])] == [1, 2]
    assert [item for item, _ in normalised_score_fusion([], [(4, 2.0), (5, 1.0)])] == [4, 5]


def test_a_ratio_or_a_decimal_is_not_read_as_a_year() -> None:
    claim = "1/2000 in UK have abnormal PrP positivity."

    assert read_date_intent(claim) == (claim, None)
    assert read_date_intent("a 2010.5 value")[1] is None
    assert read_date_intent("Redis caching in 2022")[1] is not None
