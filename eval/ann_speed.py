"""Exact against approximate dense search at 100k vectors: build time, latency, recall, size.

    python -m eval.ann_speed --dataset /work/shared/datasets/scifact

SciFact has ~5k abstracts, so the corpus is embedded once with the real model (cached as .npy)
and grown to `--size` vectors by copying each abstract's vector with a small Gaussian
perturbation, renormalised: the structure of real embeddings (topics, near-duplicates) at the
size we care about. Queries are SciFact's real test claims.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import faiss
import numpy as np

from eval.ann_report import table
from eval.beir import read_qrels, read_queries
from indexer.bootstrap import VectorBackend, default_ef_construction, faiss_backend
from indexer.config import Settings
from indexer.ports import VectorIndex


def cached_embeddings(
    dataset: Path, cache: Path, limit: int | None = None, batch: int = 256
) -> tuple[np.ndarray, np.ndarray]:
    """(passages, queries) embedded with the configured model, once: every batch of passages
    is cached as it is done, so an interrupted run resumes where it stopped."""
    cache.mkdir(parents=True, exist_ok=True)
    with (dataset / "corpus.jsonl").open() as handle:
        docs = [json.loads(line) for line in handle if line.strip()]
    texts = [f"{d.get('title', '')}\n{d.get('text', '')}".strip() for d in docs][:limit]
    judged = read_qrels(dataset / "qrels" / "test.tsv")
    questions = read_queries(dataset / "queries.jsonl")
    parts = [cache / f"passages-{start:06d}.npy" for start in range(0, len(texts), batch)]
    queries_file = cache / "queries.npy"
    if not queries_file.is_file() or not all(p.is_file() for p in parts):
        from indexer.bootstrap import load_model

        # One torch thread: on a shared 2-core machine two threads wait on each other.
        embedder, _ = load_model(Settings(_env_file=None, torch_threads=1))
        assert embedder is not None
        if not queries_file.is_file():
            np.save(queries_file, embedder.embed([questions[q] for q in judged]))
        for start, part in zip(range(0, len(texts), batch), parts, strict=True):
            if not part.is_file():
                np.save(part, embedder.embed(texts[start : start + batch]))
                print(f"embedded {min(start + batch, len(texts))}/{len(texts)}", flush=True)
    return np.vstack([np.load(p) for p in parts]), np.load(queries_file)


def grow(passages: np.ndarray, size: int, spread: float, seed: int = 0) -> np.ndarray:
    """`size` unit vectors: passage i % len(passages), moved by Gaussian noise whose expected
    norm is `spread` (0.3 keeps a copy at cosine ~0.95 to its passage), renormalised."""
    rng = np.random.default_rng(seed)
    rows = passages[np.arange(size) % len(passages)].astype(np.float32)
    rows += rng.standard_normal(rows.shape, dtype=np.float32) * (spread / np.sqrt(rows.shape[1]))
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def latencies_ms(search: Callable[[np.ndarray], object], queries: np.ndarray) -> dict[str, float]:
    """Single-query latency on the calling thread, after one warm-up pass."""
    for q in queries[:20]:
        search(q.reshape(1, -1))
    samples = []
    for q in queries:
        started = time.perf_counter()
        search(q.reshape(1, -1))
        samples.append(1000 * (time.perf_counter() - started))
    return {
        "p50_ms": round(float(np.percentile(samples, 50)), 3),
        "p99_ms": round(float(np.percentile(samples, 99)), 3),
    }


def recall(found: list[list[int]], truth: list[list[int]], k: int) -> float:
    return round(
        float(
            np.mean([len(set(f[:k]) & set(t[:k])) / k for f, t in zip(found, truth, strict=True)])
        ),
        4,
    )


def ranked(index: VectorIndex, queries: np.ndarray, k: int) -> list[list[int]]:
    return [[i for i, _ in index.search(q.reshape(1, -1), k)] for q in queries]


def saved_bytes(index: VectorIndex, directory: Path) -> int:
    path = directory / "vectors.faiss"
    index.save(str(path))
    return sum(p.stat().st_size for p in directory.iterdir())


def commit_cost(
    index: VectorIndex, backend: VectorBackend, rows: np.ndarray, directory: Path
) -> dict[str, float]:
    """What the Unit of Work does per commit to the vectors: load the current snapshot (its
    own instance, changed in place), remove 10 ids, add 10, save the next one."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "vectors.faiss"
    index.save(str(path))
    loaded: list[VectorIndex] = []
    load_s = timed(lambda: loaded.append(backend.load(path)))
    work = loaded[0]
    gone = sorted(work.ids())[5::997][:10]
    fresh = list(range(10_000_000, 10_000_010))

    def apply() -> None:
        work.remove(gone)
        work.add(fresh, rows[:10])

    apply_s = timed(apply)
    save_s = timed(lambda: work.save(str(path)))
    return {
        "load_s": round(load_s, 3),
        "apply_s": round(apply_s, 3),
        "save_s": round(save_s, 3),
        "load_apply_save_s": round(load_s + apply_s + save_s, 3),
    }


