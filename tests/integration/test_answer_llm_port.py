"""The LLM port's contract, run against the fake and the real adapter alike, so the fake
used by the unit tests cannot drift from what `OpenAIChatLLM` does over HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from indexer.adapters.openai_llm import OpenAIChatLLM
from indexer.ports import LLM, ChatMessage
from tests.fakes import RecordingLLM
from tests.llm_server import LLMServer, running_llm_server

REPLY = "Add jitter to every TTL [1]; see also [2]."
MESSAGES = [ChatMessage("system", "Answer from the passages."), ChatMessage("user", "Why jitter?")]

Factory = Callable[[str], LLM]


@pytest.fixture(scope="module")
def server() -> Iterator[LLMServer]:
    with running_llm_server() as running:
        yield running


@pytest.fixture(params=["fake", "openai"])
def make_llm(request: pytest.FixtureRequest, server: LLMServer) -> Factory:
    server.reset()
    if request.param == "fake":
        return lambda reply: RecordingLLM(reply, model="gpt-4o-mini")

    def real(reply: str) -> LLM:
        server.reply(reply)
        return OpenAIChatLLM("gpt-4o-mini", base_url=server.base_url, timeout_s=5)

    return real


def test_a_plain_completion_returns_the_whole_reply(make_llm: Factory) -> None:
    completion = make_llm(REPLY).complete(MESSAGES, max_tokens=50)
    assert completion.text == REPLY
    assert completion.model == "gpt-4o-mini"
    for count in (completion.prompt_tokens, completion.completion_tokens):
        assert count is None or count > 0


def test_a_streamed_completion_passes_deltas_that_add_up_to_the_reply(
    make_llm: Factory,
) -> None:
    deltas: list[str] = []
    completion = make_llm(REPLY).complete(MESSAGES, max_tokens=50, on_token=deltas.append)
    assert len(deltas) > 1
    assert "".join(deltas) == completion.text == REPLY


def test_an_exception_from_on_token_stops_the_stream_and_reaches_the_caller(
    make_llm: Factory,
) -> None:
    class Cancelled(Exception):
        pass

    def cancel(_: str) -> None:
        raise Cancelled

    with pytest.raises(Cancelled):
        make_llm(REPLY).complete(MESSAGES, max_tokens=50, on_token=cancel)
