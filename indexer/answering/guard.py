"""Watching a model's reply for the abstain sentinel and for an echo of the system prompt.

Either one turns the reply into an abstention, so neither may reach the reader, not even while
streaming: the guard passes text on only once it is `holdback` characters behind the head of the
reply, and checks every new character first. An echo is any `window` consecutive characters of
the system prompt (case and runs of white space ignored); the sentinel counts anywhere.
"""

from __future__ import annotations

from typing import Literal

Trip = Literal["sentinel", "echo"]


def _normalise(text: str) -> str:
    return " ".join(text.casefold().split())


class OutputGuard:
    def __init__(self, system_prompt: str, sentinel: str, window: int = 40) -> None:
        prompt = _normalise(system_prompt)
        self._window = window
        self._shingles = {prompt[i : i + window] for i in range(len(prompt) - window + 1)}
        self._sentinel = sentinel.casefold()
        # Normalising can only shrink white space, so twice the window covers most replies.
        self._holdback = 2 * max(window, len(sentinel))
        self._raw = ""
        self._seen = ""  # normalised reply so far
        self._released = 0
        self.tripped: Trip | None = None

    def feed(self, delta: str) -> str:
        """The part of the reply now safe to show ('' while held back or once tripped)."""
        if self.tripped:
            return ""
        self._raw += delta
        self._check()
        if self.tripped:
            return ""
        safe = max(self._released, len(self._raw) - self._holdback)
        released, self._released = self._raw[self._released : safe], safe
        return released

    def finish(self) -> str:
        """Whatever was held back, unless the reply tripped the guard."""
        if self.tripped:
            return ""
        rest, self._released = self._raw[self._released :], len(self._raw)
        return rest

    def _check(self) -> None:
        start = len(self._seen)
        self._seen = _normalise(self._raw)
        if self._sentinel in self._seen[max(0, start - len(self._sentinel)) :]:
            self.tripped = "sentinel"
            return
        for end in range(max(start + 1, self._window), len(self._seen) + 1):
            if self._seen[end - self._window : end] in self._shingles:
                self.tripped = "echo"
                return
