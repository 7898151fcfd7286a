"""Extractive answers: the passages' own sentences that best answer the question, each cited.

Used when no language model is configured (the default). Nothing is generated, so nothing can
be made up: every sentence is quoted verbatim and cites exactly where it stands in its article.

A sentence scores its cosine with the question (the search embedder) plus the share of the
question's terms it contains; prose only (code, tables and headings are skipped). The best
sentences within `SCORE_SHARE` of the top one are kept, at most `MAX_SENTENCES`, in the order
the passages were ranked and, within a passage, the order they are written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from indexer.model import Citation, Hit
from indexer.ports import Embedder
from indexer.text.lexical_tokens import lexical_tokens

MAX_SENTENCES = 3
MAX_EMBEDDED = 24
SCORE_SHARE = 0.75
MIN_CHARS = 30
MAX_CHARS = 600

_BLOCK = re.compile(r"\S(?:.*\S)?(?:\n(?!\s*\n).*\S)*")  # runs of non-blank lines
# Prose sentences end in . ! or ? (code lines and bare list labels rarely do).
_SENTENCE = re.compile(r"\S.*?[.!?][\"')\]*_]*(?=\s|\Z)", re.DOTALL)
_FENCE_LINE = re.compile(r"^\s*(?:```|~~~)", re.MULTILINE)
_LIST_MARK = re.compile(r"^(?:[-*+]|\d{1,3}[.)])\s+")


@dataclass(frozen=True)
class Sentence:
    hit: Hit
    rank: int
    start: int  # offsets into the passage text
    end: int

    @property
    def text(self) -> str:
        return self.hit.text[self.start : self.end]


def prose_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of the prose sentences of a Markdown passage, list markers excluded."""
    spans: list[tuple[int, int]] = []
    fenced = False
    for block in _BLOCK.finditer(text):
        body = block.group()
        fences = len(_FENCE_LINE.findall(body))
        if fences or fenced:
            # Fenced code may hold blank lines: an odd number of fence lines flips the state.
            fenced ^= fences % 2 == 1
            continue
        if body.lstrip().startswith(("#", "|", ">", "<")):
            continue
        for line_start, line in _lines(body, block.start()):
            marker = _LIST_MARK.match(line)
            skip = marker.end() if marker else 0
            for found in _SENTENCE.finditer(line, skip):
                start, end = line_start + found.start(), line_start + found.end()
                if MIN_CHARS <= end - start <= MAX_CHARS:
                    spans.append((start, end))
    return spans


def _lines(block: str, offset: int) -> list[tuple[int, str]]:
    """List items are separate sentences; other line breaks inside a paragraph are spaces."""
    items: list[tuple[int, str]] = []
    position = 0
    for line in block.split("\n"):
        if items and not _LIST_MARK.match(line.lstrip()):
            start, text = items[-1]
            items[-1] = (start, text + "\n" + line)
        else:
            items.append((offset + position, line))
        position += len(line) + 1
    return items


def pick_sentences(question: str, hits: Sequence[Hit], embedder: Embedder) -> list[Sentence]:
    candidates = [
        Sentence(hit, rank, start, end)
        for rank, hit in enumerate(hits)
        for start, end in prose_sentences(hit.text)
    ]
    wanted = set(lexical_tokens(question))
    overlaps = [len(wanted & set(lexical_tokens(c.text))) / max(len(wanted), 1) for c in candidates]
    # Embedding is the slow part on a CPU: only the sentences sharing most terms compete.
    shortlist = sorted(range(len(candidates)), key=lambda i: (-overlaps[i], i))[:MAX_EMBEDDED]
    candidates = [candidates[i] for i in shortlist]
    if not candidates:
        return []
    vectors = embedder.embed([question] + [" ".join(c.text.split()) for c in candidates])
    scores = vectors[1:] @ vectors[0] + np.array([overlaps[i] for i in shortlist])
    best = float(scores.max())
    chosen: list[Sentence] = []
    seen: set[tuple[str, int]] = set()
    for index in np.argsort(-scores, kind="stable"):
        sentence = candidates[int(index)]
        place = (sentence.hit.article_id, sentence.hit.start + sentence.start)
        if scores[index] < SCORE_SHARE * best or len(chosen) == MAX_SENTENCES:
            break
        if place not in seen:  # overlapping chunks repeat sentences
            seen.add(place)
            chosen.append(sentence)
    return sorted(chosen, key=lambda s: (s.rank, s.start))


def extractive_answer(
    question: str, hits: Sequence[Hit], embedder: Embedder
) -> tuple[str, tuple[Citation, ...]]:
    """The answer text (each sentence followed by its marker) and its citations, or ('', ())
    when the passages hold no prose sentence."""
    sentences = pick_sentences(question, hits, embedder)
    parts: list[str] = []
    citations: list[Citation] = []
    for number, sentence in enumerate(sentences, start=1):
        hit = sentence.hit
        parts.append(f"{' '.join(sentence.text.split())} [{number}]")
        citations.append(Citation.of(number, hit, (sentence.start, sentence.end)))
    return " ".join(parts), tuple(citations)
