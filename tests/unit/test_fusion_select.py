"""The fast replay of fusion rules scores as ranx does, and leave-one-out never looks at the
collection it reports."""

from __future__ import annotations

import random
from typing import Any

import pytest

from eval.fusion_rules import Rule, prepare
from eval.fusion_select import check_against_ranx, hybrid, leave_one_out, legs


def recorded(seed: int, queries: int = 12) -> dict[str, Any]:
    """A collection's runs as `eval.fusion_runs` writes them: 40 chunks of 20 documents."""
    rng = random.Random(seed)
    chunks = {str(c): f"d{c % 20}" for c in range(40)}
    recorded_queries, qrels = {}, {}
    for n in range(queries):
        dense = sorted(((c, rng.random()) for c in rng.sample(range(40), 15)), key=lambda p: -p[1])
        lexical = sorted(
            ((c, rng.random() * 9) for c in rng.sample(range(40), 10)), key=lambda p: -p[1]
        )
        held = {"acks_late": [c for c, _ in lexical[:2]]} if n % 3 == 0 else {}
        recorded_queries[f"q{n}"] = {
            "text": "acks_late" if held else "a question",
            "dense": [list(p) for p in dense],
            "lexical": {"1.2/0.75": [list(p) for p in lexical]},
            "identifiers": held,
            "identifiers_in_capitals": held,
        }
        qrels[f"q{n}"] = {f"d{d}": rng.choice((1, 2)) for d in rng.sample(range(20), 3)}
    return {"chunks": chunks, "sets": [{"name": "s", "qrels": qrels, "queries": recorded_queries}]}


@pytest.mark.parametrize(
    "rule",
    [
        Rule("1.2/0.75", "max", 0.5, "chunk"),
        Rule("1.2/0.75", "minmax", 0.5, "doc", 0.0, 0.5, density=True),
        Rule("1.2/0.75", "rrf60", "gap", "doc", 0.1, 1.0),
        Rule("1.2/0.75", "zscore", "zgap", "chunk", 0.1),
    ],
)
def test_the_numpy_ndcg_equals_ranx_on_every_kind_of_rule(rule: Rule) -> None:
    runs = recorded(seed=3)

    ours, ranx = check_against_ranx(runs, prepare(runs), rule)

    assert ours == pytest.approx(ranx, abs=1e-12)


def test_each_collection_is_reported_under_the_rule_picked_on_the_others() -> None:
    collections = {name: prepare(recorded(seed)) for name, seed in (("a", 1), ("b", 2), ("c", 3))}
    candidates = [Rule("1.2/0.75", norm, w, "doc") for norm in ("max", "rrf60") for w in (0.3, 0.7)]
    legs_table = legs(collections)
    hybrid_table, named = hybrid(collections, candidates)

    result = leave_one_out(collections, legs_table, hybrid_table, named, "mean")

    for held, row in result["left_out"].items():
        others = [n for n in collections if n != held]
        best = max(hybrid_table, key=lambda r: sum(hybrid_table[r][n] for n in others))
        assert row["rule"] == best
        assert row["hybrid"] == hybrid_table[best][held]
