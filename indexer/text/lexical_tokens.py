"""Tokens for the keyword side: words stemmed, identifiers kept whole and split into parts.

Technical readers type `acks_late`, `select_for_update`, `--reload`, `redis-py` or `HTTP 429`.
Indexing both the whole identifier and its parts lets the exact spelling rank highest while
a query for "acks late" still finds it.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

# Runs of word characters joined by _ . - / : (one identifier), or plain words.
_RAW = re.compile(r"[A-Za-z0-9]+(?:[_.\-/:][A-Za-z0-9]+)*|_+[A-Za-z0-9]+\w*")
_SEPARATORS = re.compile(r"[_.\-/:]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")

STOP_WORDS = frozenset(
    """a an and are as at be but by can do does for from has have how i if in into is it its
    me my not of on or our should so than that the their them then there these they this to
    was we what when where which who why will with you your""".split()
)

_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


def words(text: str) -> list[str]:
    """The words and identifiers of `text`, in order, as the keyword side splits it."""
    return _RAW.findall(text)


def lexical_tokens(text: str) -> list[str]:
    """The terms of `text` for BM25, in order, with identifier wholes and parts."""
    terms: list[str] = []
    for match in _RAW.finditer(text):
        raw = match.group()
        rest = raw[1:]
        if raw.isalnum() and rest == rest.lower():
            parts = [raw]  # a plain word, by far the most common case: nothing to split
        else:
            parts = [p for piece in _SEPARATORS.split(raw) for p in _CAMEL.split(piece) if p]
        compound = len(parts) > 1
        if compound:
            # The identifier as written, unstemmed: the exact spelling is the strongest signal.
            terms.append(raw.lower().strip("_"))
        for part in parts:
            lowered = part.lower()
            if lowered in STOP_WORDS and not compound:
                continue
            terms.append(_stem(lowered))
    return terms


def keyword_terms(text: str) -> str:
    """`text`'s terms joined by spaces (no term holds one): how a chunk's terms are stored,
    so the keyword index is rebuilt from them without tokenising the corpus again."""
    return " ".join(lexical_tokens(text))


_CODE_LIKE = re.compile(
    r"[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9]"  # snake_case
    r"|[a-z][A-Za-z0-9]*\.[a-z][A-Za-z0-9_]*"  # dotted.names (not 1.5 or p.53)
    r"|\b[a-z]+[A-Z][a-z]"  # camelCase starting lower: getUser, not MongoDB
    r"|(?:^|\s)--?[a-z]"  # --flag
    r"|\$[A-Za-z]"  # $operator
    r"|\w\(\)"  # call()
    r"|\bHTTP\s?\d{3}\b"  # status codes
    r"|\w+Error\b"  # exception names
)


def looks_like_code(query: str) -> bool:
    """Whether the query names an identifier, flag or code: then its exact spelling matters
    more than its meaning. A query written all in capitals ("BLMOVE", "SKIP LOCKED") is a
    command; capitals inside a sentence are usually acronyms (KRAS, COPD), so they are not."""
    if _CODE_LIKE.search(query):
        return True
    words = re.findall(r"[A-Za-z]{2,}", query)
    return bool(words) and all(word.isupper() for word in words)
