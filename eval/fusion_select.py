"""Choosing the fusion rule and BM25 parameters by leave-one-collection-out.

Replays the raw runs written by `eval.fusion_runs` under every candidate rule, scores each with
ranx (nDCG@10), and for each collection in turn picks the rule that does best on all the
OTHER collections and reports how that pick does on the one left out. Those left-out figures
are the only honest ones: a rule tuned where it is scored always looks good there.

    python -m eval.fusion_select RUNS_DIR [--json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from typing import Any

from eval.metrics import score_rankings

Scores = dict[str, float]
Candidates = Sequence[Sequence[Any]]  # [document id, score] pairs, chunk level, best first

NORMS = ("max", "minmax", "zscore", "rank")
WEIGHTS: tuple[float | str, ...] = (0.3, 0.4, 0.5, 0.6, 0.7, "peak", "gap")
AGGREGATES = ("max", "top2")
BM25 = ("1.2/0.75", "0.9/0.4", "1.5/0.75", "1.2/0.5")


@dataclass(frozen=True)
class Rule:
    bm25: str
    norm: str
    weight: float | str
    aggregate: str

    @property
    def name(self) -> str:
        return f"bm25={self.bm25} norm={self.norm} w={self.weight} doc={self.aggregate}"


def documents(candidates: Candidates, aggregate: str) -> Scores:
    """Chunk candidates to document scores: the best chunk, or the best plus half the next."""
    seen: dict[str, list[float]] = {}
    for doc, score in candidates:
        kept = seen.setdefault(doc, [])
        if len(kept) < 2:
            kept.append(float(score))
    if aggregate == "max":
        return {doc: s[0] for doc, s in seen.items()}
    return {doc: s[0] + 0.5 * (s[1] if len(s) > 1 else 0.0) for doc, s in seen.items()}


def normalise(scores: Scores, norm: str) -> Scores:
    if not scores:
        return {}
    values = list(scores.values())
    if norm == "rank":
        order = sorted(scores, key=lambda d: -scores[d])
        return {doc: 1.0 / (60 + rank) for rank, doc in enumerate(order, start=1)}
    if norm == "max":
        best = max(values)
        return {d: max(s, 0.0) / best for d, s in scores.items()} if best > 0 else {}
    if norm == "minmax":
        low, high = min(values), max(values)
        span = high - low
        return {d: (s - low) / span for d, s in scores.items()} if span > 0 else {}
    centre = mean(values)
    spread = math.sqrt(mean((v - centre) ** 2 for v in values)) or 1.0
    return {d: (s - centre) / spread for d, s in scores.items()}


def confidence(scores: Scores, how: str) -> float:
    """How sure one leg is of its top: peak = best over the mean of its top 10; gap = the
    first score's lead over the tenth, relative to the first."""
    top = sorted(scores.values(), reverse=True)[:10]
    if not top or top[0] <= 0:
        return 0.0
    if how == "peak":
        return top[0] / max(mean(top), 1e-9) - 1.0
    return (top[0] - top[-1]) / top[0]


def fuse(dense: Scores, lexical: Scores, rule: Rule) -> list[str]:
    if isinstance(rule.weight, float):
        w = rule.weight
    else:
        cd, cl = confidence(dense, rule.weight), confidence(lexical, rule.weight)
        w = 0.5 if cd + cl <= 0 else cd / (cd + cl)
    nd, nl = normalise(dense, rule.norm), normalise(lexical, rule.norm)
    floor_d = min(nd.values(), default=0.0) if rule.norm == "zscore" else 0.0
    floor_l = min(nl.values(), default=0.0) if rule.norm == "zscore" else 0.0
    fused = {
        doc: w * nd.get(doc, floor_d) + (1 - w) * nl.get(doc, floor_l)
        for doc in dense.keys() | lexical.keys()
    }
    return sorted(fused, key=lambda d: (-fused[d], d))


def ranked(scores: Scores) -> list[str]:
    return sorted(scores, key=lambda d: (-scores[d], d))


