"""Readers of the search page: mostly searches, now and then a question answered as a job.

Run by `python -m loadtest`, which passes the knobs below as LOADTEST_* variables. Locust
loads this file in its own process (gevent must not patch the runner's), so it imports
nothing from Footnote.
"""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import gevent
from locust import HttpUser, between, events, task
from locust.env import Environment

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS_FILE = Path(os.environ.get("LOADTEST_QUESTIONS", ROOT / "examples" / "questions.jsonl"))
SEARCH_WEIGHT = int(os.environ.get("LOADTEST_SEARCH_WEIGHT", "9"))
ASK_WEIGHT = int(os.environ.get("LOADTEST_ASK_WEIGHT", "1"))
WAIT_MIN_S = float(os.environ.get("LOADTEST_WAIT_MIN_S", "0.5"))
WAIT_MAX_S = float(os.environ.get("LOADTEST_WAIT_MAX_S", "2.0"))
ANSWER_TIMEOUT_S = float(os.environ.get("LOADTEST_ANSWER_TIMEOUT_S", "60"))
POLL_S = float(os.environ.get("LOADTEST_POLL_S", "0.5"))
MAX_REQUESTS = int(os.environ.get("LOADTEST_MAX_REQUESTS", "200000"))
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# Readers mostly keep the default mode; a few pick one, page on or narrow the result count.
MODES = ["hybrid"] * 8 + ["bm25", "dense"]
TERMINAL = {"succeeded", "failed", "cancelled", "expired"}


def _questions() -> list[str]:
    lines = QUESTIONS_FILE.read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()]
    if not questions:
        raise SystemExit(f"loadtest: no questions in {QUESTIONS_FILE}")
    return questions


QUESTIONS = _questions()
_sent = 0


def _loopback_only(environment: Environment, **_: Any) -> None:
    # A load generator pointed at someone else's server is an attack: refuse anything remote.
    host = urlsplit(environment.host or "").hostname
    if host not in LOOPBACK:
        raise SystemExit(f"loadtest: refusing to load {environment.host!r}: loopback only")

    def bounded(**__: Any) -> None:
        global _sent
        _sent += 1
        if _sent == MAX_REQUESTS and environment.runner is not None:
            # Spawned: quitting from inside a user's greenlet would kill that greenlet first.
            gevent.spawn(environment.runner.quit)

    environment.events.request.add_listener(bounded)  # type: ignore[no-untyped-call]


events.init.add_listener(_loopback_only)  # type: ignore[no-untyped-call]


class Reader(HttpUser):
    wait_time = between(WAIT_MIN_S, WAIT_MAX_S)

    @task(SEARCH_WEIGHT)
    def search(self) -> None:
        params: dict[str, str | int] = {
            "q": random.choice(QUESTIONS),
            "mode": random.choice(MODES),
            "k": random.choice([10, 10, 10, 5, 20]),
        }
        if random.random() < 0.1:
            params["page"] = 2
        with self.client.get("/search", params=params, name="/search", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}: {r.text[:200]}")
            elif not isinstance(r.json().get("results"), list):
                r.failure("no results list in the response")

    @task(ASK_WEIGHT)
    def ask(self) -> None:
        """Ask, then poll the job like the page does, until the answer is there."""
        started = time.perf_counter()
        question = random.choice(QUESTIONS)
        with self.client.post(
            "/ask", json={"question": question}, name="/ask", catch_response=True
        ) as r:
            if r.status_code != 202:
                r.failure(f"HTTP {r.status_code}: {r.text[:200]}")
                return
            status_url = r.json()["status_url"]
        error = self._follow(status_url)
        self.environment.events.request.fire(
            request_type="ANSWER",
            name="answer ready",
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=error,
            context={},
        )

    def _follow(self, status_url: str) -> Exception | None:
        deadline = time.monotonic() + ANSWER_TIMEOUT_S
        while time.monotonic() < deadline:
            gevent.sleep(POLL_S)
            with self.client.get(status_url, name="/jobs/[id]", catch_response=True) as r:
                if r.status_code != 200:
                    r.failure(f"HTTP {r.status_code}: {r.text[:200]}")
                    return RuntimeError(f"job status HTTP {r.status_code}")
                job = r.json()
            if job["state"] in TERMINAL:
                if job["state"] != "succeeded":
                    return RuntimeError(f"job {job['state']}: {job.get('error')}")
                return None
        return TimeoutError(f"no answer within {ANSWER_TIMEOUT_S:.0f} s")
