"""Choosing the fusion rule, the keyword leg and the dense aggregation by leave-one-collection-out.

Replays the raw runs written by `eval.fusion_runs` under every candidate (`eval.fusion_rules`)
and, for each collection in turn, picks what does best on all the OTHER collections and reports
how that pick does on the one left out. Those left-out figures are the only honest ones: a rule
tuned where it is scored always looks good there. Each collection weighs the same, and within
one each query set does.

    python -m eval.fusion_select RUNS_DIR [--json FILE] [--check]
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from statistics import mean
from typing import Any

from eval.fusion_rules import Query, Rule, fused_scores, leg_scores, ndcg_of, prepare, ranked
from eval.metrics import score_rankings

Collections = dict[str, list[list[Query]]]
Table = dict[str, dict[str, float]]  # candidate -> collection -> nDCG@10

NORMS = ("max", "minmax", "zscore", "rrf10", "rrf60")
WEIGHTS: tuple[float | str, ...] = (0.3, 0.4, 0.5, 0.6, 0.7, "gap", "peak", "zgap")
LEVELS = ("chunk", "doc")
AGREEMENT = (0.0, 0.1)
IDENTIFIERS = (0.0, 0.5)  # times the query's share of identifiers (Rule.density)


def score(sets: Sequence[Sequence[Query]], per_query: Callable[[Query], float]) -> float:
    return mean(mean(per_query(q) for q in queries) for queries in sets)


def legs(collections: Collections) -> Table:
    """Each leg alone: dense by best chunk or best plus half the next, every keyword run."""
    table: Table = {}
    for name, sets in collections.items():
        lexical = sets[0][0].lexical
        table.setdefault("dense", {})[name] = score(
            sets, lambda q: ndcg_of(q, leg_scores(q, "dense"))
        )
        table.setdefault("dense top2", {})[name] = score(
            sets, lambda q: ndcg_of(q, leg_scores(q, "dense", top=2))
        )
        for leg in lexical:
            table.setdefault(leg, {})[name] = score(sets, _leg_ndcg(leg))
    return table


def _leg_ndcg(leg: str) -> Callable[[Query], float]:
    return lambda query: ndcg_of(query, leg_scores(query, leg))


def _fused_ndcg(rule: Rule) -> Callable[[Query], float]:
    return lambda query: ndcg_of(query, fused_scores(query, rule))


def rules(lexical: Iterable[str]) -> Iterable[Rule]:
    for lex, norm, weight, level, agree, ident in itertools.product(
        lexical, NORMS, WEIGHTS, LEVELS, AGREEMENT, IDENTIFIERS
    ):
        yield Rule(lex, norm, weight, level, agree, ident, density=True)


def hybrid(collections: Collections, candidates: Iterable[Rule]) -> tuple[Table, dict[str, Rule]]:
    table: Table = {}
    named: dict[str, Rule] = {}
    for rule in candidates:
        named[rule.name] = rule
        table[rule.name] = {
            name: score(sets, _fused_ndcg(rule)) for name, sets in collections.items()
        }
    return table, named


# The keyword leg as served (k1, b; title once; no feedback). Its variants are measured alone in
# the legs table; fused, none helped hybrid on every collection (eval/README.md).
SERVED = "1.2/0.75"
CRITERIA = ("mean", "maximin", "goal")
SHORTFALL = 0.005  # how far under its better leg hybrid may fall on a collection


def margin(
    legs_table: Table, hybrid_table: Table, rule: str, name: str, rules: dict[str, Rule]
) -> float:
    """Hybrid over the better of its two legs (its own keyword run, dense by best chunk)."""
    lexical = legs_table[rules[rule].lexical][name]
    return hybrid_table[rule][name] - max(legs_table["dense"][name], lexical)


def pick_rule(
    legs_table: Table,
    hybrid_table: Table,
    rules: dict[str, Rule],
    among: Sequence[str],
    criterion: str,
) -> str:
    """The rule best on the collections `among`: by mean nDCG@10; by its worst margin over the
    better leg (maximin); or by its mean margin, less ten times any shortfall beyond 0.005
    (goal: the bar hybrid is held to)."""

    def key(rule: str) -> tuple[float, str]:
        margins = [margin(legs_table, hybrid_table, rule, n, rules) for n in among]
        if criterion == "mean":
            return mean(hybrid_table[rule][n] for n in among), rule
        if criterion == "maximin":
            return min(margins) + 1e-3 * mean(margins), rule
        return mean(margins) - 10 * sum(max(0.0, -SHORTFALL - m) for m in margins), rule

    return max(hybrid_table, key=key)


def pick(table: Table, among: Sequence[str], keys: Iterable[str] | None = None) -> str:
    """The candidate with the best mean over the collections `among`."""
    return max(keys or table, key=lambda k: (mean(table[k][n] for n in among), k))


def leave_one_out(
    collections: Collections,
    legs_table: Table,
    hybrid_table: Table,
    rules: dict[str, Rule],
    criterion: str,
) -> dict[str, Any]:
    names = list(collections)
    out: dict[str, Any] = {}
    for held in names:
        others = [n for n in names if n != held]
        rule = pick_rule(legs_table, hybrid_table, rules, others, criterion)
        lexical = rules[rule].lexical
        out[held] = {
            "bm25": legs_table[lexical][held],
            "dense": legs_table["dense"][held],
            "hybrid": hybrid_table[rule][held],
            "rule": rule,
            "margin_over_better_leg": margin(legs_table, hybrid_table, rule, held, rules),
        }
    return {
        "left_out": out,
        "chosen_on_all": pick_rule(legs_table, hybrid_table, rules, names, criterion),
    }


def check_against_ranx(
    runs: Mapping[str, Any], sets: list[list[Query]], rule: Rule
) -> tuple[float, float]:
    """(ours, ranx's) nDCG@10 of one collection under `rule`: the fast path must agree."""
    ranx_values = []
    for query_set, queries in zip(runs["sets"], sets, strict=True):
        judged = [qid for qid in query_set["queries"] if query_set["qrels"].get(qid)]
        rankings = {
            qid: [q.names[i] for i in ranked(fused_scores(q, rule), 100)]
            for qid, q in zip(judged, queries, strict=True)
        }
        ranx_values.append(score_rankings(query_set["qrels"], rankings)["ndcg@10"])
    return score(sets, lambda q: ndcg_of(q, fused_scores(q, rule))), mean(ranx_values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.fusion_select", description=__doc__)
    parser.add_argument("runs", type=Path)
    parser.add_argument("--json", type=Path, help="write every score here")
    parser.add_argument("--check", action="store_true", help="compare a few rules with ranx")
    parser.add_argument(
        "--lexical",
        nargs="*",
        default=[SERVED],
        help=f"keyword runs to fuse (default: the served one, {SERVED}; several: each a candidate)",
    )
    args = parser.parse_args(argv)
    raw = {p.stem: json.loads(p.read_text()) for p in sorted(args.runs.glob("*.json"))}
    collections = {name: prepare(runs) for name, runs in raw.items()}
    if args.check:
        for rule in (
            Rule("1.2/0.75", "max", 0.5, "chunk"),
            Rule("0.9/0.4", "rrf60", "gap", "doc", 0.1, 1.0),
        ):
            for name in collections:
                ours, theirs = check_against_ranx(raw[name], collections[name], rule)
                print(f"check {name:10} {rule.name}: numpy {ours:.6f} ranx {theirs:.6f}")
    legs_table = legs(collections)
    lexical = args.lexical
    hybrid_table, named = hybrid(collections, rules(lexical))
    report: dict[str, Any] = {"legs": legs_table, "hybrid": hybrid_table}
    for name in sorted(legs_table):
        print(f"{name:26} " + " ".join(f"{c} {v:.4f}" for c, v in legs_table[name].items()))
    for criterion in CRITERIA:
        result = leave_one_out(collections, legs_table, hybrid_table, named, criterion)
        report[criterion] = result
        print(f"\nleft out, chosen by {criterion}:")
        for name, row in result["left_out"].items():
            print(
                f"{name:10} bm25 {row['bm25']:.4f} dense {row['dense']:.4f} hybrid "
                f"{row['hybrid']:.4f} ({row['margin_over_better_leg']:+.4f})  {row['rule']}"
            )
        margins = [r["margin_over_better_leg"] for r in result["left_out"].values()]
        print(f"mean margin over the better leg {mean(margins):+.4f}, worst {min(margins):+.4f}")
        print(f"chosen on every collection at once: {result['chosen_on_all']}")
    if args.json:
        args.json.write_text(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
