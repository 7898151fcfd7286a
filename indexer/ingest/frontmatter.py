"""Front matter in YAML (`---`), TOML (`+++`) or JSON (`{ ... }`), split from the body.

The body is kept byte for byte (only the blank line after the front matter goes), because
chunk and citation offsets point into what is built from it. python-frontmatter's boundary
patterns swallow blank lines and strip the body, so the file is split here and only the
front matter goes to a YAML, TOML (standard library) or JSON parser.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass

import yaml

_YAML_OPEN = re.compile(r"^-{3,}[ \t]*\r?$", re.MULTILINE)
# YAML documents may also end with `...` (Jekyll accepts both).
_YAML_CLOSE = re.compile(r"^(?:-{3,}|\.{3})[ \t]*\r?$", re.MULTILINE)
_TOML = re.compile(r"^\+{3}[ \t]*\r?$", re.MULTILINE)


class _DatesAsText(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML whose timestamps stay text: dates are read by `indexer.ingest.dates`, which
    tolerates `2024-4-09` and names the field of an impossible `2024-13-45`."""


_DatesAsText.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_scalar)
NO_FRONT_MATTER = "no YAML front matter ('---'), TOML ('+++') or JSON ('{') block with a title"


class FrontMatterError(ValueError):
    """Front matter that cannot be read; `line` is the file's line (1-based) when known."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


@dataclass(frozen=True)
class FrontMatter:
    fields: Mapping[str, object]
    body: str
    format: str  # "yaml", "toml", "json" or "none"
    body_line: int  # the file line the body starts on (1-based)


def has_front_matter(text: str) -> bool:
    return bool(_YAML_OPEN.match(text) or _TOML.match(text) or text.startswith("{"))


def split_front_matter(text: str) -> FrontMatter:
    """The fields and the body of `text`. Raises FrontMatterError when there is no front
    matter or it cannot be read."""
    if _TOML.match(text):
        return _delimited(text, _TOML, _TOML, "toml")
    if _YAML_OPEN.match(text):
        return _delimited(text, _YAML_OPEN, _YAML_CLOSE, "yaml")
    if text.startswith("{"):
        return _json(text)
    raise FrontMatterError(NO_FRONT_MATTER, 1)


def _delimited(
    text: str, opening: re.Pattern[str], closing: re.Pattern[str], kind: str
) -> FrontMatter:
    start = opening.match(text)
    assert start is not None
    end = closing.search(text, start.end())
    if end is None:
        marker = "+++" if kind == "toml" else "---"
        raise FrontMatterError(f"front matter is never closed with '{marker}'", 1)
    raw = text[start.end() : end.start()]
    fields = _read_toml(raw) if kind == "toml" else _read_yaml(raw)
    body_start = end.end() + 1 if text[end.end() : end.end() + 1] == "\n" else end.end()
    return _result(fields, text, body_start, kind)


def _result(fields: object, text: str, body_start: int, kind: str) -> FrontMatter:
    if fields is None:
        fields = {}
    if not isinstance(fields, Mapping):
        raise FrontMatterError("front matter must be a mapping of field: value", 2)
    body = text[body_start:]
    for blank_line in ("\r\n", "\n"):
        if body.startswith(blank_line):
            body_start += len(blank_line)
            body = body[len(blank_line) :]
            break
    return FrontMatter(fields, body, kind, text.count("\n", 0, body_start) + 1)


def _read_yaml(raw: str) -> object:
    try:
        return yaml.load(raw, Loader=_DatesAsText)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        reason = f"invalid YAML front matter: {_yaml_problem(exc)}"
        # The YAML starts after the opening line (file line 1); marks count lines from 0.
        mark = getattr(exc, "problem_mark", None)
        raise FrontMatterError(reason, mark.line + 1 if mark is not None else None) from exc
    except (ValueError, RecursionError) as exc:
        # PyYAML's constructors let these through: `date: 2024-02-30` (no such day), an
        # integer of thousands of digits, collections nested past the recursion limit.
        raise FrontMatterError(f"invalid YAML front matter: {exc}") from exc


def _read_toml(raw: str) -> object:
    try:
        return tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\(at line (\d+)", message)
        line = int(found.group(1)) + 1 if found else None
        raise FrontMatterError(f"invalid TOML front matter: {message}", line) from exc
    except (ValueError, RecursionError) as exc:
        raise FrontMatterError(f"invalid TOML front matter: {exc}") from exc


def _json(text: str) -> FrontMatter:
    try:
        fields, end = json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError as exc:
        raise FrontMatterError(f"invalid JSON front matter: {exc.msg}", exc.lineno) from exc
    except (ValueError, RecursionError) as exc:
        raise FrontMatterError(f"invalid JSON front matter: {exc}") from exc
    newline = text.find("\n", end)
    return _result(fields, text, len(text) if newline < 0 else newline + 1, "json")


def _yaml_problem(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem:
        return str(exc.problem)
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
