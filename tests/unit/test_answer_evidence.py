"""The answerability signals, on hand-made passages and a table of term frequencies standing
in for the keyword index (the port `SearchService.term_frequencies` reads)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pytest

from indexer.answering.answerability import AnswerabilityModel
from indexer.answering.evidence import (
    FEATURES,
    NO_EVIDENCE,
    Evidence,
    idf,
    question_terms,
    read_typos,
    weigh_evidence,
)
from indexer.model import Hit
from indexer.text.lexical_tokens import lexical_tokens

PASSAGES = 100
# How many of the publication's 100 passages hold each term; absent terms hold none.
FREQUENCIES = {"celeri": 60, "task": 50, "retri": 20, "twice": 3, "acks_late": 2, "sqs": 0}


def frequencies(terms: Sequence[str]) -> tuple[int, list[int]]:
    return PASSAGES, [FREQUENCIES.get(term, 0) for term in terms]


def hit(text: str, article: str = "celery", score: float = 0.5) -> Hit:
    return Hit(1, article, "Title", None, None, None, text, 0, len(text), score)


def vocabulary(*hits: Hit) -> set[str]:
    return {t for h in hits for t in lexical_tokens(" ".join((h.title, h.text)))}


def test_a_rare_term_weighs_more_than_a_common_one() -> None:
    assert idf(PASSAGES, 2) > idf(PASSAGES, 50) > 0
    assert idf(PASSAGES, 0) == pytest.approx(math.log1p((PASSAGES + 0.5) / 0.5))


def test_a_misspelt_word_is_read_as_the_passage_word_it_is_one_edit_from() -> None:
    words = {"twice", "retri", "acks_late"}
    assert read_typos(["twise", "retri"], [False, True], words) == ["twice", "retri"]
    # Too short to guess, an identifier, or too far from any word: left as written.
    assert read_typos(["twi", "acks_lat", "kafka"], [False] * 3, words) == [
        "twi",
        "acks_lat",
        "kafka",
    ]


def test_long_words_may_be_two_edits_away() -> None:
    assert read_typos(["idempotncy"], [False], {"idempotency"}) == ["idempotency"]
    assert read_typos(["idmpotncy"], [False], {"idempotency"}) == ["idempotency"]
    assert read_typos(["idmptncy"], [False], {"idempotency"}) == ["idmptncy"]


def test_question_terms_are_weighed_by_rarity_with_typos_read() -> None:
    cited = hit("Celery may run a task twice when it retries.")
    terms = question_terms("celery task run twise", vocabulary(cited), frequencies)
    assert "twice" in terms.weights and "twise" not in terms.weights
    assert terms.weights["twice"] > terms.weights["celeri"]
    assert terms.counts["twice"] == 3


def test_support_counts_the_rare_terms_the_cited_passage_holds() -> None:
    cited = hit("Celery tasks with acks_late run twice after a crash.")
    answered = question_terms("celery acks_late twice", vocabulary(cited), frequencies)
    missing = question_terms("celery sqs twice", vocabulary(cited), frequencies)
    full = weigh_evidence(answered, [cited], [cited])
    gap = weigh_evidence(missing, [cited], [cited])
    assert full.support == pytest.approx(1.0) and full.worst_gap == 0.0
    # "sqs" is in no passage at all: the largest possible gap, and most of the weight.
    assert gap.worst_gap == pytest.approx(1.0)
    assert gap.support < 0.5 and gap.elsewhere == 0.0


def test_a_term_only_other_passages_hold_counts_as_elsewhere() -> None:
    cited = hit("Celery tasks run twice after a crash.")
    terms = question_terms("celery retries twice", vocabulary(cited), frequencies)
    evidence = weigh_evidence(terms, [cited], [cited])
    share = terms.weights["retri"] / sum(terms.weights.values())
    assert evidence.elsewhere == pytest.approx(share)
    assert evidence.support == pytest.approx(1 - share)
    assert 0 < evidence.worst_gap < 1


def test_top_share_and_margin_read_the_best_passage_and_the_next_article() -> None:
    first = hit("Celery retries.", score=0.8)
    second = hit("A task that runs twice.", article="other", score=0.5)
    terms = question_terms("celery task twice", vocabulary(first, second), frequencies)
    evidence = weigh_evidence(terms, [first, second], [first, second])
    assert evidence.top_share == pytest.approx(1 / 3)
    assert evidence.support == pytest.approx(1.0)
    assert evidence.cosine == pytest.approx(0.8) and evidence.margin == pytest.approx(0.3)


def test_no_terms_or_no_passages_is_no_evidence() -> None:
    cited = hit("Celery tasks.")
    empty = question_terms("what is it?", vocabulary(cited), frequencies)
    assert weigh_evidence(empty, [cited], [cited]) == NO_EVIDENCE
    terms = question_terms("celery", set(), frequencies)
    assert weigh_evidence(terms, [], []) == NO_EVIDENCE


def test_the_model_is_a_logistic_function_of_the_signals_it_names() -> None:
    model = AnswerabilityModel(("cosine", "support"), (2.0, 4.0), -3.0, 0.5, "test")
    evidence = Evidence(**{name: 0.0 for name in FEATURES} | {"cosine": 0.5, "support": 0.5})
    assert model.probability(evidence) == pytest.approx(1 / (1 + math.exp(0.0)))
    stronger = Evidence(**{name: 0.0 for name in FEATURES} | {"cosine": 0.5, "support": 1.0})
    assert model.probability(stronger) == pytest.approx(1 / (1 + math.exp(-2.0)))
    # A signal the model does not name changes nothing.
    assert model.probability(
        Evidence(**{name: 1.0 for name in FEATURES} | {"cosine": 0.5, "support": 1.0})
    ) == pytest.approx(model.probability(stronger))
