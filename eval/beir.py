"""BEIR folders: `corpus.jsonl`, `queries.jsonl` and `qrels/<split>.tsv`.

The corpus is rewritten as a JSON Lines file in Footnote's own export format, so it is indexed
by the same loader, chunker and Unit of Work as any publication.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from eval.model import Dataset, DatasetError, Qrels, QuerySet

CORPUS = "corpus.jsonl"
QUERIES = "queries.jsonl"


def is_beir_folder(folder: Path) -> bool:
    return (folder / CORPUS).is_file() and (folder / "qrels").is_dir()


def load_beir(folder: Path, workdir: Path, split: str = "test") -> Dataset:
    """The BEIR folder as a Dataset whose source is a JSONL file written into `workdir`.

    Only judged queries count; a judged query missing from queries.jsonl is an error.
    """
    qrels = read_qrels(folder / "qrels" / f"{split}.tsv")
    texts = read_queries(folder / QUERIES)
    missing = sorted(set(qrels) - set(texts))
    if missing:
        raise DatasetError(
            f"{folder / QUERIES}: {len(missing)} judged queries are missing, e.g. {missing[0]!r}"
        )
    name = folder.resolve().name + ("" if split == "test" else f"-{split}")
    queries = {qid: texts[qid] for qid in qrels}
    workdir.mkdir(parents=True, exist_ok=True)
    source = workdir / CORPUS
    write_corpus_jsonl(folder / CORPUS, source)
    return Dataset(
        name=name,
        kind="beir",
        path=folder,
        source=source,
        sets=(QuerySet(name, queries, qrels),),
        ignore_identical_ids=True,
        split=split,
    )


def read_qrels(path: Path) -> Qrels:
    """`query-id<TAB>corpus-id<TAB>score` lines (a header line is skipped); scores of 0 or
    below are judgements of non-relevance and are left out, as BEIR's evaluation does."""
    if not path.is_file():
        raise DatasetError(f"{path}: no such qrels file")
    qrels: Qrels = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        fields = line.strip().split("\t")
        if not line.strip() or (number == 1 and not _is_int(fields[-1])):
            continue
        if len(fields) != 3 or not _is_int(fields[2]):
            raise DatasetError(f"{path}:{number}: expected query-id, corpus-id, integer score")
        query_id, doc_id, score = fields[0], fields[1], int(fields[2])
        if score > 0:
            qrels.setdefault(query_id, {})[doc_id] = score
    if not qrels:
        raise DatasetError(f"{path}: no relevance judgements")
    return qrels


def read_queries(path: Path) -> dict[str, str]:
    return {str(row["_id"]): str(row.get("text") or "") for row in _rows(path)}


def write_corpus_jsonl(corpus: Path, target: Path) -> int:
    """Write every corpus row as a Footnote JSONL article; returns how many were written."""
    count = 0
    with target.open("w", encoding="utf-8") as out:
        for row in _rows(corpus):
            out.write(json.dumps(article_record(row), ensure_ascii=False) + "\n")
            count += 1
    return count


def article_record(row: dict[str, Any]) -> dict[str, str]:
    """A BEIR corpus row as Footnote's JSONL fields.

    Footnote needs a title; BEIR corpora without one (FiQA, Quora) get the document id, a
    single token that barely moves either ranking, rather than words copied from the text.
    The body is declared Markdown so an abstract opening with `<p>` is never converted.
    """
    doc_id = str(row["_id"])
    title = str(row.get("title") or "").strip()
    return {
        "id": doc_id,
        "title": title or doc_id,
        "body": str(row.get("text") or ""),
        "format": "markdown",
    }


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    if not path.is_file():
        raise DatasetError(f"{path}: no such file")
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{path}:{number}: invalid JSON: {exc.msg}") from exc
            if not isinstance(row, dict) or "_id" not in row:
                raise DatasetError(f"{path}:{number}: expected an object with an '_id'")
            yield row


def _is_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True
