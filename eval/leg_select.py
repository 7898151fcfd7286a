"""Choosing stronger legs by leave-one-collection-out, on the runs of `eval.leg_runs`.

Every candidate is the served fusion (each side's articles min-max scaled, equal weights, the
identifier bonus) over one dense run and one keyword run, an article scoring on each side by
its best chunk plus a share of its second best. For each collection in turn the candidate best
on the others (mean margin over the better leg, less ten times any shortfall beyond 0.005) is
scored on the one left out.

    python -m eval.leg_select RUNS_DIR [--dense NAME ...] [--lexical NAME ...]
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import mean

import numpy as np

from eval.fusion_rules import Array, Query, ndcg_of, normalise, prepare
from indexer.search.fusion import IDENTIFIER_BONUS

SECOND = (0.0, 0.1, 0.25)


@dataclass(frozen=True)
class Candidate:
    dense: str
    lexical: str
    second: float = 0.0  # the weight of an article's second-best chunk, both sides
    third: tuple[str, ...] = ()  # more lists fused with the same weight

    @property
    def name(self) -> str:
        extra = "".join(f" +{t}" for t in self.third)
        return f"{self.dense} x {self.lexical} second={self.second}{extra}"


def article_scores(query: Query, run: str, second: float) -> Array:
    key = ("agg", run, second)
    if key not in query.cache:
        scores = query.dense if run == "dense" else query.lexical[run]
        best = query.doc_level(scores)
        if second:
            out = best.copy()
            order = np.argsort(query.docs, kind="stable")
            docs, values = query.docs[order], scores[order]
            for doc in np.unique(docs[~np.isnan(values)]):
                kept = np.sort(values[(docs == doc) & ~np.isnan(values)])[::-1]
                if len(kept) > 1:
                    out[doc] += second * kept[1]
            best = out
        query.cache[key] = best
    return query.cache[key]  # type: ignore[no-any-return]


def fused(query: Query, candidate: Candidate) -> Array:
    runs = [candidate.dense, candidate.lexical, *candidate.third]
    sides = [article_scores(query, run, candidate.second) for run in runs]
    total = sum(normalise(side, "minmax") for side in sides) / len(sides)
    held = query.cache.get(("held",))
    if held is None:
        held = query.cache[("held",)] = np.nan_to_num(query.doc_level(query.held))
    total = total + IDENTIFIER_BONUS * query.density * held
    total[np.all([np.isnan(s) for s in sides], axis=0)] = np.nan
    return np.asarray(total)


def score(sets: Sequence[Sequence[Query]], candidate: Candidate | str) -> float:
    def one(query: Query) -> float:
        if isinstance(candidate, str):
            return ndcg_of(query, article_scores(query, candidate, 0.0))
        return ndcg_of(query, fused(query, candidate))

    return mean(mean(one(q) for q in queries) for queries in sets)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.leg_select", description=__doc__)
    parser.add_argument("runs", type=Path)
    parser.add_argument("--dense", nargs="*")
    parser.add_argument("--lexical", nargs="*")
    parser.add_argument("--third", nargs="*", default=[], help="extra lists, comma-joined")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    raw = {p.stem: json.loads(p.read_text()) for p in sorted(args.runs.glob("*.json"))}
    collections = {name: prepare(runs) for name, runs in raw.items()}
    names = list(collections)
    first = next(iter(raw.values()))["sets"][0]["queries"]
    runs = list(next(iter(first.values()))["lexical"])
    dense_runs = args.dense or ["dense"] + [r for r in runs if r.startswith("dense")]
    lexical_runs = args.lexical or [r for r in runs if r.startswith("bm25")]
    legs = {r: {n: score(collections[n], r) for n in names} for r in ["dense", *runs]}
    for run, row in legs.items():
        print(f"{run:24} " + " ".join(f"{n} {v:.4f}" for n, v in row.items()))
    candidates = [
        Candidate(d, lx, s, t)
        for d, lx, s in itertools.product(dense_runs, lexical_runs, SECOND)
        for t in [(), *(tuple(x.split(",")) for x in args.third)]
        if d not in t and lx not in t
    ]
    table = {c: {n: score(collections[n], c) for n in names} for c in candidates}

    def margin(c: Candidate, n: str) -> float:
        used = ["dense", "bm25", c.dense, c.lexical, *c.third]
        return table[c][n] - max(legs[r][n] for r in used)

    def goal(c: Candidate, among: list[str]) -> float:
        margins = [margin(c, n) for n in among]
        return mean(margins) - 10 * sum(max(0.0, -0.005 - m) for m in margins)

    def mean_ndcg(c: Candidate, among: list[str]) -> float:
        return mean(table[c][n] for n in among)

    for label, key in (("goal", goal), ("mean", mean_ndcg)):
        print(f"\nleft out, chosen by {label}:")
        for held in names:
            others = [n for n in names if n != held]
            best = max(candidates, key=lambda c: (key(c, others), c.name))
            print(
                f"{held:10} hybrid {table[best][held]:.4f} margin {margin(best, held):+.4f}"
                f"  {best.name}"
            )
        best = max(candidates, key=lambda c: (key(c, names), c.name))
        print(f"on all: {best.name} " + " ".join(f"{n} {table[best][n]:.4f}" for n in names))
    top = sorted(candidates, key=lambda c: -goal(c, names))[:15]
    print("\nbest on all five by goal:")
    for c in top:
        print(f"{goal(c, names):+.4f} " + " ".join(f"{table[c][n]:.4f}" for n in names), c.name)
    if args.json:
        args.json.write_text(
            json.dumps({"legs": legs, "hybrid": {c.name: table[c] for c in candidates}})
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
