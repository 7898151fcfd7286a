"""Raw runs for strengthening the legs: dense feedback, article-level and other BM25 variants.

Like `eval.fusion_runs` (same layout, so `eval.fusion_rules.prepare` reads it), but the runs are
the candidates for a stronger leg, all from a kept index (nothing is embedded twice):

- `dense`: the query's vector, as served; `bm25`: the served keyword index.
- `dense+prf/K/B`: Rocchio feedback on the query vector from dense's own top K chunks,
  q' = normalise(q + B * mean of their vectors), searched again.
- `dense+fprf/K/B`: the same from the best chunk of each of the top K articles of the served
  hybrid fusion (feedback from what both legs agree on).
- `bm25+frm3/K/T/KEEP`: RM3 feedback (T terms, the query's share KEEP) from the whole text of
  the top K articles of the served hybrid fusion, searched in the served keyword index's BM25.
- `dense/centroid`: each article's mean chunk vector (normalised) against the query.
- `bm25/article/K1/B`: BM25 over each article's whole text (title and body, once), the article
  standing in as its first chunk; `bm25/METHOD`: bm25s's other formulas over the chunks.

    python -m eval.leg_runs DATASET [DATASET ...] --index-root DIR --out DIR [--depth 300]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from eval.datasets import dataset_folder
from eval.fusion_runs import index_collection
from eval.lexical_study import StudyIndex, query_weights, rm3
from indexer.bootstrap import Services
from indexer.search.fusion import IDENTIFIER_BONUS, document_fusion, identifier_shares
from indexer.text.lexical_tokens import identifier_density, identifier_terms, lexical_tokens

PRF = [(k, beta) for k in (3, 5, 10) for beta in (0.5, 1.0, 2.0)]
FUSED_PRF = [(k, beta) for k in (1, 2, 3, 5, 10) for beta in (0.5, 1.0, 2.0)]
METHODS = ("bm25l", "bm25+", "atire")
RM3 = [(k, terms, keep) for k in (1, 2, 3, 5) for terms in (10, 20) for keep in (0.5, 0.7, 0.85)]


def collect(folder: Path, index_dir: Path, depth: int) -> dict[str, Any]:
    indexed = index_collection(folder, index_dir)
    dataset, services, snapshot = indexed.dataset, indexed.services, indexed.snapshot
    ids, owners, plain = indexed.ids, indexed.owners, indexed.plain
    articles, first = _article_terms(services, owners)
    by_article = StudyIndex([first[a] for a in articles], [articles[a] for a in articles])
    by_chunk = StudyIndex(ids, plain)
    variants = {m: _bm25s(plain, m) for m in METHODS}
    centres = _centres(snapshot, owners, first)
    sets = []
    for query_set in dataset.sets:
        queries = {}
        for query_id, text in query_set.queries.items():
            vector = services.query_embedder.embed([text])
            dense = snapshot.vectors.search(vector, depth)
            lexical = snapshot.lexical.search(text, depth)
            runs: dict[str, Any] = {"bm25": lexical}
            ranked_centres = centres[1] @ vector[0]
            top = np.argsort(-ranked_centres)[:depth]
            runs["dense/centroid"] = [(centres[0][i], float(ranked_centres[i])) for i in top]
            for k, beta in PRF:
                own = [c for c, _ in dense[:k]]
                runs[f"dense+prf/{k}/{beta}"] = _rocchio(snapshot, vector, own, beta, depth)
            terms = identifier_terms(text)
            shares = identifier_shares([snapshot.lexical.holding(t) for t in terms])
            bonus = IDENTIFIER_BONUS * identifier_density(text, terms)
            fused = document_fusion(dense, lexical, owners, 0.5, shares, bonus)
            leaders = _article_leaders(fused, owners, dense)
            for k, beta in FUSED_PRF:
                runs[f"dense+fprf/{k}/{beta}"] = _rocchio(
                    snapshot, vector, leaders[:k], beta, depth
                )
            weights = query_weights(lexical_tokens(text))
            agreed = _fused_articles(fused, owners, first)
            for k, size, keep in RM3:
                expanded = rm3(by_article, weights, agreed, k, size, keep)
                runs[f"bm25+frm3/{k}/{size}/{keep}"] = by_chunk.search(expanded, 1.2, 0.75, depth)
            for k1, b in ((1.2, 0.75), (0.9, 0.4), (1.2, 0.5)):
                runs[f"bm25/article/{k1}/{b}"] = by_article.search(weights, k1, b, depth)
            for method, (index, vocab) in variants.items():
                runs[f"bm25/{method}"] = _bm25s_search(index, vocab, ids, weights, depth)
            queries[query_id] = {
                "text": text,
                "dense": dense,
                "lexical": runs,
                "identifiers": _holders(snapshot, terms, runs),
                "identifiers_in_capitals": {},
            }
        sets.append({"name": query_set.name, "qrels": query_set.qrels, "queries": queries})
    return {"dataset": dataset.name, "chunks": owners, "sets": sets}


def _rocchio(snapshot: Any, vector: Any, chunks: list[int], beta: float, depth: int) -> Any:
    if not chunks:
        return snapshot.vectors.search(vector, depth)
    centre = snapshot.vectors.vectors(chunks).mean(axis=0, keepdims=True)
    moved = vector + beta * centre
    moved /= max(float(np.linalg.norm(moved)), 1e-12)
    return snapshot.vectors.search(moved.astype(np.float32), depth)


def _centres(snapshot: Any, owners: dict[int, str], first: dict[str, int]) -> Any:
    """(each article's first chunk id, the normalised mean of its chunk vectors)."""
    chunks: dict[str, list[int]] = {}
    for chunk, owner in owners.items():
        chunks.setdefault(owner, []).append(chunk)
    names = sorted(chunks)
    matrix = np.stack([snapshot.vectors.vectors(chunks[n]).mean(axis=0) for n in names])
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    return [first[n] for n in names], matrix


def _article_leaders(fused: Any, owners: dict[int, str], dense: Any) -> list[int]:
    """Per article in fused order, its best dense chunk (its best fused chunk if dense had
    none of its chunks)."""
    best_dense: dict[str, int] = {}
    for chunk, _ in dense:
        best_dense.setdefault(owners[chunk], chunk)
    leaders: dict[str, int] = {}
    for chunk, _ in fused:
        owner = owners[chunk]
        if owner not in leaders:
            leaders[owner] = best_dense.get(owner, chunk)
    return list(leaders.values())


def _fused_articles(fused: Any, owners: dict[int, str], first: dict[str, int]) -> Any:
    """The fused ranking's articles, best first, as (the article's first chunk, its score)."""
    seen: dict[str, float] = {}
    for chunk, score in fused:
        seen.setdefault(owners[chunk], score)
    return [(first[a], s) for a, s in seen.items()]


def _article_terms(
    services: Services, owners: dict[int, str]
) -> tuple[dict[str, list[str]], dict[str, int]]:
    first: dict[str, int] = {}
    for chunk, owner in sorted(owners.items()):
        first.setdefault(owner, chunk)
    terms: dict[str, list[str]] = {}
    for owner in first:
        article = services.store.article(owner)
        assert article is not None
        terms[owner] = lexical_tokens(f"{article.title}\n{article.text}")
    return terms, first


def _bm25s(plain: list[list[str]], method: str) -> tuple[Any, dict[str, int]]:
    vocab: dict[str, int] = {}
    term_ids = [[vocab.setdefault(t, len(vocab)) for t in (terms or ["\u2205"])] for terms in plain]
    index = bm25s.BM25(method=method)
    index.index(bm25s.tokenization.Tokenized(ids=term_ids, vocab=vocab), show_progress=False)
    return index, vocab


def _bm25s_search(
    index: Any, vocab: dict[str, int], ids: list[int], weights: dict[str, float], depth: int
) -> list[tuple[int, float]]:
    terms = [t for t, n in weights.items() for _ in range(int(n)) if t in vocab]
    if not terms:
        return []
    docs, scores = index.retrieve([terms], k=min(depth, len(ids)), show_progress=False)
    return [(ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]


def _holders(snapshot: Any, terms: list[str], runs: dict[str, Any]) -> dict[str, list[int]]:
    pool = {c for run in runs.values() for c, _ in run}
    return {t: sorted(snapshot.lexical.holding(t) & pool) for t in terms}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.leg_runs", description=__doc__)
    parser.add_argument("datasets", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--depth", type=int, default=300)
    parser.add_argument("--index-root", type=Path, required=True)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for given in args.datasets:
        folder = dataset_folder(given)
        runs = collect(folder, args.index_root / folder.name, args.depth)
        target = args.out / f"{folder.name}.json"
        target.write_text(json.dumps(runs))
        print(f"{folder.name}: {sum(len(s['queries']) for s in runs['sets'])} queries -> {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
