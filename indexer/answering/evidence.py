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

Rarity in the publication does not tell a paraphrase from a near miss: "flatten" and
"savepoint" may both be absent from every passage. What does is whether the missing word is
plain language, which a passage can say in other words, or a specific name (a tool, an
identifier, a version, a term of art) that it would have to use. A word is plain when the
embedding model's tokenizer reads it as one token: its vocabulary holds the common words of
general text, while names and jargon split into pieces ("savepoint", "sqlalchemy").

The signals, each in [0, 1] (see `Evidence`), are computed on the `CITED` best passages of
the hybrid ranking: the ones an extractive answer quotes from. The answerability model uses
those that earned their place under cross-validation (`answerability.FITTED.features`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import astuple, dataclass, fields

from rapidfuzz.distance import OSA

from indexer.model import Hit
from indexer.text.lexical_tokens import STOP_WORDS, lexical_tokens, words

CITED = 2
TYPO_MIN_CHARS = 4
LONG_WORD_CHARS = 8
KNOWN_TYPO_MIN_CHARS = 6
_CONTRACTION = re.compile(r"(\w)['’](?:s|re|ve|ll|d|m)\b", re.IGNORECASE)
_SEPARATORS = re.compile(r"[_.\-/:]+")
_NEGATION = re.compile(r"\b\w+n['’]t\b", re.IGNORECASE)

TermFrequencies = Callable[[Sequence[str]], tuple[int, list[int]]]
"""(passages indexed, how many hold each term): `SearchService.term_frequencies`."""

PlainWord = Callable[[str], bool]
"""Whether a lowercase word of the question is plain language (see the module docstring)."""


def alphabetic(word: str) -> bool:
    """The plain-word test without a tokenizer: every word but identifiers and numbers."""
    return word.isalpha()


def plain_words_of(count: Callable[[str], int] | None) -> PlainWord:
    """The plain-word test of a tokenizer (its `count` of a text's tokens): a word it reads
    as one token; `alphabetic` without one."""
    if count is None:
        return alphabetic

    def plain(word: str) -> bool:
        return word.isalpha() and count(word) == 1

    return plain


@dataclass(frozen=True)
class Evidence:
    cosine: float  # best dense cosine between the question and a passage, clipped to [0, 1]
    margin: float  # that cosine minus the best cosine of another article
    support: float  # IDF-weighted share of the question's terms in the cited passages
    elsewhere: float  # IDF-weighted share found in the publication but not the cited passages
    worst_gap: float  # weight of the rarest term the cited passages lack, over the largest weight
    top_share: float  # share of the question's terms (unweighted) in the top passage
    specific_missing: float  # IDF-weighted share of specific (not plain) terms they lack
    sentence_cosine: float  # mean cosine of their three sentences closest to the question

    def values(self) -> tuple[float, ...]:
        return astuple(self)


FEATURES: tuple[str, ...] = tuple(f.name for f in fields(Evidence))
NO_EVIDENCE = Evidence(*(0.0,) * len(FEATURES))


def idf(documents: int, frequency: int) -> float:
    return math.log1p((documents - frequency + 0.5) / (frequency + 0.5))


def passage_terms(hit: Hit) -> set[str]:
    return set(lexical_tokens(_passage_text(hit)))


def passage_words(hit: Hit) -> set[str]:
    """The passage's words as written (lowercased), compounds also in parts ("dead-letter",
    "dead", "letter"): what a question's typo is read against."""
    written = {word.lower() for word in words(_passage_text(hit))}
    return written | {part for word in written for part in _SEPARATORS.split(word) if part}


def _passage_text(hit: Hit) -> str:
    return " ".join((hit.title, hit.heading or "", hit.text))


def read_typo(word: str, vocabulary: Iterable[str]) -> str | None:
    """The word of `vocabulary` that `word` is a typo of (one edit away, or two for long
    words; the closest, then the first in order), or None."""
    if len(word) < TYPO_MIN_CHARS or not word.isalpha():
        return None
    allowed = 2 if len(word) >= LONG_WORD_CHARS else 1
    best: tuple[int, str] | None = None
    for candidate in vocabulary:
        if abs(len(candidate) - len(word)) > allowed:
            continue
        distance = OSA.distance(word, candidate, score_cutoff=allowed)
        if distance <= allowed and (best is None or (distance, candidate) < best):
            best = (distance, candidate)
    return best[1] if best is not None else None


@dataclass(frozen=True)
class QuestionTerms:
    """The question's distinct terms (typos read), each with its weight and how many
    passages hold it; `largest` is the weight of a term no passage holds; `specific` the
    terms not written as plain words."""

    weights: dict[str, float]
    counts: dict[str, int]
    largest: float
    specific: frozenset[str] = frozenset()


def question_terms(
    question: str,
    vocabulary: set[str],
    frequencies: TermFrequencies,
    plain_word: PlainWord = alphabetic,
) -> QuestionTerms:
    """`question`'s terms weighed over the publication, the specific ones told apart from
    plain words by `plain_word`. A word no passage holds is read as a typo of a word of
    `vocabulary` (the words of the passages an answer would cite, `passage_words`) or of a
    stop word ("shoud", "whats"), which then drops out. Contractions add no terms: "what's"
    is "what", and a negation ("isn't") is a word the passages need not repeat."""
    text = _NEGATION.sub(" ", _CONTRACTION.sub(r"\1", question))
    written = [(word, _terms(word)) for word in words(text)]
    terms = list(dict.fromkeys(t for _, found in written for t in found))
    documents, counts = frequencies(terms)
    seen = dict(zip(terms, counts, strict=True))
    read: list[tuple[str, list[str]]] = []
    cited = {t for word in vocabulary for t in lexical_tokens(word)}
    for word, found in written:
        typo_of = None
        if found and not any(seen[t] for t in found):
            typo_of = read_typo(word.lower(), (*vocabulary, *STOP_WORDS))
        elif len(word) >= KNOWN_TYPO_MIN_CHARS and found and not any(t in cited for t in found):
            typo_of = read_typo(word.lower(), vocabulary)
        read.append((typo_of, _terms(typo_of)) if typo_of is not None else (word, found))
    if read != written:
        terms = list(dict.fromkeys(t for _, found in read for t in found))
        documents, counts = frequencies(terms)
    plain = {t for word, found in read if plain_word(word.lower()) for t in found}
    return QuestionTerms(
        weights={t: idf(documents, c) for t, c in zip(terms, counts, strict=True)},
        counts=dict(zip(terms, counts, strict=True)),
        largest=idf(documents, 0),
        specific=frozenset(t for t in terms if t not in plain),
    )


def _terms(word: str) -> list[str]:
    """A word's keyword terms, stop words left out even when stemming made them ("whats")."""
    return [t for t in lexical_tokens(word) if t not in STOP_WORDS]


def weigh_evidence(
    terms: QuestionTerms,
    cited: Sequence[Hit],
    dense: Sequence[Hit],
    sentence_cosine: float = 0.0,
) -> Evidence:
    """The signals for a question with `terms`, answered from `cited` (best first), given
    the dense hits (best article first, scores are cosines) and `sentence_cosine`
    (`extractive.Candidates.best_cosine` of the cited passages)."""
    if not terms.weights or not cited:
        return NO_EVIDENCE
    held = [passage_terms(hit) for hit in cited]
    inside = set().union(*held)
    total = sum(terms.weights.values())
    missing = [w for t, w in terms.weights.items() if t not in inside]
    specific = sum(w for t, w in terms.weights.items() if t not in inside and t in terms.specific)
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
        specific_missing=_unit(specific, total),
        sentence_cosine=_unit(sentence_cosine),
    )


def _unit(value: float, whole: float = 1.0) -> float:
    return min(max(value / whole, 0.0), 1.0) if whole > 0 else 0.0
