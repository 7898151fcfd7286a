"""Embedding speed per backend: passage throughput and single-query latency.

    .venv/bin/python -m eval.embed_speed [--threads 1 2] [--passages 256] [--queries 60]

Passages are ~128-token windows of examples/articles, embedded in batches of 32; queries are
short questions embedded one at a time, as the search route does. Every backend runs at each
thread count, interleaved, so a busy machine slows them alike.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from indexer.bootstrap import load_model, resolve_model_dir
from indexer.config import Settings
from indexer.ports import Embedder

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = ("torch", "onnx", "onnx-int8")
QUERIES = (
    "how do celery retries work",
    "django or fastapi for a new api",
    "docker compose dev loop",
    "what is hexagonal architecture",
    "mongodb schema design",
    "observable background tasks",
)


def passages(count: int, tokens: int = 126) -> list[str]:
    """`count` windows of `tokens` WordPiece tokens (128 with [CLS] and [SEP])."""
    from tokenizers import Tokenizer

    model_dir = resolve_model_dir(Settings(_env_file=None))
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    out: list[str] = []
    for path in sorted((ROOT / "examples" / "articles").glob("*.md")):
        ids = tokenizer.encode(path.read_text(), add_special_tokens=False).ids
        for start in range(0, len(ids) - tokens, tokens):
            out.append(tokenizer.decode(ids[start : start + tokens]))
    if not out:
        raise SystemExit("no article text to cut passages from")
    return [out[i % len(out)] for i in range(count)]


def embedder(backend: str, threads: int, onnx_dir: Path | None) -> Embedder:
    settings = Settings(
        embed_backend=backend, torch_threads=threads, onnx_cache_dir=onnx_dir, _env_file=None
    )
    loaded, _ = load_model(settings)
    assert loaded is not None
    if backend == "torch":
        import torch

        torch.set_num_threads(threads)  # the process-wide pool is shared by every torch model
    return loaded


def measure(model: Embedder, texts: list[str], queries: int) -> dict[str, float]:
    model.embed(texts[:32])  # warm-up: first-call allocations and graph setup
    started = time.perf_counter()
    model.embed(texts)
    passage_s = time.perf_counter() - started
    latencies = []
    for i in range(queries):
        started = time.perf_counter()
        model.embed([f"{QUERIES[i % len(QUERIES)]} {i}"])
        latencies.append(time.perf_counter() - started)
    return {
        "tokens_per_s": len(texts) * 128 / passage_s,
        "query_p50_ms": statistics.median(latencies) * 1000,
        "query_p90_ms": statistics.quantiles(latencies, n=10)[-1] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--passages", type=int, default=256)
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    parser.add_argument("--onnx-dir", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    texts = passages(args.passages)
    results = []
    for threads in args.threads:
        for backend in args.backends:
            row = measure(embedder(backend, threads, args.onnx_dir), texts, args.queries)
            results.append({"backend": backend, "threads": threads, **row})
            print(
                f"{backend:10s} threads={threads}  {row['tokens_per_s']:8.0f} tokens/s  "
                f"query p50 {row['query_p50_ms']:6.1f} ms  p90 {row['query_p90_ms']:6.1f} ms",
                flush=True,
            )
    if args.out:
        args.out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
