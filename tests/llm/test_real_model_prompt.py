"""The adapter and the answerer against the real llama.cpp server: the context window it
reports, a prompt too large for it, citation checks on what the model really writes, and the
echo guard on a model that really repeats its instructions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from eval.local_llm import LlamaServer, running_llama_server
from indexer.adapters.openai_llm import OpenAIChatLLM
from indexer.answering.prompt import build_prompt, encoding_for
from indexer.bootstrap import Services
from indexer.errors import LLMContextOverflow
from indexer.model import Hit
from tests.builders import answering, assert_no_prompt_in
from tests.builders import write_answer_articles as write_articles
from tests.llm.conftest import MAX_TOKENS, N_CTX, THREADS

pytestmark = pytest.mark.integration


def long_passage(number: int) -> Hit:
    text = f"Passage {number} says retries need backoff and jitter. " * 40
    return Hit(
        chunk_id=number, article_id=f"a{number}", title=f"Retries {number}", url="https://x/",
        heading=None, anchor=None, text=text, start=0, end=len(text), score=1.0,
        published=date(2024, 1, 1),
    )  # fmt: skip


def test_the_adapter_reads_the_context_window_from_the_server(llama: LlamaServer) -> None:
    assert OpenAIChatLLM("any-name", base_url=llama.base_url).context_window() == llama.n_ctx
    # A configured window is taken as given, without asking.
    configured = OpenAIChatLLM("any-name", base_url=llama.base_url, context_tokens=8192)
    assert configured.context_window() == 8192


def test_a_prompt_larger_than_the_window_is_refused_with_a_clear_error(
    llama: LlamaServer,
) -> None:
    """A window configured larger than the server's lets the answerer build a prompt the
    server cannot hold: llama.cpp refuses it whole, and the refusal says so, with the
    server's numbers; nothing is cut to fit."""
    llm = OpenAIChatLLM("any-name", base_url=llama.base_url, context_tokens=8192)
    hits = [long_passage(n) for n in range(1, 7)]
    prompt = build_prompt("why jitter?", hits, 8192 - MAX_TOKENS, encoding_for(llm.model))
    assert len(prompt.passages) == 6 and prompt.tokens > llama.n_ctx
    with pytest.raises(LLMContextOverflow) as refused:
        llm.complete(prompt.messages, MAX_TOKENS)
    message = str(refused.value)
    assert "context window" in message and f"({llama.n_ctx} tokens)" in message, message
    assert "FOOTNOTE_LLM_CONTEXT_TOKENS" in message


@pytest.fixture(scope="module")
def answerer(tmp_path_factory: pytest.TempPathFactory, llama: LlamaServer) -> Services:
    root = tmp_path_factory.mktemp("real-citations")
    return answering(
        root, write_articles(root / "articles"), llm_base_url=llama.base_url,
        llm_max_tokens=MAX_TOKENS,
    )  # fmt: skip


@pytest.mark.parametrize("k", [1, 2, 3])
def test_citations_in_real_replies_resolve_to_supplied_passages(answerer: Services, k: int) -> None:
    streamed: list[str] = []
    answer = answerer.answers.answer(
        "how do we roll out a feature flag to users?", k=k, on_token=streamed.append
    )
    numbers = [int(n) for n in re.findall(r"\[(\d+)\]", answer.text)]
    supplied = {hit.chunk_id for hit in answer.sources}
    assert len(answer.sources) <= k
    assert all(1 <= n <= len(answer.citations) for n in numbers), answer.text
    assert all(citation.chunk_id in supplied for citation in answer.citations)
    for marker in answer.removed_markers:
        assert marker not in answer.text
    if answer.kind == "llm":
        assert "".join(streamed) == answer.text
        assert answer.citations and answer.model


@pytest.fixture(scope="module")
def echoing(tmp_path_factory: pytest.TempPathFactory, gemma: Path) -> Iterator[Services]:
    """Gemma 270M (a base model) in Gemma's own turn format: it reads the system prompt as
    text to continue, and writes it out again word for word."""
    root = tmp_path_factory.mktemp("real-echo")
    with running_llama_server(gemma, n_ctx=N_CTX, threads=THREADS, chat_template="gemma") as llm:
        yield answering(
            root, write_articles(root / "articles"), llm_base_url=llm.base_url,
            llm_max_tokens=MAX_TOKENS,
        )  # fmt: skip


def test_a_real_model_repeating_its_instructions_shows_the_reader_none_of_them(
    echoing: Services,
) -> None:
    streamed: list[str] = []
    answer = echoing.answers.answer(
        "how do we roll out a feature flag to users?", on_token=streamed.append
    )
    assert answer.kind == "abstained" and answer.model and answer.citations == ()
    assert answer.usage["completion_tokens"] > 0  # the model did write
    assert streamed == []
    assert_no_prompt_in(answer.text)
