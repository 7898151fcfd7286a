"""Permalink patterns (`/:section/:year/:month/:day/:slug/`) and the slug rules of URLs.

Hugo and Jekyll spell their tokens alike (`:year`, `:title`, `:slug`) but fill some of them
differently (Hugo's `:title` is the page title made into a path, Jekyll's the file name's);
each generator hands its own values to `expand`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from urllib.parse import quote, urlsplit

_TOKEN = re.compile(r":([a-z_]+)(\[(-?\d*):(-?\d*)\])?")


def date_tokens(when: date | datetime | None) -> dict[str, str]:
    """The date tokens both generators share, and Jekyll's and Hugo's spellings of more."""
    if when is None:
        return {}
    day = when
    return {
        "year": f"{day.year:04d}",
        "month": f"{day.month:02d}",
        "day": f"{day.day:02d}",
        "i_month": str(day.month),
        "i_day": str(day.day),
        "short_year": f"{day.year % 100:02d}",
        "monthname": day.strftime("%B").lower(),
        "long_month": day.strftime("%B"),
        "short_month": day.strftime("%b"),
        "weekday": str(day.isoweekday() % 7),
        "weekdayname": day.strftime("%A").lower(),
        "y_day": day.strftime("%j"),
        "yearday": str(int(day.strftime("%j"))),
        "hour": f"{getattr(day, 'hour', 0):02d}",
        "minute": f"{getattr(day, 'minute', 0):02d}",
        "second": f"{getattr(day, 'second', 0):02d}",
    }


def expand(pattern: str, values: Mapping[str, str | list[str]]) -> str:
    """`pattern` with every `:token` replaced; a list value (Hugo's `:sections`) joins with '/'
    and may be sliced (`:sections[1:]`). Unknown tokens stay as written."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        # Longest known prefix: ":titlex" is not a token, ":title" followed by text is.
        for cut in range(len(name), 0, -1):
            if name[:cut] in values:
                value = values[name[:cut]]
                rest = name[cut:]
                if isinstance(value, list):
                    value = "/".join(_slice(value, match.group(3), match.group(4)))
                    return value + rest
                return value + rest + (match.group(2) or "")
        return match.group(0)

    return _TOKEN.sub(replace, pattern)


def _slice(parts: list[str], start: str | None, stop: str | None) -> list[str]:
    if start is None and stop is None:
        return parts
    return parts[int(start) if start else None : int(stop) if stop else None]


def clean_path(path: str) -> str:
    """Doubled slashes (an empty token) collapsed, a leading slash added."""
    path = re.sub(r"/{2,}", "/", "/" + path.strip())
    return path


def join_url(base: str | None, path: str) -> str | None:
    """`path` under the site's base URL (keeping the base's own path); an absolute URL in
    `path` stands alone. None without a base to put a relative path under."""
    if urlsplit(path).scheme in ("http", "https"):
        return path
    if not base:
        return None
    return base.rstrip("/") + quote(clean_path(path), safe="/:@!$&'()*+,;=~.-_%#")


def hugo_urlize(text: str, lower: bool = True) -> str:
    """Hugo's path making for titles and slugs: spaces to '-', only letters, digits, marks and
    `._-~+#/` kept, lowercased unless the site disables it."""
    out = []
    for char in text.strip():
        if char.isspace():
            out.append("-")
        elif unicodedata.category(char)[0] in "LNM" or char in "._-~+#/":
            out.append(char)
    result = "".join(out)
    return result.lower() if lower else result


def jekyll_slugify(text: str, mode: str = "default", cased: bool = False) -> str:
    """Jekyll's `Utils.slugify`: runs of characters outside the mode's set become one '-'."""
    if mode == "raw":
        slug = re.sub(r"\s+", "-", text)
    elif mode == "pretty":
        slug = _replace_runs(text, "._~!$&'()+,;=@")
    elif mode == "ascii":
        slug = re.sub(r"[^A-Za-z0-9]+", "-", text)
    else:
        slug = _replace_runs(text, "")
    slug = slug.strip("-")
    return slug if cased else slug.lower()


def _replace_runs(text: str, also_kept: str) -> str:
    out: list[str] = []
    for char in text:
        if unicodedata.category(char)[0] in "LM" or unicodedata.category(char) == "Nd":
            out.append(char)
        elif char in also_kept:
            out.append(char)
        elif not out or out[-1] != "-":
            out.append("-")
    return "".join(out)
