"""A publication with labelled reader questions, laid out like the bundled `examples/`:

    articles/            the articles, in any format the indexer reads
    questions.jsonl      {"id", "question", "answerable", "relevant": [{"slug", "section"}]}
    queries/*.jsonl      further query sets of the same shape (identifiers, recency, ...)

An article is relevant to a question when its slug is listed; the section is not scored here
(retrieval is judged per article). Unanswerable questions have nothing to retrieve and are
left out.
"""

from __future__ import annotations

import json
from pathlib import Path

from eval.model import Dataset, DatasetError, Qrels, QuerySet

QUESTIONS = "questions.jsonl"
# The bundled sample publication's rows are named "sample", "sample-identifiers", ...
BUNDLED_FOLDER_NAME = "examples"
BUNDLED_SET_NAME = "sample"


def is_publication_folder(folder: Path) -> bool:
    return (folder / QUESTIONS).is_file() and (folder / "articles").is_dir()


def load_publication(folder: Path) -> Dataset:
    base = folder.resolve().name
    base = BUNDLED_SET_NAME if base == BUNDLED_FOLDER_NAME else base
    sets = [read_question_set(folder / QUESTIONS, base)]
    extra = sorted((folder / "queries").glob("*.jsonl")) if (folder / "queries").is_dir() else []
    sets.extend(read_question_set(path, f"{base}-{path.stem}") for path in extra)
    return Dataset(
        name=base,
        kind="publication",
        path=folder,
        source=folder / "articles",
        sets=tuple(s for s in sets if s.queries),
    )


def read_question_set(path: Path, name: str) -> QuerySet:
    """The answerable questions of one file, each relevant to the articles it lists."""
    queries: dict[str, str] = {}
    qrels: Qrels = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            query_id, text = str(row["id"]), str(row["question"])
            slugs = [str(item["slug"]) for item in row.get("relevant") or []]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise DatasetError(
                f"{path}:{number}: expected {{id, question, answerable, relevant: [{{slug}}]}}"
            ) from exc
        if not row.get("answerable") or not slugs:
            continue
        if query_id in queries:
            raise DatasetError(f"{path}:{number}: duplicate question id {query_id!r}")
        queries[query_id] = text
        qrels[query_id] = dict.fromkeys(slugs, 1)
    return QuerySet(name, queries, qrels)
