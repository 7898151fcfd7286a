"""Answer evaluation: ask every labelled question of a publication and score the answers.

For each question of `questions.jsonl` (answerable or not) the configured answerer runs as a
reader's /ask would: extractive without a language model, the configured OpenAI-compatible
model otherwise. Measured:

- citation validity: of the citation numbers in the answer texts, the share that resolve to
  a citation of a passage the answerer was given (anything under 100% is a bug);
- citation precision: of the citations of answered answerable questions, the share that
  point into an article labelled relevant to the question;
- answer rate (answerable questions answered), false-answer rate (unanswerable questions
  answered anyway) and latency percentiles.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eval.datasets import open_dataset, recorded_path
from eval.metrics import latency_percentiles
from eval.model import DatasetError
from eval.report import git_state
from eval.retrieval import eval_settings, index_dataset, query_threads_as_served
from eval.sample_sets import QUESTIONS
from indexer.answering import citations as citation_markers
from indexer.bootstrap import Services
from indexer.config import Settings
from indexer.model import Answer
from indexer.ports import NoProgress, Progress

ROOT = Path(__file__).resolve().parent.parent

Build = Callable[[Settings], Services]


@dataclass(frozen=True)
class LabelledQuestion:
    id: str
    question: str
    answerable: bool
    relevant: frozenset[str]


@dataclass(frozen=True)
class Outcome:
    question: LabelledQuestion
    answer: Answer
    latency_ms: float

    @property
    def cited_numbers(self) -> tuple[int, ...]:
        return citation_markers.cited_numbers(self.answer.text)

    @property
    def valid_numbers(self) -> int:
        supplied = {hit.chunk_id for hit in self.answer.sources}
        citations = self.answer.citations
        return sum(
            1
            for n in self.cited_numbers
            if 1 <= n <= len(citations) and citations[n - 1].chunk_id in supplied
        )

    @property
    def relevant_citations(self) -> int:
        return sum(1 for c in self.answer.citations if c.article_id in self.question.relevant)


def read_labelled_questions(path: Path) -> list[LabelledQuestion]:
    """Every question of `path`, answerable or not. Raises DatasetError naming the line."""
    rows: list[LabelledQuestion] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            question = LabelledQuestion(
                id=str(row["id"]),
                question=str(row["question"]),
                answerable=bool(row["answerable"]),
                relevant=frozenset(str(item["slug"]) for item in row.get("relevant") or []),
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise DatasetError(
                f"{path}:{number}: expected {{id, question, answerable, relevant: [{{slug}}]}}"
            ) from exc
        if question.answerable and not question.relevant:
            raise DatasetError(f"{path}:{number}: an answerable question needs relevant slugs")
        rows.append(question)
    if not rows:
        raise DatasetError(f"{path}: no questions")
    return rows


def run_answer_eval(
    folder: Path,
    settings: Settings,
    *,
    build: Build,
    keep_index: Path | None = None,
    limit: int | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Index the publication in `folder` (a throwaway directory unless `keep_index`), answer
    its questions (the first `limit` of each kind when given) and return the report."""
    progress = progress or NoProgress()
    questions = read_labelled_questions(folder / QUESTIONS)
    if limit is not None:
        questions = _first_of_each_kind(questions, limit)
    started = time.perf_counter()
    with ExitStack() as stack:
        data_dir = keep_index or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        dataset = open_dataset(folder, data_dir / "eval-source", "test")
        longest = max(len(q.question) for q in questions)
        services = build(eval_settings(settings, data_dir, longest))
        index_dataset(services, dataset, progress)
        indexing_s = time.perf_counter() - started
        if settings.torch_threads is None:
            query_threads_as_served()
        outcomes = ask_all(services, questions, progress)
        return answer_report(
            outcomes,
            services,
            folder,
            {"load_and_index": indexing_s, "answering": time.perf_counter() - started - indexing_s},
        )


def ask_all(
    services: Services, questions: list[LabelledQuestion], progress: Progress
) -> list[Outcome]:
    services.answers.answer("warm up the answer path")
    outcomes: list[Outcome] = []
    progress.start("answering", len(questions))
    for question in questions:
        began = time.perf_counter()
        answer = services.answers.answer(question.question)
        outcomes.append(Outcome(question, answer, (time.perf_counter() - began) * 1000))
        progress.advance(1)
    return outcomes


