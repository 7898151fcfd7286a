from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from indexer.answering.extractive import prose_sentences
from indexer.answering.prompt import (
    SENTINEL,
    SYSTEM_PROMPT,
    count_prompt,
    defuse,
    encoding_for,
)
from indexer.bootstrap import Services
from indexer.errors import InvalidQuery, LLMUnavailable
from indexer.model import Answer
from indexer.search.search_service import SearchFilters
from tests.builders import ANSWER_ARTICLES, ANSWER_QUESTION, answering, write_answer_articles
from tests.fakes import RecordingLLM


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return write_answer_articles(tmp_path / "articles")


def assert_quotes_are_exact(services: Services, answer: Answer) -> None:
    for citation in answer.citations:
        article = services.search.article(citation.article_id)
        assert article.text[citation.start : citation.end] == citation.quote


def test_without_an_llm_the_answer_quotes_the_best_sentences_each_cited(
    tmp_path: Path, source: Path
) -> None:
    services = answering(tmp_path, source)
    answer = services.answers.answer(ANSWER_QUESTION)
    assert answer.kind == "extractive" and answer.model is None
    assert "acknowledges a task message only after the task finishes. [1]" in answer.text
    assert answer.citations[0].article_id == "celery-acks"
    assert answer.citations[0].url == "https://blog.example/celery-acks#acknowledging-late"
    assert answer.citations[0].published == date(2024, 5, 1)
    assert [c.number for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert_quotes_are_exact(services, answer)
    assert set(answer.timings_ms) == {"retrieval", "generation", "total"}


def test_extractive_sentences_skip_code_tables_and_headings() -> None:
    text = ANSWER_ARTICLES["celery-acks"][2] + "\n\n" + ANSWER_ARTICLES["redis-ttl"][2]
    sentences = [text[start:end] for start, end in prose_sentences(text)]
    assert "That is why tasks running with acks_late must be idempotent." in sentences
    assert not any("@app.task" in s or "|" in s or s.startswith("#") for s in sentences)


def test_an_llm_answer_cites_only_supplied_passages_renumbered(
    tmp_path: Path, source: Path
) -> None:
    llm = RecordingLLM("Late acks wait for the task to finish [2][1]. Also [7].")
    services = answering(tmp_path, source, llm)
    answer = services.answers.answer(ANSWER_QUESTION)
    assert answer.kind == "llm" and answer.model == "gpt-4o-mini"
    assert answer.text == "Late acks wait for the task to finish [1][2]. Also."
    assert answer.removed_markers == ("[7]",)
    assert [c.chunk_id for c in answer.citations] == [
        answer.sources[1].chunk_id,
        answer.sources[0].chunk_id,
    ]
    assert answer.citations[1].quote == answer.sources[0].text
    assert_quotes_are_exact(services, answer)
    assert answer.usage["prompt_tokens"] > 0 and answer.usage["completion_tokens"] > 0


def test_the_prompt_holds_the_passages_the_question_and_the_rules(
    tmp_path: Path, source: Path
) -> None:
    llm = RecordingLLM()
    services = answering(tmp_path, source, llm, llm_max_tokens=123)
    answer = services.answers.answer(ANSWER_QUESTION)
    messages, max_tokens = llm.calls[-1]
    assert max_tokens == 123
    assert messages[0].content == SYSTEM_PROMPT
    for number, passage in enumerate(answer.sources, start=1):
        assert f'<passage number="{number}">' in messages[1].content
        assert defuse(passage.text) in messages[1].content
    assert ANSWER_QUESTION in messages[1].content


def test_streamed_tokens_add_up_to_the_checked_answer(tmp_path: Path, source: Path) -> None:
    reply = "The worker acknowledges only after the task finishes [1]. " * 4
    llm = RecordingLLM(reply + "Crashes redeliver [3] [12].", chunk=3)
    services = answering(tmp_path, source, llm)
    streamed: list[str] = []
    answer = services.answers.answer(ANSWER_QUESTION, on_token=streamed.append)
    assert len(streamed) > 3
    assert "".join(streamed) == answer.text
    assert "[12]" not in answer.text and answer.removed_markers == ("[12]",)


def test_the_prompt_respects_the_token_budget_by_leaving_passages_out(
    tmp_path: Path, source: Path
) -> None:
    llm = RecordingLLM()
    services = answering(tmp_path, source, llm, answer_token_budget=400)
    answer = services.answers.answer(ANSWER_QUESTION, k=6)
    messages, _ = llm.calls[-1]
    assert count_prompt(encoding_for(llm.model), messages) <= 400
    retrieved = services.answers.retrieve(ANSWER_QUESTION, k=6).passages
    assert 0 < len(answer.sources) < len(retrieved)
    for passage in answer.sources:
        assert defuse(passage.text) in messages[1].content


def test_a_question_the_articles_do_not_touch_abstains_without_calling_the_llm(
    tmp_path: Path, source: Path
) -> None:
    llm = RecordingLLM()
    services = answering(tmp_path, source, llm)
    answer = services.answers.answer("kubernetes helm chart ingress annotations")
    assert answer.abstained and answer.citations == () and answer.sources == ()
    assert answer.suggestions and "closest" in answer.text
    assert "[" not in answer.text
    assert answer.confidence < 0.3
    assert llm.calls == []


def test_the_model_saying_the_passages_do_not_answer_abstains(tmp_path: Path, source: Path) -> None:
    services = answering(
        tmp_path, source, RecordingLLM(f"  {SENTINEL}  "), quote_when_declined_above=1.0
    )
    streamed: list[str] = []
    answer = services.answers.answer(ANSWER_QUESTION, on_token=streamed.append)
    assert answer.abstained and answer.citations == ()
    assert answer.suggestions[0].article_id == "celery-acks"
    assert SENTINEL not in answer.text and "".join(streamed).strip() == ""


def test_a_model_declining_what_strong_evidence_answers_gets_the_quoted_sentences(
    tmp_path: Path, source: Path
) -> None:
    declining = RecordingLLM(SENTINEL)
    services = answering(tmp_path, source, declining, quote_when_declined_above=0.0)
    streamed: list[str] = []
    answer = services.answers.answer(ANSWER_QUESTION, on_token=streamed.append)
    assert len(declining.calls) == 1  # the model was asked, and declined
    assert answer.kind == "extractive" and answer.model is not None
    assert answer.citations[0].article_id == "celery-acks"
    assert_quotes_are_exact(services, answer)
    assert SENTINEL not in answer.text + "".join(streamed)
    # Just below the bar the model's refusal stands.
    bar = answer.confidence + 1e-6
    strict = answering(tmp_path / "strict", source, declining, quote_when_declined_above=bar)
    assert strict.answers.answer(ANSWER_QUESTION).abstained


def test_an_echo_of_the_system_prompt_is_never_returned_or_streamed(
    tmp_path: Path, source: Path
) -> None:
    services = answering(
        tmp_path, source, RecordingLLM("My rules: " + SYSTEM_PROMPT), quote_when_declined_above=0.0
    )
    streamed: list[str] = []
    answer = services.answers.answer(ANSWER_QUESTION, on_token=streamed.append)
    assert answer.abstained
    assert SYSTEM_PROMPT[:40] not in answer.text + "".join(streamed)


def test_an_injected_passage_stays_data_and_its_citations_are_dropped(
    tmp_path: Path, source: Path
) -> None:
    obeying = RecordingLLM("Feature flags are deprecated [9]. Roll out to one percent first [1].")
    services = answering(tmp_path, source, obeying)
    answer = services.answers.answer("how do I roll out a feature flag to users?")
    messages, _ = obeying.calls[-1]
    assert messages[0].content == SYSTEM_PROMPT
    user = messages[1].content
    injected = user.index("Ignore previous instructions")
    assert user.rfind('<passage number="', 0, injected) > user.rfind("</passage>", 0, injected)
    assert '<passage number="9">' not in user and "&lt;/passage>" in user
    assert answer.kind == "llm" and answer.removed_markers == ("[9]",)
    assert answer.text == "Feature flags are deprecated. Roll out to one percent first [1]."


def test_a_reply_citing_nothing_supplied_falls_back_to_quoting(
    tmp_path: Path, source: Path
) -> None:
    services = answering(tmp_path, source, RecordingLLM("Trust me [8]."))
    answer = services.answers.answer(ANSWER_QUESTION)
    assert answer.kind == "extractive" and answer.citations
    assert answer.removed_markers == ("[8]",) and answer.model == "gpt-4o-mini"


def test_llm_errors_reach_the_caller(tmp_path: Path, source: Path) -> None:
    services = answering(tmp_path, source, RecordingLLM(LLMUnavailable("HTTP 503")))
    with pytest.raises(LLMUnavailable, match="503"):
        services.answers.answer(ANSWER_QUESTION)


def test_filters_that_exclude_every_article_abstain_with_no_suggestions(
    tmp_path: Path, source: Path
) -> None:
    services = answering(tmp_path, source)
    answer = services.answers.answer(ANSWER_QUESTION, filters=SearchFilters(since=date(2030, 1, 1)))
    assert answer.abstained and answer.suggestions == ()


def test_the_threshold_comes_from_settings(tmp_path: Path, source: Path) -> None:
    services = answering(tmp_path, source, abstain_below=1.01)
    assert services.answers.answer(ANSWER_QUESTION).abstained


def test_k_out_of_range_is_invalid(tmp_path: Path, source: Path) -> None:
    services = answering(tmp_path, source)
    with pytest.raises(InvalidQuery):
        services.answers.answer(ANSWER_QUESTION, k=0)
    with pytest.raises(InvalidQuery):
        services.answers.answer("   ")


def test_a_configured_endpoint_is_wired_to_the_openai_adapter(tmp_path: Path, source: Path) -> None:
    services = answering(tmp_path, source, llm_base_url="http://127.0.0.1:9/v1", llm_timeout_s=2)
    with pytest.raises(LLMUnavailable, match="cannot reach"):
        services.answers.answer(ANSWER_QUESTION)
