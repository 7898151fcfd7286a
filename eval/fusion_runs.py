"""Raw runs for choosing a fusion rule: each collection's queries answered by each leg alone.

Choosing how to fuse dense and keyword rankings must not be done on the collection it is scored
on. This module indexes a collection through the real pipeline once (or reuses a kept index:
nothing is embedded again) and records, per query, the chunk-level candidates of each leg
(chunk id and score, best first), deep enough that any rule can be replayed offline on them
(`eval.fusion_select`): dense, and the keyword leg under several BM25 parameters, with the title
counted twice, and with RM3 feedback (`eval.lexical_study`). It also records which candidate
chunks hold each identifier the query names (`identifier_terms`), as written and in capitals.

    python -m eval.fusion_runs DATASET [DATASET ...] --out DIR [--depth 300] [--index-root DIR]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.datasets import dataset_folder, open_dataset
from eval.lexical_study import StudyIndex, query_weights, rm3
from eval.model import Dataset
from eval.retrieval import eval_settings, index_dataset, query_threads_as_served
from indexer.bootstrap import Services, build
from indexer.config import Settings
from indexer.ports import NoProgress
from indexer.text.lexical_tokens import identifier_terms, lexical_tokens

# name -> (k1, b, how many times the title counts)
LEXICAL: dict[str, tuple[float, float, int]] = {
    f"{k1}/{b}{'+title' if title > 1 else ''}": (k1, b, title)
    for k1, b in ((1.2, 0.75), (0.9, 0.4), (1.5, 0.75), (1.2, 0.4), (2.0, 0.75))
    for title in (1, 2)
}
# name -> (the run it feeds back from, feedback chunks, expansion terms, original query's share)
FEEDBACK: dict[str, tuple[str, int, int, float]] = {
    f"{base}+rm3/{docs}/{terms}/{keep}": (base, docs, terms, keep)
    for base in ("1.2/0.75", "0.9/0.4")
    for docs, terms, keep in ((10, 10, 0.5), (10, 10, 0.7), (5, 20, 0.7))
}


@dataclass(frozen=True)
class IndexedCollection:
    """A collection indexed through the real pipeline (or its kept index), with every live
    chunk's id, owning article and keyword terms, for replaying its queries offline."""

    dataset: Dataset
    services: Services
    snapshot: Any
    ids: list[int]
    owners: dict[int, str]
    plain: list[list[str]]


def index_collection(folder: Path, index_dir: Path) -> IndexedCollection:
    index_dir.mkdir(parents=True, exist_ok=True)
    dataset = open_dataset(folder, index_dir / "eval-source")
    longest = max((len(q) for s in dataset.sets for q in s.queries.values()), default=0)
    services = build(eval_settings(Settings(), index_dir, longest))
    index_dataset(services, dataset, NoProgress())
    query_threads_as_served()
    stored = services.store.live_chunk_terms()
    ids = [chunk_id for chunk_id, _, _ in stored]
    snapshot = services.reader.current()
    return IndexedCollection(
        dataset=dataset,
        services=services,
        snapshot=snapshot,
        ids=ids,
        owners=snapshot.owners.of(ids),
        plain=[(terms or "").split() for _, terms, _ in stored],
    )


def collect(folder: Path, index_dir: Path, depth: int) -> dict[str, Any]:
    """Every judged query's candidates in `folder`, with its qrels and the chunks' articles."""
    indexed = index_collection(folder, index_dir)
    dataset, services, snapshot = indexed.dataset, indexed.services, indexed.snapshot
    ids, owners, plain = indexed.ids, indexed.owners, indexed.plain
    titles = _title_terms(services, set(owners.values()))
    indexes = {
        1: StudyIndex(ids, plain),
        2: StudyIndex(ids, [t + titles[owners[c]] for c, t in zip(ids, plain, strict=True)]),
    }
    sets = []
    for query_set in dataset.sets:
        queries = {}
        for query_id, text in query_set.queries.items():
            dense = snapshot.vectors.search(services.query_embedder.embed([text]), depth)
            weights = query_weights(lexical_tokens(text))
            lexical = {
                name: indexes[title].search(weights, k1, b, depth)
                for name, (k1, b, title) in LEXICAL.items()
            }
            for name, (base, docs, terms, keep) in FEEDBACK.items():
                k1, b, _ = LEXICAL[base]
                expanded = rm3(indexes[1], weights, lexical[base], docs, terms, keep)
                lexical[name] = indexes[1].search(expanded, k1, b, depth)
            pool = {c for c, _ in dense} | {c for run in lexical.values() for c, _ in run}
            queries[query_id] = {
                "text": text,
                "dense": dense,
                "lexical": lexical,
                "identifiers": _holders(indexes[1], identifier_terms(text), pool),
                "identifiers_in_capitals": _holders(
                    indexes[1], identifier_terms(text.upper()), pool
                ),
            }
        sets.append({"name": query_set.name, "qrels": query_set.qrels, "queries": queries})
    return {"dataset": dataset.name, "chunks": owners, "sets": sets}


def _title_terms(services: Services, article_ids: set[str]) -> dict[str, list[str]]:
    titles: dict[str, list[str]] = {}
    for article_id in article_ids:
        article = services.store.article(article_id)
        titles[article_id] = lexical_tokens(article.title) if article is not None else []
    return titles


def _holders(index: StudyIndex, terms: list[str], pool: set[int]) -> dict[str, list[int]]:
    return {term: sorted(index.holding(term) & pool) for term in terms}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.fusion_runs", description=__doc__)
    parser.add_argument("datasets", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--depth", type=int, default=300)
    parser.add_argument("--index-root", type=Path, help="keep indexes here (default: temp)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for given in args.datasets:
        folder = dataset_folder(given)
        with tempfile.TemporaryDirectory() as temp:
            root = args.index_root or Path(temp)
            runs = collect(folder, root / folder.name, args.depth)
        target = args.out / f"{folder.name}.json"
        target.write_text(json.dumps(runs))
        print(f"{folder.name}: {sum(len(s['queries']) for s in runs['sets'])} queries -> {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
