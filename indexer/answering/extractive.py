"""Extractive answers: the passages' own sentences that best answer the question, each cited.

Used when no language model is configured (the default). Nothing is generated, so nothing can
be made up: every sentence is quoted verbatim and cites exactly where it stands in its article.

Sentences come from the best one or two passages only (the ones answerability judged), prose
only (code, tables and headings are skipped), and never filler: a sentence about the text
itself ("this post is how our team...", "the sections below") answers nothing. A sentence
scores its cosine with the question (the search embedder) plus its support for the question's
terms, weighted by rarity (`evidence.QuestionTerms`): "celery" in a publication about Celery
counts for little, "twice" for much. The best sentence is kept with the one before it when it
leans on it ("This is why...", "It..."), then others within `SCORE_SHARE` of it, at most
`MAX_SENTENCES` in all, in the order they are written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from indexer.model import Citation, Hit
from indexer.ports import Embedder
from indexer.text.lexical_tokens import lexical_tokens

MAX_SENTENCES = 3
MAX_EMBEDDED = 24  # the two best passages rarely hold more than 16 prose sentences
BEST_SENTENCES = 3
SCORE_SHARE = 0.75
MIN_CHARS = 30
MAX_CHARS = 600

_BLOCK = re.compile(r"\S(?:.*\S)?(?:\n(?!\s*\n).*\S)*")  # runs of non-blank lines
# Prose sentences end in . ! or ? (code lines and bare list labels rarely do).
_SENTENCE = re.compile(r"\S.*?[.!?][\"')\]*_]*(?=\s|\Z)", re.DOTALL)
_FENCE_LINE = re.compile(r"^\s*(?:```|~~~)", re.MULTILINE)
_LIST_MARK = re.compile(r"^(?:[-*+]|\d{1,3}[.)])\s+")
# Words about the text itself rather than its subject: introductions, signposts.
_FILLER = re.compile(
    r"\b(?:this|the|our|my|next|previous|earlier|original|old) (?:post|article|piece|guide|"
    r"write-?up|series|checklist|sections?)\b|\bsections? below\b|\bI wrote (?:up|about)\b",
    re.IGNORECASE,
)
# A sentence opening with one of these leans on the sentence before it.
_LEANS = re.compile(
    r"^(?:This|That|These|Those|It|Its|They|Their|Such|So|Then|Thus|Hence|But|Also|Here|"
    r"There|Which|Both|The same|Otherwise|Instead|Even so|Worse|Either)\b"
)


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


def is_filler(sentence: str) -> bool:
    return _FILLER.search(sentence) is not None


def leans_on_previous(sentence: str) -> bool:
    return _LEANS.match(sentence.lstrip("*_ ")) is not None


@dataclass(frozen=True)
class Candidates:
    """The sentences an extractive answer may quote, each with its cosine to the question:
    computed once per question, for the answerability evidence and for the answer."""

    passages: list[list[Sentence]]  # every prose sentence of each passage, in order
    sentences: list[Sentence]  # those worth quoting (no filler), at most MAX_EMBEDDED
    cosines: list[float]  # of each of `sentences` with the question

    def best_cosine(self, count: int = BEST_SENTENCES) -> float:
        """The mean cosine of the `count` sentences closest to the question (0 without any):
        does some sentence say what the question asks, beyond sharing its topic?"""
        best = sorted(self.cosines, reverse=True)[:count]
        return min(max(sum(best) / len(best), 0.0), 1.0) if best else 0.0


def embed_candidates(question: str, hits: Sequence[Hit], embedder: Embedder) -> Candidates:
    """The `Candidates` of `hits` (the passages an answer would cite, best first)."""
    passages = [
        [Sentence(hit, rank, start, end) for start, end in prose_sentences(hit.text)]
        for rank, hit in enumerate(hits)
    ]
    sentences = [s for found in passages for s in found if not is_filler(s.text)]
    sentences = sentences[:MAX_EMBEDDED]
    if not sentences:
        return Candidates(passages, [], [])
    vectors = embedder.embed([question] + [" ".join(s.text.split()) for s in sentences])
    return Candidates(passages, sentences, [float(c) for c in vectors[1:] @ vectors[0]])


def pick_sentences(
    question: str,
    hits: Sequence[Hit],
    embedder: Embedder,
    weights: Mapping[str, float] | None = None,
    candidates: Candidates | None = None,
) -> list[Sentence]:
    """The sentences of `hits` that best answer `question` (see the module docstring);
    `weights` are the question's term weights (default: every term of the question alike),
    `candidates` the hits' sentences already embedded (default: embedded here)."""
    if weights is None:
        weights = dict.fromkeys(lexical_tokens(question), 1.0)
    if candidates is None:
        candidates = embed_candidates(question, hits, embedder)
    if not candidates.sentences:
        return []
    total = sum(weights.values()) or 1.0
    ranked = []
    for sentence, cosine in zip(candidates.sentences, candidates.cosines, strict=True):
        held = set(lexical_tokens(sentence.text))
        support = sum(w for t, w in weights.items() if t in held) / total
        ranked.append((cosine + support, sentence))
    ranked.sort(key=lambda pair: -pair[0])
    best = ranked[0][0]
    chosen: dict[tuple[str, int], Sentence] = {}
    for score, sentence in ranked:
        if score < SCORE_SHARE * best or len(chosen) >= MAX_SENTENCES:
            break
        group = [sentence]
        before = _previous(candidates.passages[sentence.rank], sentence)
        if before is not None and leans_on_previous(sentence.text) and not is_filler(before.text):
            group.insert(0, before)
        fresh = [s for s in group if _place(s) not in chosen]  # overlapping chunks repeat
        if len(chosen) + len(fresh) > MAX_SENTENCES:
            continue
        chosen.update((_place(s), s) for s in fresh)
    return sorted(chosen.values(), key=lambda s: (s.rank, s.start))


def _place(sentence: Sentence) -> tuple[str, int]:
    return sentence.hit.article_id, sentence.hit.start + sentence.start


def _previous(sentences: Sequence[Sentence], sentence: Sentence) -> Sentence | None:
    """The sentence just before `sentence` in the same paragraph, if any."""
    earlier = [s for s in sentences if s.end <= sentence.start]
    if not earlier:
        return None
    before = earlier[-1]
    gap = sentence.hit.text[before.end : sentence.start]
    return None if "\n\n" in gap else before


def extractive_answer(
    question: str,
    hits: Sequence[Hit],
    embedder: Embedder,
    weights: Mapping[str, float] | None = None,
    candidates: Candidates | None = None,
) -> tuple[str, tuple[Citation, ...]]:
    """The answer text (each sentence followed by its marker) and its citations, or ('', ())
    when the passages hold no prose sentence."""
    sentences = pick_sentences(question, hits, embedder, weights, candidates)
    parts: list[str] = []
    citations: list[Citation] = []
    for number, sentence in enumerate(sentences, start=1):
        hit = sentence.hit
        parts.append(f"{' '.join(sentence.text.split())} [{number}]")
        citations.append(Citation.of(number, hit, (sentence.start, sentence.end)))
    return " ".join(parts), tuple(citations)
