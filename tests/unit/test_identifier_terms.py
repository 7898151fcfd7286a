"""Which words of a query are identifiers: decided word by word, never for the whole query."""

from __future__ import annotations

import pytest

from indexer.text.lexical_tokens import identifier_density, identifier_terms, lexical_tokens


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("acks_late", ["acks_late"]),
        ("select_for_update nowait", ["select_for_update"]),
        ("AppConfig.ready", ["appconfig.ready"]),
        ("$jsonSchema", ["jsonschema"]),
        ("deadlock detected 40P01", ["40p01"]),
        ("uvicorn --reload", ["reload"]),
        ("request.auser()", ["request.auser"]),
        ("SoftTimeLimitExceeded", ["softtimelimitexceeded"]),
    ],
)
def test_words_shaped_like_code_are_identifiers(query: str, terms: list[str]) -> None:
    assert identifier_terms(query) == terms


def test_a_short_query_in_capitals_is_a_command() -> None:
    assert identifier_terms("BLMOVE") == ["blmove"]
    assert identifier_terms("SKIP LOCKED") == ["skip", "lock"]
    assert identifier_terms("[CRITICAL] WORKER TIMEOUT") == ["critic", "worker", "timeout"]


def test_a_long_query_in_capitals_is_prose_and_names_no_identifier() -> None:
    shouted = "WHAT ARTICLES EXIST WHICH DEAL WITH TSS, AN OPERATING SYSTEM FOR IBM COMPUTERS?"

    assert identifier_terms(shouted) == []
    assert identifier_terms(shouted.lower()) == []


def test_one_identifier_in_a_long_question_counts_and_its_prose_does_not() -> None:
    question = "Why does my Celery task run twice when acks_late is set and the worker dies?"

    assert identifier_terms(question) == ["acks_late"]


def test_capitals_inside_a_sentence_count_word_by_word() -> None:
    question = "What articles deal with TSS, an operating system for IBM computers?"

    assert identifier_terms(question) == ["tss", "ibm"]


@pytest.mark.parametrize(
    "prose",
    [
        "time-sharing systems for small computers",
        "e.g. the dose was 1.5 times higher in 2019",
        "The Crystalline Lens In Vertebrates",
        "a",
    ],
)
def test_plain_prose_names_no_identifier(prose: str) -> None:
    assert identifier_terms(prose) == []


def test_each_identifier_term_is_a_term_the_keyword_side_indexes_for_that_word() -> None:
    for query in ("acks_late", "XACK", "$jsonSchema", "40P01", "SKIP LOCKED", "uvicorn --reload"):
        indexed = set(lexical_tokens(query))
        assert set(identifier_terms(query)) <= indexed, query


def test_an_identifier_written_twice_is_named_once() -> None:
    assert identifier_terms("acks_late vs acks_late") == ["acks_late"]


def test_the_density_says_how_much_of_the_query_its_identifiers_are() -> None:
    assert identifier_density("acks_late", identifier_terms("acks_late")) == 1.0
    claim = "A deficiency of vitamin B12 increases blood levels of homocysteine."
    assert identifier_density(claim, identifier_terms(claim)) == pytest.approx(1 / 7)
    assert identifier_density("the", []) == 0.0
