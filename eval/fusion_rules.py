"""Replaying fusion rules on recorded runs, fast: one query's candidates as numpy arrays.

`eval.fusion_runs` records each leg's chunk candidates; here each query becomes arrays over
the union of its candidates (sorted by chunk id, as the service breaks ties), and a rule is a
few array operations, then nDCG@10 computed as ranx computes it (linear gains, log2
discounts, the ideal from every judged document). `eval.fusion_select` checks the two agree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from indexer.text.lexical_tokens import identifier_density

Array = NDArray[np.float64]
DISCOUNT = 1.0 / np.log2(np.arange(2, 12))


@dataclass(frozen=True)
class Rule:
    lexical: str  # the keyword run (BM25 parameters, title weight, feedback)
    norm: str  # max | minmax | zscore | rrfK
    weight: float | str  # the dense share, or how it follows each side's confidence
    level: str  # chunk: fuse passages, an article scores by its best; doc: fuse articles
    agreement: float = 0.0  # bonus for a candidate both sides returned (CombMNZ-like)
    identifiers: float = 0.0  # bonus times the share of the query's identifiers held
    capitals: bool = False  # identifiers read from the query in capitals (a robustness check)
    density: bool = False  # scale the identifier bonus by the query's share of identifiers

    @property
    def name(self) -> str:
        return (
            f"lex={self.lexical} norm={self.norm} w={self.weight} level={self.level}"
            f" agree={self.agreement} ident={self.identifiers}{'/density' if self.density else ''}"
        )


@dataclass
class Query:
    docs: NDArray[np.int64]  # per candidate chunk: its document's position in `gains`
    dense: Array  # cosine per candidate, NaN where the side did not return it
    lexical: dict[str, Array]
    held: Array  # share of the query's identifiers the candidate holds
    held_capitals: Array
    gains: Array  # per document position: its judged relevance
    ideal: float
    names: list[str]  # per document position: its id
    density: float  # the query's identifiers over its words (stop words aside)
    density_capitals: float
    cache: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._order = np.argsort(self.docs, kind="stable")
        ordered = self.docs[self._order]
        self._starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        self._owners = ordered[self._starts]

    def doc_level(self, scores: Array, top: int = 1) -> Array:
        """Per document: its best candidate's score (top=1) or the best plus half the next."""
        out = np.full(len(self.gains), np.nan)
        if not len(scores):
            return out
        values = scores[self._order]
        with np.errstate(invalid="ignore"):
            out[self._owners] = np.fmax.reduceat(values, self._starts)
        if top > 1:
            for doc, start, end in zip(
                self._owners, self._starts, np.r_[self._starts[1:], len(values)], strict=True
            ):
                kept = np.sort(values[start:end][~np.isnan(values[start:end])])[::-1]
                if len(kept) > 1:
                    out[doc] += 0.5 * kept[1]
        return out

    def side(self, leg: str, level: str) -> Array:
        key = ("side", leg, level)
        if key not in self.cache:
            scores = self.dense if leg == "dense" else self.lexical[leg]
            self.cache[key] = self.doc_level(scores) if level == "doc" else scores
        return self.cache[key]  # type: ignore[no-any-return]


def prepare(runs: Mapping[str, Any]) -> list[list[Query]]:
    """Every set's queries of one collection's recorded runs, as arrays."""
    owners = {int(c): d for c, d in runs["chunks"].items()}
    sets = []
    for query_set in runs["sets"]:
        qrels = query_set["qrels"]
        sets.append(
            [
                _query(q, owners, qrels.get(qid, {}))
                for qid, q in query_set["queries"].items()
                if qrels.get(qid)
            ]
        )
    return sets


def _query(query: Mapping[str, Any], owners: dict[int, str], judged: dict[str, int]) -> Query:
    runs = {"dense": query["dense"], **query["lexical"]}
    chunks = np.array(sorted({int(c) for run in runs.values() for c, _ in run}), dtype=np.int64)
    where = {int(c): i for i, c in enumerate(chunks)}
    names = sorted({owners[int(c)] for c in chunks})
    position = {d: i for i, d in enumerate(names)}
    docs = np.array([position[owners[int(c)]] for c in chunks], dtype=np.int64)

    def column(run: list[list[float]]) -> Array:
        out = np.full(len(chunks), np.nan)
        for chunk, score in run:
            out[where[int(chunk)]] = score
        return out

    gains = np.array([float(judged.get(d, 0)) for d in names])
    ideal = float(
        np.sum(
            np.sort(np.array(list(judged.values()), float))[::-1][:10]
            * DISCOUNT[: min(10, len(judged))]
        )
    )
    return Query(
        docs,
        column(query["dense"]),
        {name: column(run) for name, run in query["lexical"].items()},
        _held(query["identifiers"], where, len(chunks)),
        _held(query["identifiers_in_capitals"], where, len(chunks)),
        gains,
        ideal,
        names,
        _density(query["text"], query["identifiers"]),
        _density(query["text"].upper(), query["identifiers_in_capitals"]),
    )


