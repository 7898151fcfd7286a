"""The sample's labelled question files are data the answer figures stand on: every row must
name a known style, and every answerable question must point at an article and a section that
exist, so a typo in a label cannot quietly turn a right answer into a wrong one."""

from __future__ import annotations

import json
from pathlib import Path

import frontmatter
import pytest

from indexer.text.markdown_blocks import section_headings
from tests.builders import EXAMPLES

STYLES = {
    "paraphrase",
    "keywords",
    "typo",
    "identifier",
    "buried_detail",
    "near_miss",
    "unanswerable",
}
FILES = sorted(EXAMPLES.glob("questions*.jsonl"))


def headings_by_slug() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (EXAMPLES / "articles").glob("*.md"):
        post = frontmatter.load(path)
        found[str(post.get("slug") or path.stem)] = set(section_headings(post.content)) | {""}
    return found


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_labelled_question_names_a_real_article_section_and_a_known_style(
    path: Path,
) -> None:
    headings = headings_by_slug()
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)), "ids repeat"
    problems = []
    for row in rows:
        style = row.get("style")
        if style is not None and style not in STYLES:
            problems.append(f"{row['id']}: unknown style {style!r}")
        if row["answerable"] != bool(row["relevant"]):
            problems.append(
                f"{row['id']}: answerable={row['answerable']} but relevant={row['relevant']}"
            )
        if style is not None and (style in {"near_miss", "unanswerable"}) == row["answerable"]:
            problems.append(f"{row['id']}: style {style} but answerable={row['answerable']}")
        for item in row["relevant"]:
            if item["slug"] not in headings:
                problems.append(f"{row['id']}: no article {item['slug']!r}")
            elif item.get("section") is not None and item["section"] not in headings[item["slug"]]:
                problems.append(f"{row['id']}: {item['slug']} has no section {item['section']!r}")
    assert not problems, "\n".join(problems)


def test_the_sample_has_development_and_test_question_files() -> None:
    names = {p.name for p in FILES}
    assert {"questions.jsonl", "questions-blind.jsonl", "questions-blind-2.jsonl"} <= names
