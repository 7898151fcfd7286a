"""Answers as plain JSON-ready dicts: what a job stores and the API returns.

`answer` and each `quote` are the Markdown as written; `*_plain` and `*_html` are what readers
read (`answer_text`)."""

from __future__ import annotations

from typing import Any

from indexer.answering.answer_text import answer_fields, quote_fields
from indexer.model import Answer, Citation, Hit


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    return {
        "question": answer.question,
        "answer": answer.text,
        **answer_fields(answer),
        "kind": answer.kind,
        "abstained": answer.abstained,
        "confidence": round(answer.confidence, 4),
        "citations": [_citation(c) for c in answer.citations],
        "sources": [_source(h) for h in answer.sources],
        "suggestions": [_source(h) for h in answer.suggestions],
        "removed_markers": list(answer.removed_markers),
        "model": answer.model,
        "usage": dict(answer.usage),
        "timings_ms": {name: round(ms, 1) for name, ms in answer.timings_ms.items()},
    }


def _citation(citation: Citation) -> dict[str, Any]:
    return {
        "number": citation.number,
        "chunk_id": citation.chunk_id,
        "article_id": citation.article_id,
        "title": citation.title,
        "url": citation.url,
        "heading": citation.heading,
        "published": citation.published.isoformat() if citation.published else None,
        "quote": citation.quote,
        **quote_fields(citation),
        "start": citation.start,
        "end": citation.end,
    }


def _source(hit: Hit) -> dict[str, Any]:
    return {
        "chunk_id": hit.chunk_id,
        "article_id": hit.article_id,
        "title": hit.title,
        "url": hit.deep_link,
        "heading": hit.heading,
        "published": hit.published.isoformat() if hit.published else None,
        "score": round(hit.score, 6),
    }