def collection_scores(
    runs: Mapping[str, Any], rank: Callable[[Mapping[str, Any]], list[str]]
) -> float:
    """Mean nDCG@10 over a collection's query sets (each set weighs the same)."""
    values = []
    for query_set in runs["sets"]:
        rankings = {qid: rank(q)[:100] for qid, q in query_set["queries"].items()}
        values.append(score_rankings(query_set["qrels"], rankings)["ndcg@10"])
    return mean(values)


def rules() -> Iterable[Rule]:
    for bm25, norm, weight, aggregate in itertools.product(BM25, NORMS, WEIGHTS, AGGREGATES):
        yield Rule(bm25, norm, weight, aggregate)


def table(collections: Mapping[str, Any]) -> dict[str, Any]:
    """Every rule's nDCG@10 on every collection, and each leg's."""
    legs: dict[str, dict[str, float]] = {}
    hybrid: dict[str, dict[str, float]] = {}
    for name, runs in collections.items():
        legs[name] = {
            "dense": collection_scores(runs, lambda q: ranked(documents(q["dense"], "max")))
        }
        for bm25 in BM25:
            legs[name][f"bm25 {bm25}"] = collection_scores(runs, _lexical_ranking(bm25))
        for rule in rules():
            hybrid.setdefault(rule.name, {})[name] = collection_scores(runs, _fused_ranking(rule))
    return {"legs": legs, "hybrid": hybrid}


def _lexical_ranking(params: str) -> Callable[[Mapping[str, Any]], list[str]]:
    return lambda query: ranked(documents(query["bm25"][params], "max"))


def _fused_ranking(rule: Rule) -> Callable[[Mapping[str, Any]], list[str]]:
    def rank(query: Mapping[str, Any]) -> list[str]:
        dense = documents(query["dense"], rule.aggregate)
        return fuse(dense, documents(query["bm25"][rule.bm25], rule.aggregate), rule)

    return rank


def leave_one_out(scores: Mapping[str, Any]) -> dict[str, Any]:
    """For each collection: the rule best on the others, and its score where it was left out."""
    hybrid: dict[str, dict[str, float]] = scores["hybrid"]
    legs: dict[str, dict[str, float]] = scores["legs"]
    names = list(legs)
    out: dict[str, Any] = {}
    for held in names:
        others = [n for n in names if n != held]
        pick = max(hybrid, key=lambda r: mean(hybrid[r][n] for n in others))
        bm25_pick = max(
            (k for k in legs[held] if k.startswith("bm25")),
            key=lambda k: mean(legs[n][k] for n in others),
        )
        dense = legs[held]["dense"]
        bm25 = legs[held][bm25_pick]
        out[held] = {
            "rule": pick,
            "hybrid": hybrid[pick][held],
            "dense": dense,
            "bm25": bm25,
            "bm25_params": bm25_pick,
            "margin_over_better_leg": hybrid[pick][held] - max(dense, bm25),
        }
    everywhere = max(hybrid, key=lambda r: mean(hybrid[r][n] for n in names))
    return {"left_out": out, "chosen_on_all": everywhere}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.fusion_select", description=__doc__)
    parser.add_argument("runs", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    collections = {p.stem: json.loads(p.read_text()) for p in sorted(args.runs.glob("*.json"))}
    scores = table(collections)
    result = leave_one_out(scores)
    if args.json:
        print(json.dumps({**result, "scores": scores}))
        return 0
    for name, row in result["left_out"].items():
        print(
            f"{name:10} bm25 {row['bm25']:.4f} dense {row['dense']:.4f} hybrid {row['hybrid']:.4f}"
            f" ({row['margin_over_better_leg']:+.4f})  {row['rule']}"
        )
    margins = [r["margin_over_better_leg"] for r in result["left_out"].values()]
    print(f"mean margin over the better leg {mean(margins):+.4f}")
    print(f"best on every collection at once: {result['chosen_on_all']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