def answer_metrics(outcomes: list[Outcome]) -> dict[str, float | int | None]:
    answerable = [o for o in outcomes if o.question.answerable]
    unanswerable = [o for o in outcomes if not o.question.answerable]
    answered = [o for o in answerable if not o.answer.abstained]
    numbers = sum(len(o.cited_numbers) for o in outcomes)
    citations = sum(len(o.answer.citations) for o in answered)
    return {
        "citation_validity": _share(sum(o.valid_numbers for o in outcomes), numbers),
        "citation_precision": _share(sum(o.relevant_citations for o in answered), citations),
        "answer_rate": _share(len(answered), len(answerable)),
        "false_answer_rate": _share(
            sum(1 for o in unanswerable if not o.answer.abstained), len(unanswerable)
        ),
        "answered_with_relevant_citation": _share(
            sum(1 for o in answered if o.relevant_citations), len(answered)
        ),
        "citation_numbers": numbers,
        "removed_markers": sum(len(o.answer.removed_markers) for o in outcomes),
    }


def answer_report(
    outcomes: list[Outcome], services: Services, folder: Path, seconds: dict[str, float]
) -> dict[str, Any]:
    settings = services.settings
    commit, dirty = git_state(ROOT)
    kinds: dict[str, int] = {}
    for outcome in outcomes:
        kinds[outcome.answer.kind] = kinds.get(outcome.answer.kind, 0) + 1
    return {
        "configuration": {
            "dataset": recorded_path(folder),
            "questions": len(outcomes),
            "answerable": sum(1 for o in outcomes if o.question.answerable),
            "answerer": "llm" if services.answers.model else "extractive",
            "llm_model": services.answers.model,
            "answer_passages": settings.answer_passages,
            "abstain_below": services.answers.abstain_below,
            "model": settings.model,
            "git_commit": commit,
            "git_dirty": dirty,
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "seconds": {name: round(value, 2) for name, value in seconds.items()},
        },
        "metrics": answer_metrics(outcomes),
        "kinds": kinds,
        "latency_ms": latency_percentiles([o.latency_ms for o in outcomes]),
        "questions": [
            {
                "id": o.question.id,
                "answerable": o.question.answerable,
                "kind": o.answer.kind,
                "confidence": round(o.answer.confidence, 4),
                "cited": sorted({c.article_id for c in o.answer.citations}),
                "relevant": sorted(o.question.relevant),
                "latency_ms": round(o.latency_ms, 1),
            }
            for o in outcomes
        ],
    }


def answer_table(report: dict[str, Any]) -> str:
    config, metrics, latency = report["configuration"], report["metrics"], report["latency_ms"]
    answerer = config["llm_model"] or "extractive (no LLM)"
    rows = [
        ("citation validity", _percent(metrics["citation_validity"])),
        ("citation precision", _percent(metrics["citation_precision"])),
        ("answer rate (answerable)", _percent(metrics["answer_rate"])),
        ("false-answer rate (unanswerable)", _percent(metrics["false_answer_rate"])),
        ("answered with a relevant citation", _percent(metrics["answered_with_relevant_citation"])),
        ("latency p50 / p95 ms", f"{latency['p50']:.0f} / {latency['p95']:.0f}"),
    ]
    lines = [
        f"Answers on `{config['dataset']}`: {config['questions']} questions "
        f"({config['answerable']} answerable); answerer {answerer}, abstain below "
        f"{config['abstain_below']:.3f}.",
        "",
        "| measure | value |",
        "| --- | --- |",
        *(f"| {name} | {value} |" for name, value in rows),
    ]
    return "\n".join(lines)


def check_answer_folder(folder: Path) -> Path:
    if not (folder / QUESTIONS).is_file():
        raise DatasetError(f"{folder}: no {QUESTIONS} (labelled questions) in this folder")
    return folder


def _first_of_each_kind(questions: list[LabelledQuestion], limit: int) -> list[LabelledQuestion]:
    answerable = [q for q in questions if q.answerable][:limit]
    unanswerable = [q for q in questions if not q.answerable][:limit]
    return answerable + unanswerable


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"
