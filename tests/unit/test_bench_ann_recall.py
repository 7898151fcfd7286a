from __future__ import annotations

from eval.bench.ann import tie_aware_recall


def test_another_copy_of_a_tied_vector_is_a_hit() -> None:
    exact = [(1, 0.9), (2, 0.8), (3, 0.8)]
    # Vector 7 is an identical copy of 3: the same score, a different id.
    assert tie_aware_recall([(1, 0.9), (2, 0.8), (7, 0.8)], exact) == 1.0


def test_a_worse_vector_in_place_of_a_better_one_is_a_miss() -> None:
    exact = [(1, 0.9), (2, 0.8), (3, 0.7)]
    assert tie_aware_recall([(1, 0.9), (2, 0.8), (9, 0.6)], exact) == 2 / 3
    assert tie_aware_recall([], exact) == 0.0
