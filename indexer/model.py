"""Domain objects. Frozen dataclasses with no I/O, shared by every layer."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

# Values quoted in a reason ('2024-13-01') differ per file; grouping ignores them.
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


@dataclass(frozen=True)
class Article:
    """One published piece, as every loader yields it.

    `text` is the body as Markdown (HTML sources are converted on the way in); chunk and
    citation offsets point into it.
    """

    id: str
    title: str
    text: str
    source_path: str
    url: str | None = None
    author: str | None = None
    published: date | None = None
    updated: date | None = None
    tags: tuple[str, ...] = ()
    summary: str | None = None
    draft: bool = False

    @property
    def content_hash(self) -> str:
        """Changes whenever anything that ends up in the index changes."""
        payload = json.dumps(
            [
                self.title,
                self.text,
                self.url,
                self.author,
                self.published and self.published.isoformat(),
                self.updated and self.updated.isoformat(),
                list(self.tags),
                self.summary,
            ],
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Chunk:
    """A token-bounded passage of an article, with where it sits.

    `start`/`end` are character offsets into `Article.text`, so `article.text[start:end] == text`.
    `embed_text` is what the embedder sees: the passage prefixed with its title and headings.
    """

    article_id: str
    ordinal: int
    text: str
    embed_text: str
    heading_path: tuple[str, ...]
    anchor: str | None
    start: int
    end: int
    token_count: int
    part: str | None = None
    # The tokenizer's ids for embed_text, when the chunker made it: the embedder reuses them
    # instead of tokenising again. Not stored, not compared.
    token_ids: tuple[int, ...] = field(default=(), compare=False, repr=False)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.embed_text.encode("utf-8")).hexdigest()

    @property
    def heading(self) -> str | None:
        return self.heading_path[-1] if self.heading_path else None


@dataclass(frozen=True)
class LoadFailure:
    """A source file (or one record in it) that could not become an Article.

    `kind` is a short stable label that summaries group by ("invalid front matter", "bad
    date"); without one, the reason up to its first colon serves.
    """

    path: str
    reason: str
    line: int | None = None
    kind: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.reason}"

    @property
    def group(self) -> str:
        return self.kind or _QUOTED.sub("…", self.reason.split(":", 1)[0]).strip()


@dataclass(frozen=True)
class SkippedFile:
    """A source file that is not an article (a section page, a redirect stub, a draft...).

    `reason` is a short stable label to group by; `detail` says more about this one file.
    """

    path: str
    reason: str
    detail: str | None = None

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" + (f" ({self.detail})" if self.detail else "")


@dataclass(frozen=True)
class LoadResult:
    articles: tuple[Article, ...]
    failures: tuple[LoadFailure, ...] = ()
    skipped: tuple[SkippedFile, ...] = ()


def group_paths(items: Sequence[LoadFailure | SkippedFile]) -> dict[str, list[str]]:
    """Paths by reason label, the most frequent reason first (ties keep first appearance)."""
    groups: dict[str, list[str]] = {}
    for item in items:
        label = item.group if isinstance(item, LoadFailure) else item.reason
        groups.setdefault(label, []).append(item.path)
    return dict(sorted(groups.items(), key=lambda kv: -len(kv[1])))


@dataclass(frozen=True)
class Hit:
    """One retrieved passage, ready to show or cite."""

    chunk_id: int
    article_id: str
    title: str
    url: str | None
    heading: str | None
    anchor: str | None
    text: str
    start: int
    end: int
    score: float
    published: date | None = None
    updated: date | None = None
    author: str | None = None
    tags: tuple[str, ...] = ()

    @property
    def deep_link(self) -> str | None:
        if self.url and self.anchor:
            return f"{self.url}#{self.anchor}"
        return self.url


@dataclass
class IndexReport:
    """What one indexing run did. Mutable: the service fills it in as it goes."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    failed: list[LoadFailure] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    chunks_embedded: int = 0
    chunks_total: int = 0
    seconds: float = 0.0
    generation: int | None = None

    @property
    def chunks_per_second(self) -> float:
        return self.chunks_embedded / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "deleted": len(self.deleted),
            "unchanged": self.unchanged,
            "failed": len(self.failed),
            "failures": [str(f) for f in self.failed],
            "failed_by_reason": group_paths(self.failed),
            "skipped": len(self.skipped),
            "skips": [str(s) for s in self.skipped],
            "skipped_by_reason": group_paths(self.skipped),
            "chunks_embedded": self.chunks_embedded,
            "chunks_total": self.chunks_total,
            "seconds": round(self.seconds, 3),
            "chunks_per_second": round(self.chunks_per_second, 1),
            "generation": self.generation,
        }


@dataclass(frozen=True)
class Citation:
    """A numbered reference in an answer to a passage that was given to the answerer."""

    number: int
    chunk_id: int
    article_id: str
    title: str
    url: str | None
    heading: str | None
    published: date | None
    quote: str
    start: int
    end: int

    @classmethod
    def of(cls, number: int, hit: Hit, span: tuple[int, int] | None = None) -> Citation:
        """Cite `hit`, or only the part of its text at `span` (offsets within the passage)."""
        start, end = span or (0, len(hit.text))
        return cls(
            number=number,
            chunk_id=hit.chunk_id,
            article_id=hit.article_id,
            title=hit.title,
            url=hit.deep_link,
            heading=hit.heading,
            published=hit.published,
            quote=hit.text[start:end],
            start=hit.start + start,
            end=hit.start + end,
        )


@dataclass(frozen=True)
class Answer:
    """A reader's answer. `text` carries markers like [1], each resolving to a citation.

    `kind` is "llm" (generated), "extractive" (sentences picked from the passages, no LLM) or
    "abstained" (the articles do not answer: no citations, `suggestions` lists the closest
    articles instead).
    """

    question: str
    text: str
    kind: str
    citations: tuple[Citation, ...] = ()
    sources: tuple[Hit, ...] = ()
    suggestions: tuple[Hit, ...] = ()
    removed_markers: tuple[str, ...] = ()
    confidence: float = 0.0
    model: str | None = None
    usage: dict[str, int] = field(default_factory=dict)
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def abstained(self) -> bool:
        return self.kind == "abstained"
