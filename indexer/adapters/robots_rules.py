"""robots.txt, per site, read with the standard library's parser and kept for a while.

What an unusable robots.txt means follows RFC 9309: a 4xx (none published) allows everything;
a 5xx or no answer at all disallows everything until it can be read, and is asked again on the
next fetch rather than remembered."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from indexer.errors import SyncError

# (status, text) of GET {origin}/robots.txt; raises SyncError when it could not be had.
RobotsReader = Callable[[str], tuple[int, str]]


class RobotsRules:
    def __init__(
        self, agent: str, ttl_s: float = 600.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._agent = agent
        self._ttl_s = ttl_s
        self._clock = clock
        self._parsers: dict[str, tuple[float, RobotFileParser]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def allows(self, url: str, read: RobotsReader) -> bool:
        """Whether the site's robots.txt lets this agent fetch `url`; `read` fetches the
        robots.txt when it is not known or too old."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        return self._parser(origin, read).can_fetch(self._agent, url)

    def _parser(self, origin: str, read: RobotsReader) -> RobotFileParser:
        with self._guard:
            lock = self._locks.setdefault(origin, threading.Lock())
        # One read per site at a time: pages fetched in parallel wait for the first reader.
        with lock:
            cached = self._parsers.get(origin)
            if cached is not None and self._clock() - cached[0] < self._ttl_s:
                return cached[1]
            parser, keep = self._read(origin, read)
            if keep:
                self._parsers[origin] = (self._clock(), parser)
            return parser

    def _read(self, origin: str, read: RobotsReader) -> tuple[RobotFileParser, bool]:
        parser = RobotFileParser(f"{origin}/robots.txt")
        try:
            status, text = read(f"{origin}/robots.txt")
        except SyncError:
            parser.parse(_DISALLOW_ALL)
            return parser, False
        if 200 <= status < 300:
            parser.parse(text.splitlines())
        elif 400 <= status < 500:
            parser.parse([])  # no rules: everything allowed
        else:
            parser.parse(_DISALLOW_ALL)
            return parser, False
        return parser, True


_DISALLOW_ALL = ["User-agent: *", "Disallow: /"]
