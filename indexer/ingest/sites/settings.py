"""What the person indexing says about a source: flags, and the settings file in the folder.

A folder that no generator built (or whose generator Footnote cannot read) gets its base URL,
permalink pattern, anchor style and exclusions from `footnote.toml` (or `.footnote.toml`) at
its root, or from the command's flags; flags win over the file, and both over what a
generator's own configuration says.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from datetime import date
from pathlib import Path

from indexer.errors import SourceError
from indexer.ingest.sites.anchors import STYLES

SETTINGS_FILES = ("footnote.toml", ".footnote.toml")
GENERATORS = ("hugo", "jekyll", "zola", "plain")
FUTURE = ("include", "skip")


@dataclass(frozen=True)
class SourceOptions:
    """Overrides for reading a source; None means "as the site (or the default) says"."""

    base_url: str | None = None
    permalink: str | None = None
    exclude: tuple[str, ...] = ()
    anchors: str | None = None
    generator: str | None = None
    future: str | None = None
    timezone: str | None = None
    # The day "future-dated" is measured from; today when None (tests pin it).
    today: date | None = None

    def __post_init__(self) -> None:
        if self.anchors is not None and self.anchors not in STYLES:
            raise SourceError(f"anchors: {self.anchors!r} is not one of {', '.join(STYLES)}")
        if self.generator is not None and self.generator not in GENERATORS:
            raise SourceError(
                f"generator: {self.generator!r} is not one of {', '.join(GENERATORS)}"
            )
        if self.future is not None and self.future not in FUTURE:
            raise SourceError(f"future: {self.future!r} is not 'include' or 'skip'")

    def over(self, settings: SourceOptions) -> SourceOptions:
        """These options, with each one left unset taken from `settings`."""
        merged = {f.name: getattr(self, f.name) or getattr(settings, f.name) for f in fields(self)}
        merged["exclude"] = (*settings.exclude, *self.exclude)
        return replace(self, **merged)


def read_settings(root: Path) -> tuple[SourceOptions, Path | None]:
    """The settings file at `root`, if there is one. Raises SourceError naming the file and
    the problem when it cannot be read."""
    for name in SETTINGS_FILES:
        path = root / name
        if path.is_file():
            return _parse(path), path
    return SourceOptions(), None


def _parse(path: Path) -> SourceOptions:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SourceError(f"{path}: cannot read the source settings: {exc}") from exc
    known = {f.name for f in fields(SourceOptions)} - {"today"}
    unknown = sorted(set(data) - known - {"base-url"})
    if unknown:
        raise SourceError(f"{path}: unknown setting(s) {', '.join(unknown)}; known: "
                          f"{', '.join(sorted(known))}")  # fmt: skip
    values: dict[str, object] = {}
    for key, value in data.items():
        key = key.replace("-", "_")
        if key == "exclude":
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise SourceError(f"{path}: exclude must be a list of glob patterns")
            values[key] = tuple(value)
        elif not isinstance(value, str):
            raise SourceError(f"{path}: {key} must be text, got {value!r}")
        else:
            values[key] = value
    try:
        return SourceOptions(**values)  # type: ignore[arg-type]
    except SourceError as exc:
        raise SourceError(f"{path}: {exc}") from exc
