"""`footnote eval answers` on a small publication, with the real model: extractive (no LLM)
through the CLI as users run it, and with an OpenAI-compatible endpoint (the test server)
whose reply cites a passage it was never given."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from eval.answer_report import answer_table
from eval.answers import AS_SERVED, run_answer_eval
from indexer.bootstrap import Services, build
from indexer.config import Settings
from indexer.ports import Embedder, Tokenizer
from tests.builders import EXAMPLES, footnote
from tests.llm_server import running_llm_server

pytestmark = pytest.mark.integration

ARTICLES = ("redis-caching-patterns", "celery-retries-2022", "sqlite-in-production-2024")
ANSWERABLE = ("q001", "q003")
QUESTIONS = [
    {"id": "x1", "question": q, "answerable": False, "relevant": []}
    for q in ("How do I reshard a Redis Cluster and move hash slots between nodes?",)
]


@pytest.fixture(scope="module")
def publication(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("publication")
    (folder / "articles").mkdir()
    for slug in ARTICLES:
        shutil.copy(EXAMPLES / "articles" / f"{slug}.md", folder / "articles")
    rows = [json.loads(line) for line in (EXAMPLES / "questions.jsonl").open()]
    chosen = [row for row in rows if row["id"] in ANSWERABLE] + QUESTIONS
    (folder / "questions.jsonl").write_text("".join(json.dumps(r) + "\n" for r in chosen))
    return folder


def test_the_cli_scores_extractive_answers_and_writes_the_report(
    publication: Path, tmp_path: Path
) -> None:
    out = tmp_path / "answers.json"
    run = footnote("eval", "answers", "--dataset", str(publication), "--out", str(out))

    assert run.returncode == 0, run.stderr
    assert "| citation validity | 100.0% |" in run.stdout
    report = json.loads(out.read_text())
    metrics = report["metrics"]
    assert report["configuration"]["answerer"] == "extractive"
    assert (report["configuration"]["questions"], report["configuration"]["answerable"]) == (3, 2)
    assert metrics["citation_validity"] == 1.0 and metrics["citation_numbers"] > 0
    assert metrics["answer_rate"] == 1.0
    assert metrics["false_answer_rate"] == 0.0
    assert metrics["citation_precision"] is not None and metrics["citation_precision"] > 0.5
    assert {"p50", "p95"} <= report["latency_ms"].keys()


def test_a_reply_citing_a_passage_never_supplied_loses_that_marker_not_validity(
    publication: Path, tmp_path: Path, real_model: tuple[Embedder, Tokenizer]
) -> None:
    embedder, tokenizer = real_model

    def with_model(settings: Settings) -> Services:
        return build(settings, embedder=embedder, tokenizer=tokenizer)

    with running_llm_server() as server:
        server.reply("Start with cache-aside [1], and add jitter to expiry times [1][99].")
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, llm_base_url=server.base_url, llm_api_key="test", llm_timeout_s=10
        )
        report = run_answer_eval(publication, settings, build=with_model, keep_index=tmp_path)

    metrics = report["metrics"]
    assert report["configuration"]["answerer"] == "llm"
    assert report["configuration"]["llm_model"] == "gpt-4o-mini"
    assert report["kinds"].get("llm") == 2
    assert metrics["citation_validity"] == 1.0
    assert metrics["removed_markers"] >= 2  # [99] in each of the two answered questions
    assert metrics["false_answer_rate"] == 0.0


def test_a_held_out_question_file_is_reported_on_its_own_by_style(
    publication: Path, tmp_path: Path, real_model: tuple[Embedder, Tokenizer]
) -> None:
    embedder, tokenizer = real_model
    held_out = tmp_path / "questions-held-out.jsonl"
    rows = [
        {
            "id": "h1",
            "question": "why add jitter to cache TTLs",
            "answerable": True,
            "style": "paraphrase",
            "relevant": [{"slug": "redis-caching-patterns"}],
        },
        {
            "id": "h2",
            "question": "How do I tune the ZFS ARC cache size on FreeBSD?",
            "answerable": False,
            "style": "unanswerable",
        },
    ]
    held_out.write_text("".join(json.dumps(row) + "\n" for row in rows))

    def with_model(settings: Settings) -> Services:
        return build(settings, embedder=embedder, tokenizer=tokenizer)

    report = run_answer_eval(
        publication, Settings(_env_file=None), build=with_model, questions=[held_out]
    )

    config = report["configuration"]
    assert config["questions"] == 2 and config["question_files"] == [str(held_out.resolve())]
    assert config["decisions"] == AS_SERVED
    groups = {row["group"]: row for row in report["groups"]}
    assert groups["paraphrase"]["answered"] == 1.0
    assert groups["unanswerable"]["answered"] == 0.0
    assert "| paraphrase | 1 | 100.0% |" in answer_table(report)


def test_a_missing_question_file_is_a_clear_error(publication: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nope.jsonl"
    run = footnote("eval", "answers", "--dataset", str(publication), "--questions", str(missing))
    assert run.returncode != 0
    assert f"{missing}: no such question file" in run.stderr
    assert "Traceback" not in run.stderr
