"""Publish to searchable: an editor's upsert through the API and a worker, until a reader's
search finds it.

Each edit adds a word no article contains; the clock runs from just before
`PUT /admin/articles/{id}` until `/search` (BM25, where a new word is found or not, with no
near misses) ranks the edited article first for that word.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence

import httpx

from eval.bench.corpus import Passage
from eval.bench.stack import Stack

POLL_S = 0.05
TIMEOUT_S = 300.0


def publish_to_searchable(stack: Stack, passage: Passage) -> float:
    """Seconds from the upsert request to the first search that finds the edit."""
    word = "zq" + secrets.token_hex(5).translate(str.maketrans("0123456789", "ghijklmnop"))
    article = {
        "title": passage.title,
        "body": f"{passage.body}\n\nEdited: {word}.",
        "format": "markdown",
    }
    headers = {"Authorization": f"Bearer {stack.token}"}
    with httpx.Client(base_url=stack.url, timeout=60) as client:
        started = time.perf_counter()
        response = client.put(f"/admin/articles/{passage.doc_id}", json=article, headers=headers)
        if response.status_code != 202:
            raise RuntimeError(f"upsert refused: {response.status_code} {response.text[:300]}")
        while time.perf_counter() - started < TIMEOUT_S:
            page = client.get("/search", params={"q": word, "mode": "bm25", "k": 1})
            results = page.json().get("results", []) if page.status_code == 200 else []
            if results and results[0]["article_id"] == passage.doc_id:
                return time.perf_counter() - started
            time.sleep(POLL_S)
    raise RuntimeError(
        f"the edit of {passage.doc_id} was not searchable after {TIMEOUT_S:.0f} s:\n"
        + stack.log_tail()
    )


def edit_rounds(stack: Stack, passages: Sequence[Passage], edits: int) -> list[float]:
    """One untimed edit (the worker loads the model and index on its first job), then `edits`
    timed ones on different articles."""
    publish_to_searchable(stack, passages[0])
    return [publish_to_searchable(stack, passages[(i + 1) % len(passages)]) for i in range(edits)]
