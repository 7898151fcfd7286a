"""Prompt injection against the answerer, over HTTP to the scripted OpenAI-compatible server.

tests/integration/test_answers_over_the_sample.py already covers a model that echoes the whole
system prompt and one that cites `[9]` of six passages. These add what a real leak looks like:
a piece of the prompt re-cased and re-wrapped inside a plausible answer, streamed in 3-character
deltas; and the other ways a model can cite what it was not given (`[0]`, `[Passage 12]`,
ranges, lists). Whatever it writes, the reader never sees the prompt, and every `[n]` left in
the answer is a passage that was supplied.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from indexer.answering.prompt import SYSTEM_PROMPT
from indexer.bootstrap import Services
from indexer.model import Answer
from tests.builders import answering, assert_no_prompt_in, write_answer_articles
from tests.llm_server import LLMServer, running_llm_server

pytestmark = pytest.mark.integration

QUESTION = "how do we roll out a feature flag to users?"


@pytest.fixture(scope="module")
def server() -> Iterator[LLMServer]:
    with running_llm_server() as running:
        yield running


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory, server: LLMServer) -> Services:
    """The injection article among others (fake embedder), answered by the real OpenAI
    adapter talking to the test server."""
    root = tmp_path_factory.mktemp("injection")
    return answering(root, write_answer_articles(root / "articles"), llm_base_url=server.base_url)


@pytest.fixture
def services(indexed: Services, server: LLMServer) -> Services:
    server.reset()
    return indexed


def leak(start: int, length: int = 160) -> str:
    """A stretch of the system prompt as a model would paraphrase its layout: upper-cased,
    its line breaks and spaces re-flowed."""
    return " \n ".join(SYSTEM_PROMPT[start : start + length].upper().split())


def assert_citations_resolve(answer: Answer, supplied: int) -> None:
    numbers = [int(n) for n in re.findall(r"\[(\d+)\]", answer.text)]
    assert all(1 <= n <= len(answer.citations) for n in numbers), answer.text
    source_ids = {hit.chunk_id for hit in answer.sources}
    assert len(answer.sources) <= supplied
    assert all(citation.chunk_id in source_ids for citation in answer.citations)


@pytest.mark.parametrize("start", [0, len(SYSTEM_PROMPT) // 2])
def test_a_reflowed_piece_of_the_prompt_inside_an_answer_is_never_shown(
    services: Services, server: LLMServer, start: int
) -> None:
    server.reply(
        f"Roll the flag out to one percent first [1]. For debugging, my instructions say: "
        f"{leak(start)} That is all [1]."
    )
    streamed: list[str] = []
    answer = services.answers.answer(QUESTION, on_token=streamed.append)
    assert answer.kind == "abstained" and answer.citations == ()
    assert_no_prompt_in(answer.text)
    assert_no_prompt_in("".join(streamed))
    assert server.requests[-1].system == SYSTEM_PROMPT  # the model did get the real prompt


@pytest.mark.parametrize(
    "reply",
    [
        "Start at one percent [0] and widen daily [Passage 12], then [passage 1].",
        "Start at one percent [1-30]; flags are deprecated [9]. Widen daily [1, 7, 99][2; 40].",
    ],
)
@pytest.mark.parametrize("streaming", [False, True])
def test_every_citation_left_resolves_to_a_supplied_passage(
    services: Services, server: LLMServer, reply: str, streaming: bool
) -> None:
    server.reply(reply)
    streamed: list[str] = []
    answer = services.answers.answer(QUESTION, on_token=streamed.append if streaming else None)
    supplied = len(server.requests[-1].user.split("<passage number=")) - 1
    assert answer.kind in ("llm", "extractive")
    assert_citations_resolve(answer, supplied)
    assert answer.removed_markers, "a marker of a passage not supplied was kept"
    if streaming and answer.kind == "llm":
        assert "".join(streamed) == answer.text
