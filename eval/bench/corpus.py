"""Benchmark corpora: a BEIR corpus replicated with light perturbation to a chunk count.

Replica 0 of a passage is the passage itself. Further replicas get a marker word in the title
and their sentences shuffled, so every replica is new text the embedder really has to embed.
For corpora too big to embed in a benchmark run, `replicated_vectors` corpora instead give every
replica (the first too) a marker word in the title and keep the body as it is: the
ReplicatedVectorEmbedder then embeds each base passage once and reuses its vector for the
replicas. Such a corpus is good for query latency and memory, never for indexing throughput.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from eval.beir import article_record, read_qrels, read_queries
from eval.model import DatasetError
from indexer.ingest import load_article_json
from indexer.model import Article
from indexer.ports import Embedder, TokenIds, Tokenizer, Vectors
from indexer.text.chunking import ChunkingConfig, chunk_article

# Words the bundled tokenizer reads as one token each: every replica's title prefix then has
# the same length in tokens, so its chunk boundaries match the base passage's.
MARKER_WORDS = (
    "amber basil cedar delta fable harbor indigo jasper kettle lantern maple nectar orchid "
    "pepper quartz raven timber velvet willow meadow canyon falcon copper summit island "
    "garden forest river silver marble"
).split()
_MARKER = re.compile(r" \(([a-z]+)\)(?=\n| > )")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[])")
ESTIMATE_SAMPLE = 200


@dataclass(frozen=True)
class Passage:
    doc_id: str
    title: str
    body: str


@dataclass(frozen=True)
class BenchCorpus:
    """A corpus written as Footnote JSONL at `source`."""

    label: str
    target_chunks: int
    source: Path
    articles: int
    replicas: int
    replicated_vectors: bool


def parse_size(text: str) -> int:
    """`1k` -> 1000, `100k` -> 100000, `250` -> 250, `1m` -> 1000000."""
    value = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(value[-1:], 1)
    number = value[:-1] if scale > 1 else value
    try:
        parsed = int(float(number) * scale)
    except ValueError as exc:
        raise DatasetError(f"not a corpus size: {text!r} (use e.g. 1k, 10k, 100k or 250)") from exc
    if parsed < 1:
        raise DatasetError(f"a corpus size must be positive, got {text!r}")
    return parsed


def size_label(chunks: int) -> str:
    if chunks >= 1000 and chunks % 1000 == 0:
        return f"{chunks // 1000}k"
    return str(chunks)


def read_passages(folder: Path) -> list[Passage]:
    """Every row of a BEIR folder's corpus.jsonl, in file order."""
    path = folder / "corpus.jsonl"
    if not path.is_file():
        raise DatasetError(f"{path}: no such file (a BEIR folder is needed)")
    passages: list[Passage] = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                record = article_record(json.loads(line))
                passages.append(Passage(record["id"], record["title"], record["body"]))
    if not passages:
        raise DatasetError(f"{path}: no documents")
    return passages


def read_test_queries(
    folder: Path, split: str = "test"
) -> tuple[dict[str, str], dict[str, dict[str, int]]]:
    """The judged queries of `split` and their relevance judgements."""
    qrels = read_qrels(folder / "qrels" / f"{split}.tsv")
    texts = read_queries(folder / "queries.jsonl")
    queries = {qid: texts[qid] for qid in qrels if texts.get(qid, "").strip()}
    return queries, {qid: qrels[qid] for qid in queries}


def marker_words(tokenizer: Tokenizer) -> list[str]:
    return [w for w in MARKER_WORDS if tokenizer.count(w) == 1]


def chunks_per_passage(
    passages: Sequence[Passage], tokenizer: Tokenizer, config: ChunkingConfig
) -> float:
    """Mean chunks per passage, from chunking the first few (chunking them all is slow)."""
    sample = passages[:ESTIMATE_SAMPLE]
    total = sum(len(chunk_article(_article(p), tokenizer, config)) for p in sample)
    return max(total / len(sample), 1.0)


