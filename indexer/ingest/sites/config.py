"""Reading a generator's configuration file (YAML, TOML or JSON) into a mapping."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from indexer.errors import SourceError


def read_config(path: Path) -> dict[str, Any]:
    """The file's top-level mapping. Raises SourceError naming the file when it is unreadable,
    malformed or not a mapping: a site whose configuration is broken cannot be read right."""
    try:
        text = path.read_text("utf-8")
        suffix = path.suffix.lower()
        if suffix == ".toml":
            data: object = tomllib.loads(text)
        elif suffix == ".json":
            data = json.loads(text)
        else:
            data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise SourceError(f"{path}: cannot read the site configuration: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SourceError(f"{path}: the site configuration is not a mapping")
    return data


def folded(data: Mapping[str, Any]) -> dict[str, Any]:
    """Keys lowercased, recursively: Hugo's configuration keys are case-insensitive."""
    return {
        str(key).lower(): folded(value) if isinstance(value, Mapping) else value
        for key, value in data.items()
    }


def dig(data: Mapping[str, Any], *keys: str) -> Any:
    """`data[k1][k2]...`, or None when any level is missing or not a mapping."""
    current: Any = data
    for key in keys:
        if not isinstance(current, Mapping):
            return None
        current = current.get(key)
    return current


def text_or_none(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
