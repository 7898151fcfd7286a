"""Answerability and extractive answers over the sample publication with the real model: the
answer to a "why" question says why, and questions no article answers are not answered."""

from __future__ import annotations

import shutil

import pytest

from indexer.answering.extractive import is_filler
from indexer.bootstrap import Services, build
from indexer.config import Settings
from indexer.ports import Embedder, Tokenizer
from tests.builders import EXAMPLES

pytestmark = pytest.mark.integration

# Not in any question file: written for this test.
UNANSWERABLE = (
    "How do I tune the ZFS ARC cache size on FreeBSD?",
    "which lens is best for photographing the milky way?",
    "how do I set up a RabbitMQ shovel between two data centres?",
)


@pytest.fixture(scope="module")
def services(
    tmp_path_factory: pytest.TempPathFactory, real_model: tuple[Embedder, Tokenizer]
) -> Services:
    root = tmp_path_factory.mktemp("answerability")
    shutil.copytree(EXAMPLES / "articles", root / "articles")
    embedder, tokenizer = real_model
    settings = Settings(data_dir=root / "data", _env_file=None)  # type: ignore[call-arg]
    built = build(settings, embedder=embedder, tokenizer=tokenizer)
    assert not built.indexing.sync_source(root / "articles").failed
    return built


def test_why_a_celery_task_runs_twice_is_answered_with_the_reason(services: Services) -> None:
    answer = services.answers.answer("why would my celery task run twice")

    assert answer.kind == "extractive" and 1 <= len(answer.citations) <= 3
    assert answer.confidence >= services.answers.abstain_below
    reasons = ("redeliver", "crash", "delivers the message again", "visibility timeout")
    assert any(reason in answer.text for reason in reasons), answer.text
    assert "twice" in answer.text or "again" in answer.text, answer.text
    for citation in answer.citations:
        assert citation.article_id.startswith("celery-")
        assert not is_filler(citation.quote), citation.quote
        article = services.search.article(citation.article_id)
        assert article.text[citation.start : citation.end] == citation.quote
        quoted = " ".join(citation.quote.split())
        assert f"{quoted} [{citation.number}]" in " ".join(answer.text.split())


@pytest.mark.parametrize("question", UNANSWERABLE)
def test_a_question_no_article_answers_is_not_answered(services: Services, question: str) -> None:
    answer = services.answers.answer(question)
    assert answer.abstained, answer.text
    assert answer.confidence < services.answers.abstain_below
    assert answer.citations == () and answer.suggestions


def test_a_question_an_article_answers_is_answered_from_that_article(services: Services) -> None:
    answer = services.answers.answer("how long does flower keep its task history?")
    assert answer.kind == "extractive"
    assert answer.citations[0].article_id == "celery-observable-tasks"
    assert "10,000" in answer.text or "max_tasks" in answer.text, answer.text