def build_corpus(
    passages: Sequence[Passage],
    target_chunks: int,
    workdir: Path,
    *,
    per_passage: float,
    markers: Sequence[str],
    replicated_vectors: bool,
) -> BenchCorpus:
    """Write about `target_chunks` chunks' worth of articles to `workdir/<label>.jsonl`."""
    wanted = max(1, round(target_chunks / per_passage))
    replicas = -(-wanted // len(passages))
    if replicas > len(markers) + (0 if replicated_vectors else 1):
        raise DatasetError(
            f"{target_chunks} chunks need {replicas} replicas of {len(passages)} passages; "
            f"at most {len(markers)} are available: use a bigger dataset"
        )
    label = size_label(target_chunks)
    workdir.mkdir(parents=True, exist_ok=True)
    source = workdir / f"corpus-{label}.jsonl"
    written = 0
    with source.open("w", encoding="utf-8") as out:
        for record in _replicas(passages, wanted, markers, replicated_vectors):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            written += 1
    return BenchCorpus(label, target_chunks, source, written, replicas, replicated_vectors)


def write_articles(passages: Sequence[Passage], target: Path) -> Path:
    """The passages as they are, as Footnote JSONL (the peer and incremental corpora)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8") as out:
        for p in passages:
            out.write(json.dumps(_record(p.doc_id, p.title, p.body), ensure_ascii=False) + "\n")
    return target


def judged_first(
    passages: Sequence[Passage], qrels: dict[str, dict[str, int]], count: int
) -> list[Passage]:
    """`count` passages: every judged-relevant one first, then the rest in file order, so
    nDCG on this subset is defined for every query."""
    relevant = {doc for judged in qrels.values() for doc in judged}
    chosen = [p for p in passages if p.doc_id in relevant]
    chosen += [p for p in passages if p.doc_id not in relevant]
    return chosen[: max(count, len(relevant))]


def _replicas(
    passages: Sequence[Passage], wanted: int, markers: Sequence[str], replicated_vectors: bool
) -> Iterator[dict[str, str]]:
    produced = 0
    replica = 0
    while produced < wanted:
        for p in passages:
            if produced >= wanted:
                return
            if replicated_vectors:
                yield _record(f"{p.doc_id}-r{replica}", f"{p.title} ({markers[replica]})", p.body)
            elif replica == 0:
                yield _record(p.doc_id, p.title, p.body)
            else:
                body = _shuffled(p.body, random.Random(f"{p.doc_id}/{replica}"))
                yield _record(f"{p.doc_id}-r{replica}", f"{p.title} ({markers[replica - 1]})", body)
            produced += 1
        replica += 1


def _shuffled(body: str, rng: random.Random) -> str:
    sentences = _SENTENCE.split(body)
    rng.shuffle(sentences)
    return " ".join(sentences)


def _record(doc_id: str, title: str, body: str) -> dict[str, str]:
    return {"id": doc_id, "title": title, "body": body, "format": "markdown"}


def _article(p: Passage) -> Article:
    return load_article_json(_record(p.doc_id, p.title, p.body), source_path="bench")


class ReplicatedVectorEmbedder:
    """Embeds a text with its title marker removed, once: replicas reuse the base vector.

    Only for query corpora too large to embed in a benchmark run; the report labels them."""

    def __init__(self, inner: Embedder) -> None:
        self._inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self._cache: dict[str, Vectors] = {}
        self.embedded = 0

    def embed(self, texts: Sequence[str], tokens: TokenIds | None = None) -> Vectors:
        # Replicas differ from their base text by a marker, so their token ids are not reused.
        keys = [_MARKER.sub("", t, count=1) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self._cache))
        if missing:
            rows = self._inner.embed(missing)
            self._cache.update(zip(missing, rows, strict=True))
            self.embedded += len(missing)
        if not keys:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.vstack([self._cache[k] for k in keys]).astype(np.float32)
