"""An OpenAI-compatible chat server for tests, scripted per test and recording what it got.

    with running_llm_server() as llm:
        llm.reply("Use acks_late [1]. Also [7].")
        ...  # point OpenAIChatLLM at llm.base_url
        assert "acks_late" in llm.requests[-1].user

It serves `POST /v1/chat/completions` (plain JSON, or Server-Sent Events when the request says
`"stream": true`) and `GET /v1/models`, with uvicorn in a background thread on a free port of
127.0.0.1. Besides replying, it can fail with an HTTP status, stall, trickle a stream slowly,
send garbage, or echo the system prompt back.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal, cast

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from indexer.ports import ChatMessage

Garbage = Literal["invalid_json", "empty_choices", "empty_text"]
Role = Literal["system", "user", "assistant"]
MODEL = "footnote-test-model"
_ids = itertools.count(1)


@dataclass
class Behaviour:
    reply: str = "The passages answer it [1]."
    status: int | None = None
    stall_s: float = 0.0
    chunk_delay_s: float = 0.0
    garbage: Garbage | None = None
    echo_system: bool = False


@dataclass(frozen=True)
class RecordedRequest:
    body: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, str]]:
        return list(self.body.get("messages", []))

    @property
    def chat_messages(self) -> list[ChatMessage]:
        return [ChatMessage(cast(Role, m["role"]), m["content"]) for m in self.messages]

    def content(self, role: str) -> str:
        return "\n".join(m["content"] for m in self.messages if m.get("role") == role)

    @property
    def system(self) -> str:
        return self.content("system")

    @property
    def user(self) -> str:
        return self.content("user")

    @property
    def stream(self) -> bool:
        return bool(self.body.get("stream"))


@dataclass
class LLMServer:
    base_url: str
    behaviour: Behaviour = field(default_factory=Behaviour)
    requests: list[RecordedRequest] = field(default_factory=list)

    def reply(self, text: str, chunk_delay_s: float = 0.0) -> None:
        self.behaviour = Behaviour(reply=text, chunk_delay_s=chunk_delay_s)

    def fail(self, status: int) -> None:
        self.behaviour = Behaviour(status=status)

    def stall(self, seconds: float) -> None:
        self.behaviour = Behaviour(stall_s=seconds)

    def send_garbage(self, kind: Garbage) -> None:
        self.behaviour = Behaviour(garbage=kind)

    def echo_system_prompt(self) -> None:
        self.behaviour = Behaviour(echo_system=True)

    def reset(self) -> None:
        self.behaviour = Behaviour()
        self.requests.clear()


def _app(server: LLMServer) -> Starlette:
    async def models(request: Request) -> Response:
        return JSONResponse(
            {"object": "list", "data": [{"id": MODEL, "object": "model", "owned_by": "tests"}]}
        )

    async def chat(request: Request) -> Response:
        body = await request.json()
        recorded = RecordedRequest(body)
        server.requests.append(recorded)
        plan = server.behaviour
        if plan.stall_s:
            await asyncio.sleep(plan.stall_s)
        if plan.status is not None:
            return JSONResponse(
                {"error": {"message": f"scripted failure {plan.status}", "type": "test"}},
                status_code=plan.status,
            )
        model = str(body.get("model") or MODEL)
        text = recorded.system if plan.echo_system else plan.reply
        if plan.garbage == "empty_text":
            text = ""
        if recorded.stream:
            events = _events(model, text, plan, body, recorded)
            return StreamingResponse(events, media_type="text/event-stream")
        if plan.garbage == "invalid_json":
            return Response('{"id": "x", "choices": [', media_type="application/json")
        choices = [] if plan.garbage == "empty_choices" else [_choice(text)]
        return JSONResponse(_completion(model, choices, _usage(recorded, text)))

    return Starlette(
        routes=[
            Route("/v1/models", models, methods=["GET"]),
            Route("/v1/chat/completions", chat, methods=["POST"]),
        ]
    )


async def _events(
    model: str, text: str, plan: Behaviour, body: dict[str, Any], recorded: RecordedRequest
) -> AsyncIterator[str]:
    if plan.garbage == "invalid_json":
        yield "data: {this is not json\n\n"
        return
    identity = f"chatcmpl-{next(_ids)}"

    def chunk(choices: list[dict[str, Any]], **extra: Any) -> str:
        payload = {
            "id": identity,
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": model,
            "choices": choices,
            **extra,
        }
        return f"data: {json.dumps(payload)}\n\n"

    if plan.garbage != "empty_choices":
        yield chunk([{"index": 0, "delta": {"role": "assistant", "content": ""}}])
        # Small uneven pieces, so markers like "[12]" arrive split across chunks.
        for start in range(0, len(text), 3):
            if plan.chunk_delay_s:
                await asyncio.sleep(plan.chunk_delay_s)
            piece = text[start : start + 3]
            yield chunk([{"index": 0, "delta": {"content": piece}, "finish_reason": None}])
        yield chunk([{"index": 0, "delta": {}, "finish_reason": "stop"}])
    else:
        yield chunk([])
    if (body.get("stream_options") or {}).get("include_usage"):
        yield chunk([], usage=_usage(recorded, text))
    yield "data: [DONE]\n\n"


def _choice(text: str) -> dict[str, Any]:
    return {
        "index": 0,
        "message": {"role": "assistant", "content": text},
        "finish_reason": "stop",
    }


def _completion(model: str, choices: list[dict[str, Any]], usage: dict[str, int]) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{next(_ids)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": choices,
        "usage": usage,
    }


def _usage(recorded: RecordedRequest, text: str) -> dict[str, int]:
    # Word counts: the server only needs to report something plausible and checkable.
    prompt = sum(len(m.get("content", "").split()) for m in recorded.messages)
    completion = len(text.split())
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


@contextmanager
def running_llm_server() -> Iterator[LLMServer]:
    """Serve until the block exits; yields the server to script and inspect."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = LLMServer(f"http://127.0.0.1:{port}/v1")
    config = uvicorn.Config(
        _app(server), log_level="warning", lifespan="off", timeout_graceful_shutdown=1
    )
    runner = uvicorn.Server(config)
    thread = threading.Thread(target=runner.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not runner.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test LLM server did not start")
        time.sleep(0.01)
    try:
        yield server
    finally:
        runner.should_exit = True
        thread.join(timeout=10)
        sock.close()
