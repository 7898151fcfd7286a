"""What the benchmark ran on, and with which configuration: numbers mean nothing without it."""

from __future__ import annotations

import os
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

from indexer.config import Settings

LIBRARIES = (
    "torch",
    "onnxruntime",
    "faiss-cpu",
    "sentence-transformers",
    "transformers",
    "tokenizers",
    "bm25s",
    "fastapi",
    "uvicorn",
    "txtai",
)


def describe_machine() -> dict[str, Any]:
    import psutil

    return {
        "cpu": _cpu_model(),
        "cores_logical": os.cpu_count(),
        "cores_physical": psutil.cpu_count(logical=False),
        "cpu_flags": _simd_flags(),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "os": platform.platform(),
        "python": platform.python_version(),
        "libraries": {name: _version(name) for name in LIBRARIES},
    }


def describe_configuration(settings: Settings, server_env: dict[str, str]) -> dict[str, Any]:
    """The settings that shape speed, as the benchmarked processes see them."""
    return {
        "model": settings.model,
        "embed_backend": settings.embed_backend,
        "query_backend": settings.query_runtime,
        "embed_batch_size": settings.embed_batch_size,
        "embed_batch_tokens": settings.embed_batch_tokens,
        "chunk_tokens": settings.chunking.chunk_tokens,
        "overlap_tokens": settings.chunking.overlap_tokens,
        "batch_articles": settings.batch_articles,
        "ann_min_vectors": settings.ann_min_vectors,
        "hnsw_m": settings.hnsw_m,
        "hnsw_ef_search": settings.hnsw_ef_search,
        "query_cache_size": settings.query_cache_size,
        "worker_threads": settings.worker_threads,
        "torch_threads": settings.torch_threads,
        "redis": bool(settings.redis_url),
        "server_env": server_env,
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _simd_flags() -> list[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return []
    flags = next(
        (ln.split(":", 1)[1].split() for ln in text.splitlines() if ln.startswith("flags")), []
    )
    return sorted(
        f for f in flags if f in {"avx", "avx2", "avx512f", "avx512_vnni", "avx_vnni", "fma"}
    )


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