def measure_index(
    name: str,
    backend: VectorBackend,
    rows: np.ndarray,
    queries: np.ndarray,
    truth: dict[int, list[list[int]]],
    build_threads: int,
    directory: Path,
) -> tuple[VectorIndex, dict[str, object]]:
    """Build on `build_threads` (as a worker does), search on one thread (as the API does)."""
    faiss.omp_set_num_threads(build_threads)
    index = backend.empty(rows.shape[1])
    build_s = timed(lambda: index.add(list(range(len(rows))), rows))
    faiss.omp_set_num_threads(1)
    result: dict[str, object] = {
        "index": name,
        "approximate": getattr(index, "is_approximate", None),
        "build_s": round(build_s, 2),
    }
    for k in (10, 100):
        result[f"k{k}"] = latencies_ms(partial(index.search, k=k), queries)
    if truth:
        result["recall@10"] = recall(ranked(index, queries, 10), truth[10], 10)
        result["recall@100"] = recall(ranked(index, queries, 100), truth[100], 100)
    directory.mkdir(parents=True, exist_ok=True)
    result["bytes"] = saved_bytes(index, directory)
    faiss.omp_set_num_threads(build_threads)
    result["commit"] = commit_cost(index, backend, rows, directory / "commit")
    faiss.omp_set_num_threads(1)
    return index, result


def ef_sweep(
    saved: Path,
    settings: Settings,
    ef_construction: int,
    queries: np.ndarray,
    truth: dict[int, list[list[int]]],
    values: list[int],
) -> list[dict[str, object]]:
    """Search effort against recall and latency, on the one graph already built and saved."""
    rows = []
    for ef in values:
        backend = faiss_backend(settings, ef_search=ef, ef_construction=ef_construction)
        index = backend.load(saved)
        rows.append(
            {
                "ef_search": ef,
                "recall@10": recall(ranked(index, queries, 10), truth[10], 10),
                "recall@100": recall(ranked(index, queries, 100), truth[100], 100),
                "k10": latencies_ms(partial(index.search, k=10), queries),
                "k100": latencies_ms(partial(index.search, k=100), queries),
            }
        )
    return rows


def ivf_comparison(
    rows: np.ndarray, queries: np.ndarray, truth: dict[int, list[list[int]]], build_threads: int
) -> list[dict[str, object]]:
    """IVF can remove ids, so it needs no tombstones: how does it compare on the same data?"""
    nlist = int(4 * np.sqrt(len(rows)))
    quantizer = faiss.IndexFlatIP(rows.shape[1])
    ivf = faiss.IndexIVFFlat(quantizer, rows.shape[1], nlist, faiss.METRIC_INNER_PRODUCT)
    faiss.omp_set_num_threads(build_threads)
    build_s = timed(lambda: (ivf.train(rows), ivf.add(rows)))
    faiss.omp_set_num_threads(1)
    results = []
    for nprobe in (8, 16, 32, 64):
        ivf.nprobe = nprobe
        found = {
            k: [list(ivf.search(q.reshape(1, -1), k)[1][0]) for q in queries] for k in (10, 100)
        }
        results.append(
            {
                "index": f"IVFFlat nlist={nlist} nprobe={nprobe}",
                "build_s": round(build_s, 2),
                "recall@10": recall(found[10], truth[10], 10),
                "recall@100": recall(found[100], truth[100], 100),
                "k10": latencies_ms(lambda q: ivf.search(q, 10), queries),
                "k100": latencies_ms(lambda q: ivf.search(q, 100), queries),
            }
        )
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=Path("/work/shared/datasets/scifact"))
    parser.add_argument("--cache", type=Path, default=Path("/tmp/footnote-ann-speed"))
    parser.add_argument("--passages", type=int, help="embed only the first N (default: all)")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--spread", type=float, default=0.3)
    parser.add_argument("--build-threads", type=int, default=2)
    parser.add_argument("--ef-search", type=int, nargs="*", default=[32, 64, 128, 256])
    parser.add_argument("--ef-construction", type=int, default=default_ef_construction())
    parser.add_argument("--no-ivf", action="store_true")
    parser.add_argument("--out", type=Path, default=Path("eval-results/ann_speed.json"))
    args = parser.parse_args(argv)
    settings = Settings(_env_file=None)
    hnsw_name = f"hnsw M={settings.hnsw_m} efC={args.ef_construction} efS={settings.hnsw_ef_search}"
    hnsw_backend = faiss_backend(settings, ef_construction=args.ef_construction)

    passages, queries = cached_embeddings(args.dataset, args.cache, args.passages)
    rows = grow(passages, args.size, args.spread)
    workdir = Path(tempfile.mkdtemp(prefix="ann-speed-"))
    try:
        exact, flat = measure_index(
            "flat",
            faiss_backend(settings, exact=True),
            rows,
            queries,
            {},
            args.build_threads,
            workdir / "flat",
        )
        truth = {k: ranked(exact, queries, k) for k in (10, 100)}
        del exact
        _, hnsw = measure_index(
            hnsw_name, hnsw_backend, rows, queries, truth, args.build_threads, workdir / "hnsw"
        )
        report: dict[str, object] = {
            "vectors": args.size,
            "dimension": int(rows.shape[1]),
            "passages": len(passages),
            "queries": len(queries),
            "spread": args.spread,
            "build_threads": args.build_threads,
            "results": [flat, hnsw],
            "ef_sweep": ef_sweep(
                workdir / "hnsw" / "vectors.faiss",
                settings,
                args.ef_construction,
                queries,
                truth,
                args.ef_search,
            ),
        }
        if not args.no_ivf:
            report["ivf"] = ivf_comparison(rows, queries, truth, args.build_threads)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    print(table(report))
    print(f"\nfull report: {args.out}")


if __name__ == "__main__":
    main()
