"""The answer evaluation's report: overall measures, one row per question style (near misses
on their own), every question, and the Markdown table `footnote eval answers` prints."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eval.datasets import recorded_path
from eval.metrics import latency_percentiles
from eval.report import git_state

if TYPE_CHECKING:
    from eval.answers import Outcome
    from indexer.bootstrap import Services

ROOT = Path(__file__).resolve().parent.parent


def answer_metrics(outcomes: Sequence[Outcome]) -> dict[str, float | int | None]:
    answerable = [o for o in outcomes if o.question.answerable]
    unanswerable = [o for o in outcomes if not o.question.answerable]
    answered = [o for o in answerable if not o.answer.abstained]
    numbers = sum(len(o.cited_numbers) for o in outcomes)
    return {
        "citation_validity": _share(sum(o.valid_numbers for o in outcomes), numbers),
        "citation_precision": _precision(answered),
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


def group_metrics(outcomes: Sequence[Outcome]) -> list[dict[str, Any]]:
    """Per question style (or answerable / unanswerable where unlabelled): how many, the share
    answered and, for answerable ones, the citation precision of the answered."""
    groups: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        groups.setdefault(outcome.question.group, []).append(outcome)
    rows = []
    for name, members in sorted(
        groups.items(), key=lambda g: (not g[1][0].question.answerable, g[0])
    ):
        answered = [o for o in members if not o.answer.abstained]
        rows.append(
            {
                "group": name,
                "answerable": members[0].question.answerable,
                "questions": len(members),
                "answered": _share(len(answered), len(members)),
                "citation_precision": _precision(answered)
                if members[0].question.answerable
                else None,
            }
        )
    return rows


def answer_report(
    outcomes: Sequence[Outcome],
    services: Services,
    folder: Path,
    seconds: dict[str, float],
    how: dict[str, Any],
) -> dict[str, Any]:
    settings = services.settings
    commit, dirty = git_state(ROOT)
    kinds: dict[str, int] = {}
    for outcome in outcomes:
        kinds[outcome.answer.kind] = kinds.get(outcome.answer.kind, 0) + 1
    return {
        "configuration": {
            "dataset": recorded_path(folder),
            **how,
            "questions": len(outcomes),
            "answerable": sum(1 for o in outcomes if o.question.answerable),
            "answerer": "llm" if services.answers.model else "extractive",
            "llm_model": services.answers.model,
            "answer_passages": settings.answer_passages,
            "abstain_below": services.answers.abstain_below,
            "answerability_fitted": services.answers.answerability.fitted,
            "model": settings.model,
            "git_commit": commit,
            "git_dirty": dirty,
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "seconds": {name: round(value, 2) for name, value in seconds.items()},
        },
        "metrics": answer_metrics(outcomes),
        "groups": group_metrics(outcomes),
        "kinds": kinds,
        "latency_ms": latency_percentiles([o.latency_ms for o in outcomes]),
        "questions": [
            {
                "id": o.question.id,
                "answerable": o.question.answerable,
                "style": o.question.style,
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
        f"Answers on `{config['dataset']}` ({', '.join(config.get('question_files', []))}): "
        f"{config['questions']} questions ({config['answerable']} answerable); answerer "
        f"{answerer}; decisions: {config.get('decisions', 'fitted model')}.",
        "",
        "| measure | value |",
        "| --- | --- |",
        *(f"| {name} | {value} |" for name, value in rows),
        "",
        "| questions | count | answered | citation precision |",
        "| --- | --- | --- | --- |",
        *(
            f"| {_label(g)} | {g['questions']} | {_percent(g['answered'])} | "
            f"{_percent(g['citation_precision'])} |"
            for g in report.get("groups", [])
        ),
    ]
    return "\n".join(lines)


def _label(group: dict[str, Any]) -> str:
    name = str(group["group"]).replace("_", " ")
    return name if group["answerable"] or "unanswerable" in name else f"{name} (unanswerable)"


def _precision(answered: Sequence[Outcome]) -> float | None:
    citations = sum(len(o.answer.citations) for o in answered)
    return _share(sum(o.relevant_citations for o in answered), citations)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"