def _density(text: str, identifiers: Mapping[str, Any]) -> float:
    return identifier_density(text, list(identifiers))


def _held(holders: Mapping[str, list[int]], where: dict[int, int], size: int) -> Array:
    share = np.zeros(size)
    for chunks in holders.values():
        for chunk in chunks:
            if int(chunk) in where:  # runs cut shorter than recorded keep fewer candidates
                share[where[int(chunk)]] += 1.0 / len(holders)
    return share


def ranked(doc_scores: Array, depth: int = 10) -> NDArray[np.int64]:
    """Document positions by `doc_scores`, best first (NaN: not retrieved)."""
    present = np.flatnonzero(~np.isnan(doc_scores))
    return present[np.argsort(-doc_scores[present], kind="stable")[:depth]]


def ndcg_of(query: Query, doc_scores: Array) -> float:
    """nDCG@10 of documents ranked by `doc_scores` (NaN: not retrieved)."""
    top = ranked(doc_scores)
    return float(np.sum(query.gains[top] * DISCOUNT[: len(top)]) / query.ideal)


def leg_scores(query: Query, leg: str, top: int = 1) -> Array:
    return query.doc_level(query.dense if leg == "dense" else query.lexical[leg], top)


def normalise(scores: Array, norm: str) -> Array:
    """One side's scores on a common scale; where it returned nothing, 0 (the side's floor)."""
    present = ~np.isnan(scores)
    out = np.zeros(len(scores))
    if not present.any():
        return out
    values = scores[present]
    if norm.startswith("rrf"):
        k = float(norm[3:])
        ranks = np.empty(len(values))
        ranks[np.argsort(-values, kind="stable")] = np.arange(1, len(values) + 1)
        out[present] = k / (k + ranks)
    elif norm == "max":
        best = values.max()
        out[present] = np.maximum(values, 0) / best if best > 0 else 0.0
    elif norm == "minmax":
        span = values.max() - values.min()
        out[present] = (values - values.min()) / span if span > 0 else 1.0
    else:  # z-score, shifted so that the lowest candidate sits at 0 like a missing one
        spread = values.std() or 1.0
        out[present] = (values - values.min()) / spread
    return out


def confidence(scores: Array, how: str) -> float:
    """How clearly one side's best candidate stands out from its next nine."""
    values = np.sort(scores[~np.isnan(scores)])[::-1][:10]
    if len(values) < 2 or values[0] <= 0:
        return 0.0
    if how == "gap":
        return float((values[0] - values[-1]) / values[0])
    if how == "peak":
        return float(values[0] / values.mean() - 1.0)
    spread = float(np.sort(scores[~np.isnan(scores)])[::-1][:100].std()) or 1.0
    return float((values[0] - values[1:].mean()) / spread)  # "zgap": the lead in deviations


def fused_scores(query: Query, rule: Rule) -> Array:
    """Per document, its score under `rule` (NaN: neither side returned it)."""
    level = rule.level
    dense, lexical = query.side("dense", level), query.side(rule.lexical, level)
    if isinstance(rule.weight, float):
        w = rule.weight
    else:
        cd = _cached(
            query,
            ("conf", "dense", level, rule.weight),
            lambda: confidence(dense, str(rule.weight)),
        )
        cl = _cached(
            query,
            ("conf", rule.lexical, level, rule.weight),
            lambda: confidence(lexical, str(rule.weight)),
        )
        w = 0.5 if cd + cl <= 0 else cd / (cd + cl)
    nd = _cached(query, ("norm", "dense", level, rule.norm), lambda: normalise(dense, rule.norm))
    nl = _cached(
        query, ("norm", rule.lexical, level, rule.norm), lambda: normalise(lexical, rule.norm)
    )
    fused = w * nd + (1 - w) * nl
    if rule.agreement:
        fused += rule.agreement * _cached(
            query, ("both", rule.lexical, level), lambda: ~np.isnan(dense) & ~np.isnan(lexical)
        )
    if rule.identifiers:
        held = query.held_capitals if rule.capitals else query.held
        if level == "doc":
            held = _cached(
                query, ("held", rule.capitals), lambda: np.nan_to_num(query.doc_level(held))
            )
        scale = (
            (query.density_capitals if rule.capitals else query.density) if rule.density else 1.0
        )
        fused += rule.identifiers * scale * held
    fused[
        _cached(
            query, ("neither", rule.lexical, level), lambda: np.isnan(dense) & np.isnan(lexical)
        )
    ] = np.nan
    return fused if level == "doc" else query.doc_level(fused)


def _cached(query: Query, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
    if key not in query.cache:
        query.cache[key] = make()
    return query.cache[key]
