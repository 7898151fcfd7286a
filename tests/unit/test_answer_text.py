"""Answers and their quotes as readers read them: the API keeps the Markdown as written and adds
a plain copy and safe HTML from one parse, citation markers kept as text, links read against the
cited article; the fields survive the job store, the SSE result and the answer cache."""

from __future__ import annotations

import json
from pathlib import Path

import redis
from fastapi.testclient import TestClient

from indexer.adapters.redis_cache import RedisAnswerCache
from indexer.adapters.sqlite_jobs import SqliteJobStore
from indexer.answering.answer_json import answer_to_dict
from indexer.jobs.job_runner import JobRunner
from indexer.jobs.job_service import JobService
from indexer.model import Answer, Citation
from search_api.app import create_app
from tests.builders import ANSWER_QUESTION, answering, worker_over, write_answer_articles
from tests.fakes import RecordingJobQueue, RecordingLLM

HOSTILE = '<img src=x onerror="alert(1)"> <script>alert(2)</script>'


def cite(number: int, url: str | None, quote: str = "Quoted.") -> Citation:
    return Citation(number, number, f"a{number}", "T", url, None, None, quote, 0, len(quote))


def as_dict(text: str, *citations: Citation) -> dict[str, object]:
    return answer_to_dict(Answer("q", text, "extractive", citations))


def test_code_and_emphasis_render_and_the_plain_copy_has_no_marks() -> None:
    text = "Set `worker_hijack_root_logger = False` so *Celery* keeps **yours** [1]."
    out = as_dict(text)

    assert out["answer"] == text
    assert out["answer_plain"] == "Set worker_hijack_root_logger = False so Celery keeps yours [1]."
    assert out["answer_html"] == (
        "Set <code>worker_hijack_root_logger = False</code> so <em>Celery</em> keeps "
        "<strong>yours</strong> [1]."
    )


def test_markup_in_an_answer_is_escaped_and_a_javascript_link_is_only_text() -> None:
    out = as_dict(f"Never [click here](javascript:alert(1)) or {HOSTILE} [1].")

    html = str(out["answer_html"])
    assert "<a" not in html and "<img" not in html and "<script" not in html
    assert html == (
        'Never click here or &lt;img src=x onerror="alert(1)"&gt; '
        "&lt;script&gt;alert(2)&lt;/script&gt; [1]."
    )
    assert out["answer_plain"] == f"Never click here or {HOSTILE} [1]."


def test_each_link_is_read_against_the_article_its_sentence_cites() -> None:
    first = cite(1, "https://blog.example/posts/acks/#late")
    second = cite(2, "https://other.example/notes/ttl")
    out = as_dict(
        "See [the retry guide](../retries/) [1]. Then [jitter](jitter.html) and "
        "[the docs](https://docs.example/x) [2][1].",
        first,
        second,
    )

    assert out["answer_html"] == (
        'See <a href="https://blog.example/posts/retries/" rel="nofollow">the retry guide</a> '
        '[1]. Then <a href="https://other.example/notes/jitter.html" rel="nofollow">jitter</a> '
        'and <a href="https://docs.example/x" rel="nofollow">the docs</a> [2][1].'
    )


def test_a_link_after_the_last_marker_belongs_to_that_citation() -> None:
    out = as_dict("Jitter [1]. More in [part two](two/).", cite(1, "https://b.example/a/"))
    assert 'href="https://b.example/a/two/"' in str(out["answer_html"])


def test_a_quote_renders_from_the_same_parse_with_links_read_against_its_article() -> None:
    quote = f"Use `acks_late=True` and *idempotent* tasks; see [retries](../retries/) {HOSTILE}."
    out = as_dict("Late [1].", cite(1, "https://blog.example/posts/acks/#late", quote))

    [citation] = out["citations"]  # type: ignore[misc]
    assert citation["quote"] == quote
    plain = f"Use acks_late=True and idempotent tasks; see retries {HOSTILE}."
    assert citation["quote_plain"] == plain
    assert citation["quote_html"] == (
        "Use <code>acks_late=True</code> and <em>idempotent</em> tasks; see "
        '<a href="https://blog.example/posts/retries/" rel="nofollow">retries</a> '
        '&lt;img src=x onerror="alert(1)"&gt; &lt;script&gt;alert(2)&lt;/script&gt;.'
    )


def test_a_marker_in_brackets_is_never_taken_for_a_link() -> None:
    out = as_dict(
        "Both say so [1][2].", cite(1, "https://a.example/"), cite(2, "https://b.example/")
    )
    assert out["answer_html"] == out["answer_plain"] == "Both say so [1][2]."


REPLY = (
    "With `acks_late=True` the worker *acknowledges* after the task finishes "
    f"(see [late acks](../celery-docs/)) [1]. {HOSTILE}"
)


def test_an_ask_job_streams_raw_tokens_then_a_result_with_rendered_fields_also_when_cached(
    tmp_path: Path, redis_url: str
) -> None:
    llm = RecordingLLM(REPLY)
    services = answering(tmp_path, write_answer_articles(tmp_path / "articles"), llm)
    jobs = JobService(SqliteJobStore(tmp_path / "jobs.sqlite"), RecordingJobQueue())
    connection = redis.Redis.from_url(redis_url)
    cache = RedisAnswerCache(connection, ttl_s=60, prefix=f"test-answer-text:{tmp_path.name}")
    runner = JobRunner(worker_over(services, jobs, cache))

    with TestClient(create_app(services, jobs=jobs)) as client:
        results = []
        for _ in range(2):
            job_id = client.post("/ask", json={"question": ANSWER_QUESTION}).json()["job_id"]
            runner.run(job_id)
            stream = client.get(f"/jobs/{job_id}/events").text
            results.append(_events(stream))
    connection.close()

    (first_tokens, fresh), (second_tokens, cached) = results
    assert "`acks_late=True`" in "".join(first_tokens)  # tokens stay as the model writes them
    assert second_tokens == [] and len(llm.calls) == 1
    assert fresh["cached"] is False and cached["cached"] is True
    assert fresh["answer"] == REPLY  # the Markdown as written, for clients that render it
    html = fresh["answer_html"]
    assert "<code>acks_late=True</code>" in html and "<em>acknowledges</em>" in html
    assert '<a href="https://blog.example/celery-docs/" rel="nofollow">late acks</a>' in html
    assert "[1]" in html and "<img" not in html and "<script" not in html
    assert "`" not in fresh["answer_plain"] and "*" not in fresh["answer_plain"]
    assert fresh["citations"][0]["quote_html"]
    for field in ("answer", "answer_plain", "answer_html", "citations"):
        assert cached[field] == fresh[field], field


def _events(stream: str) -> tuple[list[str], dict[str, object]]:
    """The token texts and the finished job's result from an SSE stream."""
    tokens: list[str] = []
    result: dict[str, object] = {}
    kind = ""
    for line in stream.splitlines():
        if line.startswith("event: "):
            kind = line[7:]
        elif line.startswith("data: ") and kind == "token":
            tokens.append(json.loads(line[6:])["text"])
        elif line.startswith("data: ") and kind == "result":
            result = json.loads(line[6:])["result"]
    return tokens, result
