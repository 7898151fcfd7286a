"""The LLM port over any OpenAI-compatible chat endpoint (OpenAI, vLLM, Ollama, llama.cpp).

Library errors stop here: each becomes one of ours (`indexer.errors`), transient or
permanent, with the cause chained. The client never retries by itself (`max_retries=0`):
whether to try again is the caller's decision (a Celery task retries `TransientError`).

The context window is the configured one, else what the server lists for the model under
`/models`: llama.cpp puts each slot's `n_ctx` in `meta`, vLLM gives `max_model_len`; OpenAI
and Ollama list none, and the window stays unknown.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import openai
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from indexer.errors import (
    FootnoteError,
    LLMBadOutput,
    LLMContextOverflow,
    LLMRejected,
    LLMTimeout,
    LLMUnavailable,
)
from indexer.ports import ChatMessage, Completion

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.openai.com/v1"
# OpenAI's own client retries these statuses: the request may succeed later.
_TRANSIENT_STATUSES = frozenset({408, 409, 429})
_CONNECT_TIMEOUT_S = 10.0
# How servers name a prompt that does not fit: llama.cpp's error type, OpenAI's error code.
_OVERFLOW_KINDS = frozenset({"exceed_context_size_error", "context_length_exceeded"})


class OpenAIChatLLM:
    """Chat completions, streamed when the caller wants tokens as they come.

    `timeout_s` bounds every wait on the network (connecting, and each read, so a stalled
    server is given up on after it); `deadline_s` (default: `timeout_s`) bounds a whole call,
    so a server that trickles tokens forever is cut off too. A call therefore ends, one way
    or the other, within about `deadline_s + timeout_s`.
    """

    def __init__(
        self,
        model: str,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout_s: float = 60.0,
        deadline_s: float | None = None,
        context_tokens: int | None = None,
    ) -> None:
        self.model = model
        self._base_url = base_url or DEFAULT_BASE_URL
        self._deadline_s = deadline_s or timeout_s
        self._window: int | None = context_tokens
        self._window_known = context_tokens is not None
        self._client = openai.OpenAI(
            # Local servers (Ollama, llama.cpp) take no key, but the client insists on one.
            api_key=api_key or "unused",
            base_url=self._base_url,
            timeout=openai.Timeout(timeout_s, connect=min(timeout_s, _CONNECT_TIMEOUT_S)),
            max_retries=0,
        )

    def context_window(self) -> int | None:
        """See `indexer.ports.LLM.context_window`."""
        if not self._window_known:
            self._window = self._listed_window()
            self._window_known = True
        return self._window

    def _listed_window(self) -> int | None:
        try:
            listed = list(self._client.models.list())
        except (openai.APIError, json.JSONDecodeError) as exc:
            log.warning("could not ask %s for the model's context window: %s", self._base_url, exc)
            return None
        windows = {entry.id: _window_of(entry.model_extra or {}) for entry in listed}
        window = windows.get(self.model)
        if window is None and len(windows) == 1:
            # llama.cpp serves one model under its file name, whatever name we send.
            window = next(iter(windows.values()))
        log.info("context window of %s at %s: %s tokens", self.model, self._base_url, window)
        return window

    def complete(
        self,
        messages: Sequence[ChatMessage],
        max_tokens: int,
        on_token: Callable[[str], None] | None = None,
    ) -> Completion:
        """See `indexer.ports.LLM.complete`."""
        payload: list[Any] = [{"role": m.role, "content": m.content} for m in messages]
        started = time.monotonic()
        try:
            if on_token is None:
                response = self._client.chat.completions.create(
                    model=self.model, messages=payload, max_tokens=max_tokens
                )
                return self._read(response)
            stream = self._client.chat.completions.create(
                model=self.model,
                messages=payload,
                max_tokens=max_tokens,
                stream=True,
                stream_options={"include_usage": True},
            )
            with stream:
                return self._read_stream(stream, on_token, started + self._deadline_s)
        except openai.APITimeoutError as exc:
            raise LLMTimeout(
                f"the language model at {self._base_url} did not answer within the timeout"
            ) from exc
        except openai.APIConnectionError as exc:
            raise LLMUnavailable(
                f"cannot reach the language model at {self._base_url}: {exc}"
            ) from exc
        except openai.APIStatusError as exc:
            raise _status_error(exc, self._base_url) from exc
        except openai.APIError as exc:
            raise LLMBadOutput(f"the language model's reply could not be read: {exc}") from exc
        except json.JSONDecodeError as exc:
            # A stream event whose data is not JSON.
            raise LLMBadOutput(f"the language model sent malformed data: {exc}") from exc

    def _read(self, response: ChatCompletion | Any) -> Completion:
        if not isinstance(response, ChatCompletion):
            raise LLMBadOutput(
                f"the language model's reply is not a chat completion "
                f"({type(response).__name__}); is {self._base_url} OpenAI-compatible?"
            )
        if not response.choices:
            raise LLMBadOutput("the language model's reply has no choices")
        message = response.choices[0].message
        text = message.content if message is not None else None
        usage = response.usage
        return _completion(
            text,
            response.model or self.model,
            usage.prompt_tokens if usage else None,
            usage.completion_tokens if usage else None,
        )

    def _read_stream(
        self,
        chunks: Iterable[ChatCompletionChunk],
        on_token: Callable[[str], None],
        deadline: float,
    ) -> Completion:
        pieces: list[str] = []
        model = self.model
        prompt_tokens = completion_tokens = None
        for chunk in chunks:
            if time.monotonic() > deadline:
                raise LLMTimeout(
                    f"the language model at {self._base_url} was still writing after "
                    f"{self._deadline_s:g} s; the answer was abandoned"
                )
            model = chunk.model or model
            if chunk.usage is not None:
                prompt_tokens = chunk.usage.prompt_tokens
                completion_tokens = chunk.usage.completion_tokens
            choice = chunk.choices[0] if chunk.choices else None
            delta = choice.delta.content if choice is not None and choice.delta else None
            if delta:
                pieces.append(delta)
                on_token(delta)
        return _completion("".join(pieces), model, prompt_tokens, completion_tokens)


def _completion(
    text: object, model: str, prompt_tokens: int | None, completion_tokens: int | None
) -> Completion:
    if text is None:
        raise LLMBadOutput("the language model returned no text")
    if not isinstance(text, str):
        raise LLMBadOutput(f"the language model returned {type(text).__name__}, not text")
    if not text.strip():
        raise LLMBadOutput("the language model returned an empty reply")
    return Completion(text, model, prompt_tokens, completion_tokens)


def _window_of(extra: dict[str, Any]) -> int | None:
    meta = extra.get("meta")
    n_ctx = meta.get("n_ctx") if isinstance(meta, dict) else None
    for value in (n_ctx, extra.get("max_model_len")):
        if isinstance(value, int) and value > 0:
            return value
    return None


def _status_error(exc: openai.APIStatusError, base_url: str) -> FootnoteError:
    status = exc.status_code
    what = f"the language model at {base_url} answered HTTP {status}: {exc.message}"
    if status == 400 and (exc.type in _OVERFLOW_KINDS or exc.code in _OVERFLOW_KINDS):
        return LLMContextOverflow(
            f"the prompt does not fit the model's context window ({what}); lower "
            "FOOTNOTE_ANSWER_TOKEN_BUDGET or FOOTNOTE_LLM_MAX_TOKENS, correct "
            "FOOTNOTE_LLM_CONTEXT_TOKENS, or give the server a larger context"
        )
    if status in _TRANSIENT_STATUSES or status >= 500:
        return LLMUnavailable(what)
    if status in (401, 403):
        return LLMRejected(f"{what} (check FOOTNOTE_LLM_API_KEY)")
    return LLMRejected(what)
