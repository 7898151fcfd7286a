"""Evidence that passages answer a question: the signals the answerability model weighs.

"The publication discusses this" is not "the publication answers this". A near miss (a
question about a covered tool, asking something no article says) lands close to the right
article, so the best cosine alone cannot tell it apart. What gives it away is the question's
salient terms, the rare ones (identifiers, product and tool names, versions, numbers, words
few passages use), missing from the passage an answer would cite: absent from the
publication altogether, or present only in other passages.

A term's weight is its inverse document frequency over the current snapshot's passages
(BM25's: ln(1 + (N - df + 0.5) / (df + 0.5))), so "celery" in a publication about Celery
weighs little and "sqs" weighs most. A term no passage holds but one edit away from a word of
the cited passage (two for long words) is read as a typo of that word.

The signals, each in [0, 1] (see `Evidence`), are computed on the `CITED` best passages of
the hybrid ranking: the ones an extractive answer quotes from. The answerability model uses
those that earned their place under cross-validation (`answerability.FITTED.features`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import astuple, dataclass, fields

from rapidfuzz.distance import OSA

from indexer.model import Hit
from indexer.text.lexical_tokens import lexical_tokens

CITED = 2
TYPO_MIN_CHARS = 4
LONG_WORD_CHARS = 8

TermFrequencies = Callable[[Sequence[str]], tuple[int, list[int]]]
"""(passages indexed, how many hold each term): `SearchService.term_frequencies`."""


@dataclass(frozen=True)
class Evidence:
    cosine: float  # best dense cosine between the question and a passage, clipped to [0, 1]
    margin: float  # that cosine minus the best cosine of another article
    support: float  # IDF-weighted share of the question's terms in the cited passages
    elsewhere: float  # IDF-weighted share found in the publication but not the cited passages
    worst_gap: float  # weight of the rarest term the cited passages lack, over the largest weight
    top_share: float  # share of the question's terms (unweighted) in the top passage

    def values(self) -> tuple[float, ...]:
        return astuple(self)


FEATURES: tuple[str, ...] = tuple(f.name for f in fields(Evidence))
NO_EVIDENCE = Evidence(*(0.0,) * len(FEATURES))


def idf(documents: int, frequency: int) -> float:
    return math.log1p((documents - frequency + 0.5) / (frequency + 0.5))


def passage_terms(hit: Hit) -> set[str]:
    return set(lexical_tokens(" ".join((hit.title, hit.heading or "", hit.text))))


def read_typos(terms: Sequence[str], known: Sequence[bool], vocabulary: set[str]) -> list[str]:
    """`terms`, each one no passage holds replaced by the word of `vocabulary` it is a typo
    of (one edit away, or two for long words), when there is one."""
    read: list[str] = []
    for term, seen in zip(terms, known, strict=True):
        if seen or len(term) < TYPO_MIN_CHARS or not term.isalpha():
            read.append(term)
            continue
        allowed = 2 if len(term) >= LONG_WORD_CHARS else 1
        near = [
            (OSA.distance(term, word, score_cutoff=allowed), word)
            for word in vocabulary
            if abs(len(word) - len(term)) <= allowed
        ]
        close = sorted((d, w) for d, w in near if d <= allowed)
        read.append(close[0][1] if close else term)
    return read


@dataclass(frozen=True)
class QuestionTerms:
    """The question's distinct terms (typos read), each with its weight and how many
    passages hold it; `largest` is the weight of a term no passage holds."""

    weights: dict[str, float]
    counts: dict[str, int]
    largest: float


def question_terms(
    question: str, vocabulary: set[str], frequencies: TermFrequencies
) -> QuestionTerms:
    """`question`'s terms weighed over the publication, typos read against `vocabulary`
    (the words of the passages an answer would cite)."""
    terms = list(dict.fromkeys(lexical_tokens(question)))
    documents, counts = frequencies(terms)
    read = read_typos(terms, [c > 0 for c in counts], vocabulary)
    if read != terms:
        terms = list(dict.fromkeys(read))
        documents, counts = frequencies(terms)
    return QuestionTerms(
        weights={t: idf(documents, c) for t, c in zip(terms, counts, strict=True)},
        counts=dict(zip(terms, counts, strict=True)),
        largest=idf(documents, 0),
    )


def weigh_evidence(terms: QuestionTerms, cited: Sequence[Hit], dense: Sequence[Hit]) -> Evidence:
    """The signals for a question with `terms`, answered from `cited` (best first), given
    the dense hits (best article first, scores are cosines)."""
    if not terms.weights or not cited:
        return NO_EVIDENCE
    held = [passage_terms(hit) for hit in cited]
    inside = set().union(*held)
    total = sum(terms.weights.values())
    missing = [w for t, w in terms.weights.items() if t not in inside]
    elsewhere = sum(w for t, w in terms.weights.items() if t not in inside and terms.counts[t] > 0)
    cosine = max((hit.score for hit in dense), default=0.0)
    best_article = dense[0].article_id if dense else None
    runner_up = max((h.score for h in dense if h.article_id != best_article), default=0.0)
    return Evidence(
        cosine=_unit(cosine),
        margin=_unit(cosine - runner_up),
        support=_unit(total - sum(missing), total),
        elsewhere=_unit(elsewhere, total),
        worst_gap=_unit(max(missing, default=0.0), terms.largest),
        top_share=sum(1 for t in terms.weights if t in held[0]) / len(terms.weights),
    )


def _unit(value: float, whole: float = 1.0) -> float:
    return min(max(value / whole, 0.0), 1.0) if whole > 0 else 0.0
