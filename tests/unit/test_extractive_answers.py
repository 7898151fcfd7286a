"""Extractive answers pick the sentences that answer, keep what they lean on, skip filler;
the hashing fake embedder stands in for the model (overlapping words, nearby vectors)."""

from __future__ import annotations

from indexer.answering.extractive import (
    MAX_SENTENCES,
    embed_candidates,
    extractive_answer,
    is_filler,
    leans_on_previous,
)
from indexer.model import Hit
from tests.fakes import FakeEmbedder


def passage(text: str, article: str = "celery-retries", start: int = 100) -> Hit:
    return Hit(1, article, "Retries", None, "Retries", "retries", text, start, start + len(text), 1)


def test_sentences_about_the_text_itself_are_filler() -> None:
    assert is_filler("This post is how our team writes retrying tasks today, on Celery 5.2.")
    assert is_filler("Every section below is something that caused an incident.")
    assert is_filler("In 2022 I wrote up how our team retries Celery tasks.")
    assert not is_filler("A retried task runs again from the top of the function.")


def test_a_sentence_opening_with_a_pointer_leans_on_the_one_before() -> None:
    assert leans_on_previous("That is why tasks running with acks_late must be idempotent.")
    assert leans_on_previous("It only has an effect together with acks_late.")
    assert leans_on_previous("*This* matters.")
    assert not leans_on_previous("Thistle is not a pointer.")
    assert not leans_on_previous("Celery acknowledges the message first.")


def test_filler_is_never_quoted_even_when_it_shares_the_question_words() -> None:
    text = (
        "This post is how our team stops a celery task that runs twice. "
        "A celery task runs twice when the worker crashes after charging the card."
    )
    answer, citations = extractive_answer(
        "why does a celery task run twice", [passage(text)], FakeEmbedder()
    )
    assert "This post" not in answer
    assert answer.startswith("A celery task runs twice when the worker crashes")
    assert len(citations) == 1


def test_the_sentence_a_chosen_one_leans_on_comes_with_it_each_cited() -> None:
    text = (
        "Retries need an exit. "
        "With acks_late the broker redelivers the message after a crash. "
        "That is why such a task can run twice. "
        "Flower shows the retries."
    )
    hit = passage(text)
    answer, citations = extractive_answer("why can such a task run twice", [hit], FakeEmbedder())
    assert answer == (
        "With acks_late the broker redelivers the message after a crash. [1] "
        "That is why such a task can run twice. [2]"
    )
    for citation in citations:
        assert text[citation.start - hit.start : citation.end - hit.start] == citation.quote


def test_rare_terms_count_for_more_than_common_ones() -> None:
    text = (
        "Celery is the task queue our team runs for every celery job. "
        "The visibility timeout redelivers unacknowledged messages after an hour."
    )
    question = "celery visibility timeout"
    weights = {"celeri": 0.1, "visibl": 4.0, "timeout": 3.0}
    answer, _ = extractive_answer(question, [passage(text)], FakeEmbedder(), weights)
    assert answer.startswith("The visibility timeout redelivers")
    assert "Celery is the task queue" not in answer


def test_at_most_three_sentences_from_the_passages_given() -> None:
    text = " ".join(
        f"Retried tasks run again, case number {n} of many retried tasks." for n in range(8)
    )
    other = passage("Retried tasks run again in this other article too, said plainly.", "other")
    answer, citations = extractive_answer(
        "retried tasks run again", [passage(text), other], FakeEmbedder()
    )
    assert 1 <= len(citations) <= MAX_SENTENCES
    assert [c.number for c in citations] == list(range(1, len(citations) + 1))
    assert all(f"[{c.number}]" in answer for c in citations)


def test_passages_without_prose_give_no_answer() -> None:
    assert extractive_answer("anything", [passage("| a | b |\n| --- | --- |")], FakeEmbedder()) == (
        "",
        (),
    )


def test_candidates_are_embedded_once_and_their_best_cosines_measure_the_answer() -> None:
    text = (
        "This post is about retries. "
        "A celery task runs twice when the worker crashes after charging the card. "
        "Flower shows the queues and their workers."
    )
    embedder = FakeEmbedder()
    question = "why does a celery task run twice"
    candidates = embed_candidates(question, [passage(text)], embedder)
    assert len(candidates.sentences) == 2  # the filler is no candidate
    assert embedder.embedded == 3
    on_topic = candidates.best_cosine(1)
    assert on_topic == max(candidates.cosines) and 0 < on_topic <= 1
    assert candidates.best_cosine() == sum(candidates.cosines) / 2  # fewer than three
    # The answer reuses them: nothing more is embedded.
    answer, _ = extractive_answer(question, [passage(text)], embedder, None, candidates)
    assert embedder.embedded == 3 and answer.startswith("A celery task runs twice")
    assert embed_candidates(question, [passage("| a |")], embedder).best_cosine() == 0.0
