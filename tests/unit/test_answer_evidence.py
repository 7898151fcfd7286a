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
    passage_words,
    plain_words_of,
    question_terms,
    read_typo,
    weigh_evidence,
)
from indexer.model import Hit

PASSAGES = 100
# How many of the publication's 100 passages hold each term; absent terms hold none.
FREQUENCIES = {"celeri": 60, "task": 50, "retri": 20, "twice": 3, "acks_late": 2, "sqs": 0}


def frequencies(terms: Sequence[str]) -> tuple[int, list[int]]:
    return PASSAGES, [FREQUENCIES.get(term, 0) for term in terms]


def hit(text: str, article: str = "celery", score: float = 0.5) -> Hit:
    return Hit(1, article, "Title", None, None, None, text, 0, len(text), score)


def vocabulary(*hits: Hit) -> set[str]:
    return set().union(*(passage_words(h) for h in hits))


def test_a_rare_term_weighs_more_than_a_common_one() -> None:
    assert idf(PASSAGES, 2) > idf(PASSAGES, 50) > 0
    assert idf(PASSAGES, 0) == pytest.approx(math.log1p((PASSAGES + 0.5) / 0.5))


def test_a_misspelt_word_is_read_as_the_passage_word_it_is_one_edit_from() -> None:
    words = ["twice", "retries", "acks_late"]
    assert read_typo("twise", words) == "twice"
    assert read_typo("retires", words) == "retries"  # a transposition is one edit
    # Too short to guess, an identifier, or too far from any word: not a typo.
    assert read_typo("twi", ["two"]) is None
    assert read_typo("acks_lat", words) is None
    assert read_typo("kafka", words) is None


def test_long_words_may_be_two_edits_away() -> None:
    assert read_typo("idempotncy", ["idempotency"]) == "idempotency"
    assert read_typo("idmpotncy", ["idempotency"]) == "idempotency"
    assert read_typo("idmptncy", ["idempotency"]) is None


def test_compound_words_of_a_passage_are_also_read_in_parts() -> None:
    cited = hit("Dead-lettering needs a dead-letter exchange.")
    assert {"dead-letter", "dead", "letter"} <= passage_words(cited)
    terms = question_terms("dead leter exchange", vocabulary(cited), frequencies)
    assert "letter" in terms.weights and "leter" not in terms.weights


def test_contractions_and_misspelt_stop_words_add_no_terms() -> None:
    cited = hit("Celery may run a task twice.")
    question = "what's celery's task? shoud it run twice, isn't it?"
    terms = question_terms(question, set(), frequencies)
    assert set(terms.weights) == {"celeri", "task", "run", "twice"}
    # Stemming makes a stop word of "whats": it is no term either.
    assert set(question_terms("whats twice", vocabulary(cited), frequencies).weights) == {"twice"}


def test_a_longer_word_the_cited_passages_lack_is_read_as_the_variant_they_hold() -> None:
    # "entires" is a word of the publication ("entire"), but the cited passage says "entries".
    cited = hit("Claim the pending entries of a crashed consumer.")
    known = {**FREQUENCIES, "entir": 4, "entri": 9}

    def counts(terms: Sequence[str]) -> tuple[int, list[int]]:
        return PASSAGES, [known.get(term, 0) for term in terms]

    terms = question_terms("pending entires", vocabulary(cited), counts)
    assert "entri" in terms.weights and "entir" not in terms.weights


def test_specific_terms_are_those_not_written_as_plain_words() -> None:
    cited = hit("Celery tasks run twice after a crash.")
    plain = {"celery", "twice", "amazon"}.__contains__
    terms = question_terms("celery twice on amazon sqs", vocabulary(cited), frequencies, plain)
    assert terms.specific == {"sqs"}
    evidence = weigh_evidence(terms, [cited], [cited])
    missing = terms.weights["sqs"] / sum(terms.weights.values())
    assert evidence.specific_missing == pytest.approx(missing)
    # Without a tokenizer, every alphabetic word is plain: only identifiers are specific.
    default = question_terms("celery acks_late sqs", vocabulary(cited), frequencies)
    assert default.specific == {"acks_late", "ack", "late"}


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


def test_a_plain_word_is_one_the_tokenizer_reads_as_one_token() -> None:
    vocabulary = {"flatten", "celery"}

    def count(text: str) -> int:  # a word-piece tokenizer: unknown words split in two
        return 1 if text in vocabulary else 2

    plain = plain_words_of(count)
    assert plain("flatten") and plain("celery")
    assert not plain("savepoint") and not plain("p99")
    assert plain_words_of(None)("savepoint") and not plain_words_of(None)("task_routes")


def test_the_sentence_cosine_is_passed_through_within_bounds() -> None:
    cited = hit("Celery retries.")
    terms = question_terms("celery", vocabulary(cited), frequencies)
    assert weigh_evidence(terms, [cited], [cited], 0.4).sentence_cosine == pytest.approx(0.4)
    assert weigh_evidence(terms, [cited], [cited], -0.1).sentence_cosine == 0.0


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
