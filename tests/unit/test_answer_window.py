"""The answerer within the model's context window, and interrupted mid-reply (fakes only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.answering.prompt import WINDOW_MARGIN, count_prompt, encoding_for
from indexer.errors import JobCancelled, LLMContextOverflow
from tests.builders import ANSWER_QUESTION as QUESTION
from tests.builders import answering
from tests.builders import write_answer_articles as write_articles
from tests.fakes import RecordingLLM


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return write_articles(tmp_path / "articles")


def test_the_prompt_leaves_the_answer_its_room_in_the_models_window(
    tmp_path: Path, source: Path
) -> None:
    llm = RecordingLLM(window=700)
    services = answering(tmp_path, source, llm, llm_max_tokens=100)
    answer = services.answers.answer(QUESTION, k=6)
    messages, max_tokens = llm.calls[-1]
    assert max_tokens == 100
    assert count_prompt(encoding_for(llm.model), messages) <= (700 - 100) * (1 - WINDOW_MARGIN)
    roomy = answering(tmp_path / "roomy", source, RecordingLLM(), llm_max_tokens=100)
    assert 0 < len(answer.sources) < len(roomy.answers.answer(QUESTION, k=6).sources)


def test_a_window_too_small_for_the_instructions_is_a_clear_error(
    tmp_path: Path, source: Path
) -> None:
    llm = RecordingLLM(window=300)
    services = answering(tmp_path, source, llm, llm_max_tokens=100)
    with pytest.raises(LLMContextOverflow, match="context window of 300 tokens"):
        services.answers.answer(QUESTION)
    assert llm.calls == [], "a prompt that cannot fit is never sent"


def test_an_interrupt_is_checked_before_the_model_and_at_every_piece_of_its_reply(
    tmp_path: Path, source: Path
) -> None:
    llm = RecordingLLM("Set acks_late on the task so a crash redelivers it [1]. " * 4, chunk=4)
    services = answering(tmp_path, source, llm)
    checks: list[int] = []
    shown: list[str] = []

    def interrupt() -> None:
        checks.append(len(checks))
        if len(checks) > 5:
            raise JobCancelled("cancelled by a client")

    with pytest.raises(JobCancelled):
        services.answers.answer(QUESTION, on_token=shown.append, interrupt=interrupt)
    # Stopped at the fifth piece: long before the guard released any text to the reader.
    assert len(checks) == 6 and shown == []
    quiet = RecordingLLM("Set acks_late [1].")
    answering(tmp_path / "quiet", source, quiet).answers.answer(QUESTION, interrupt=lambda: None)
    assert len(quiet.calls) == 1
