"""Answer evaluation: ask every labelled question of a publication and score the answers.

Each question (answerable or not) is retrieved and answered as a reader's /ask would be:
extractive without a language model, the configured OpenAI-compatible model otherwise.
Whether to answer at all is the answerability model's decision; on the questions the model
was fitted on (`AnswerabilityModel.fitted_on`) that decision is cross-validated, each question
decided by a model fitted without it, since the fitted model's own figures there would flatter
it. A held-out set (`questions=[...]`, e.g. `examples/questions-blind.jsonl`) is decided by the
fitted model as served. Measured (`eval.answer_report`): citation validity and precision,
answer and false-answer rates overall and per question style (near misses on their own row),
and latency.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from eval.answer_report import answer_report
from eval.answerability_fit import FOLDS, cross_validated_answers, signal_matrix
from eval.datasets import open_dataset, recorded_path
from eval.labelled_questions import LabelledQuestion, development_files, read_labelled_questions
from eval.model import DatasetError
from eval.retrieval import eval_settings, index_dataset, query_threads_as_served
from eval.sample_sets import QUESTIONS
from indexer.answering import citations as citation_markers
from indexer.answering.answer_service import Retrieved
from indexer.bootstrap import Services
from indexer.config import Settings
from indexer.model import Answer
from indexer.ports import NoProgress, Progress

Build = Callable[[Settings], Services]
CROSS_VALIDATED = "cross-validated (fitted on these questions)"
AS_SERVED = "fitted model, as served"


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


def run_answer_eval(
    folder: Path,
    settings: Settings,
    *,
    build: Build,
    keep_index: Path | None = None,
    limit: int | None = None,
    progress: Progress | None = None,
    questions: Sequence[Path] | None = None,
) -> dict[str, Any]:
    """Index the publication in `folder` (a throwaway directory unless `keep_index`), answer
    its development questions, or those of the `questions` files, (the first `limit` of each
    kind when given) and return the report."""
    progress = progress or NoProgress()
    files = list(questions) if questions else development_files(folder)
    asked = [q for path in files for q in read_labelled_questions(path)]
    if limit is not None:
        asked = _first_of_each_kind(asked, limit)
    started = time.perf_counter()
    with ExitStack() as stack:
        data_dir = keep_index or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        dataset = open_dataset(folder, data_dir / "eval-source", "test")
        longest = max(len(q.question) for q in asked)
        services = build(eval_settings(settings, data_dir, longest))
        index_dataset(services, dataset, progress)
        indexing_s = time.perf_counter() - started
        if settings.torch_threads is None:
            query_threads_as_served()
        fitted_here = _fitted_on(services, files)
        outcomes, decisions = ask_all(services, asked, progress, cross_validate=fitted_here)
        return answer_report(
            outcomes,
            services,
            folder,
            {"load_and_index": indexing_s, "answering": time.perf_counter() - started - indexing_s},
            {"question_files": [recorded_path(p) for p in files], "decisions": decisions},
        )


def ask_all(
    services: Services,
    questions: list[LabelledQuestion],
    progress: Progress,
    cross_validate: bool = False,
) -> tuple[list[Outcome], str]:
    """Every question answered, and how the answer-or-abstain decisions were made."""
    services.answers.answer("warm up the answer path")
    progress.start("answering", len(questions) * 2)
    found: list[tuple[Retrieved, float]] = []
    for question in questions:
        began = time.perf_counter()
        found.append((services.answers.retrieve(question.question), time.perf_counter() - began))
        progress.advance(1)
    labels = np.array([q.answerable for q in questions])
    decisions = AS_SERVED
    answerable = [retrieved.answerable for retrieved, _ in found]
    if cross_validate and min(int(labels.sum()), int((~labels).sum())) >= FOLDS:
        signals = signal_matrix([retrieved.evidence for retrieved, _ in found])
        answerable = [bool(a) for a in cross_validated_answers(signals, labels)[0]]
        decisions = CROSS_VALIDATED
    outcomes: list[Outcome] = []
    for question, (retrieved, seconds), decided in zip(questions, found, answerable, strict=True):
        began = time.perf_counter()
        decision = replace(retrieved, answerable=decided and bool(retrieved.passages))
        answer = services.answers.respond(question.question, decision)
        seconds += time.perf_counter() - began
        outcomes.append(Outcome(question, answer, seconds * 1000))
        progress.advance(1)
    return outcomes, decisions


def check_answer_folder(folder: Path) -> Path:
    if not (folder / QUESTIONS).is_file():
        raise DatasetError(f"{folder}: no {QUESTIONS} (labelled questions) in this folder")
    return folder


def _fitted_on(services: Services, files: Sequence[Path]) -> bool:
    fitted = set(services.answers.answerability.fitted_on)
    return any(recorded_path(path) in fitted for path in files)


def _first_of_each_kind(questions: list[LabelledQuestion], limit: int) -> list[LabelledQuestion]:
    answerable = [q for q in questions if q.answerable][:limit]
    unanswerable = [q for q in questions if not q.answerable][:limit]
    return answerable + unanswerable
