"""Raw runs for choosing a fusion rule: each collection's queries answered by each leg alone.

Choosing how to fuse dense and keyword rankings must not be done on the collection it is scored
on. This module indexes a collection through the real pipeline once and records, per query, the
chunk-level candidates of each leg (document id and score, best first), deep enough that any
rule can be replayed offline on them (`eval.fusion_select`). BM25 is recorded for several
(k1, b) pairs, built from the same stored terms.

    python -m eval.fusion_runs DATASET [DATASET ...] --out DIR [--depth 300]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from eval.datasets import dataset_folder, open_dataset
from eval.retrieval import eval_settings, index_dataset, query_threads_as_served
from indexer.bootstrap import Services, build, keyword_index
from indexer.config import Settings
from indexer.ports import NoProgress

BM25_PARAMS: tuple[tuple[float, float], ...] = ((1.2, 0.75), (0.9, 0.4), (1.5, 0.75), (1.2, 0.5))

Candidates = list[tuple[str, float]]


def collect(folder: Path, index_dir: Path, depth: int) -> dict[str, Any]:
    """Every judged query's dense and BM25 candidates in `folder`, with its qrels."""
    index_dir.mkdir(parents=True, exist_ok=True)
    dataset = open_dataset(folder, index_dir / "eval-source")
    longest = max((len(q) for s in dataset.sets for q in s.queries.values()), default=0)
    services = build(eval_settings(Settings(), index_dir, longest))
    index_dataset(services, dataset, NoProgress())
    query_threads_as_served()
    snapshot = services.reader.current()
    terms = [(chunk_id, t or "") for chunk_id, t, _ in services.store.live_chunk_terms()]
    lexical = {f"{k1}/{b}": keyword_index(terms, k1, b) for k1, b in BM25_PARAMS}
    sets = []
    for query_set in dataset.sets:
        queries = {}
        for query_id, text in query_set.queries.items():
            vector = services.query_embedder.embed([text])
            dense = snapshot.vectors.search(vector, depth)
            queries[query_id] = {
                "text": text,
                "dense": _documents(services, dense),
                "bm25": {name: _documents(services, index.search(text, depth))
                         for name, index in lexical.items()},
            }
        sets.append({"name": query_set.name, "qrels": query_set.qrels, "queries": queries})
    return {"dataset": dataset.name, "sets": sets}


def _documents(services: Services, ranking: list[tuple[int, float]]) -> Candidates:
    owners = services.store.chunk_articles([chunk_id for chunk_id, _ in ranking])
    return [(owners[c], round(s, 5)) for c, s in ranking if c in owners]


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
