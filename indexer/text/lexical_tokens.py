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
        whole, parts = _forms(match.group())
        if whole is not None:
            terms.append(whole)
        terms.extend(parts)
    return terms


def _forms(raw: str) -> tuple[str | None, list[str]]:
    """One word's terms: an identifier's whole spelling (None for a plain word) and its
    stemmed parts, stop words left out of plain words only."""
    rest = raw[1:]
    if raw.isalnum() and rest == rest.lower():
        pieces = [raw]  # a plain word, by far the most common case: nothing to split
    else:
        pieces = [p for piece in _SEPARATORS.split(raw) for p in _CAMEL.split(piece) if p]
    compound = len(pieces) > 1
    # The identifier as written, unstemmed: the exact spelling is the strongest signal.
    whole = raw.lower().strip("_") if compound else None
    parts = [
        _stem(lowered)
        for lowered in (piece.lower() for piece in pieces)
        if compound or lowered not in STOP_WORDS
    ]
    return whole, parts


def keyword_terms(text: str) -> str:
    """`text`'s terms joined by spaces (no term holds one): how a chunk's terms are stored,
    so the keyword index is rebuilt from them without tokenising the corpus again."""
    return " ".join(lexical_tokens(text))


# Shapes only code takes: snake_case, dotted.names (not e.g. or 1.5), inner capitals
# (jsonSchema, SoftTimeLimitExceeded), letters with digits (40P01, ALDH1, B12).
_CODE_SHAPE = re.compile(
    r"[A-Za-z0-9]_[A-Za-z0-9]|[A-Za-z0-9]{2}[.:/][A-Za-z]{2}|[a-z][A-Z]"
    r"|[A-Za-z].*[0-9]|[0-9].*[A-Za-z]"
)
_FLAG_OR_OPERATOR = re.compile(r"(?:--|\$)$")
# A query of more words than this, all in capitals, is prose typed in capitals (old catalogues
# and teletype-era collections write every query so), not a command such as SKIP LOCKED.
SHOUTED_PROSE_WORDS = 3


def identifier_terms(query: str) -> list[str]:
    """The keyword-index terms of the identifiers `query` names, each once, in order.

    Decided word by word, so that one identifier in a long question counts and a question
    in capitals does not: a word is an identifier when its shape is code's (`acks_late`,
    `AppConfig.ready`, `jsonSchema`, `40P01`, `--reload`, `$indexStats`, `call()`), or when it
    is in capitals (`XACK`, `IMMEDIATE`) in a query that is not all capitals, or in a short one
    that is (`SKIP LOCKED`, `BLMOVE`). Plain words and hyphenated prose (`time-sharing`) never
    are. The term is the one the keyword side indexes for that word (its whole spelling, for a
    compound), so an identifier is found by exact membership.
    """
    matches = list(_RAW.finditer(query))
    lettered = [m.group() for m in matches if any(c.isalpha() for c in m.group())]
    shouted = len(lettered) > SHOUTED_PROSE_WORDS and all(w.isupper() for w in lettered)
    terms: dict[str, None] = {}
    for match in matches:
        raw = match.group()
        flagged = _FLAG_OR_OPERATOR.search(query, 0, match.start()) is not None
        called = query.startswith("()", match.end())
        capitals = raw.isupper() and sum(c.isalpha() for c in raw) >= 2 and not shouted
        if not (_CODE_SHAPE.search(raw) or flagged or called or capitals):
            continue
        whole, parts = _forms(raw)
        term = whole if whole is not None else (parts[0] if parts else None)
        if term is not None and len(term) >= 2:
            terms.setdefault(term, None)
    return list(terms)


def identifier_density(query: str, identifiers: list[str]) -> float:
    """How much of `query` its identifiers are: their number over its words, stop words aside
    (1.0 for `acks_late`, 0.1 for one gene name in a ten-word claim)."""
    content = [w for w in words(query) if w.lower() not in STOP_WORDS]
    return min(1.0, len(identifiers) / len(content)) if content else 0.0
