"""The Fetcher port over httpx: polite (robots.txt, its own User-Agent, at most `per_host`
requests at once per host, backoff between retries) and safe (only configured hosts, checked
addresses, redirects kept on the source's host, timeouts and a size cap)."""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from indexer.adapters.address_guard import checked_addresses
from indexer.adapters.robots_rules import RobotsRules
from indexer.errors import FetchFailed, FetchRefused, SyncError
from indexer.ports import Fetched, FetchScope, Validators

BOT_NAME = "FootnoteBot/0.1"
REDIRECTS = frozenset({301, 302, 303, 307, 308})
RETRIED = frozenset({429, 500, 502, 503, 504})
_CHARSET = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def user_agent(public_url: str | None) -> str:
    return f"{BOT_NAME} (+{public_url})" if public_url else BOT_NAME


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: httpx.Headers
    body: bytes


class HttpxFetcher:
    def __init__(
        self,
        hosts: Collection[str],
        agent: str,
        *,
        timeout_s: float = 10.0,
        max_bytes: int = 5_000_000,
        retries: int = 2,
        backoff_s: float = 0.5,
        per_host: int = 2,
        max_redirects: int = 5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._hosts = frozenset(host.lower() for host in hosts)
        self._agent = agent
        self._timeout_s = timeout_s
        self._max_bytes = max_bytes
        self._retries = retries
        self._backoff_s = backoff_s
        self._per_host = per_host
        self._max_redirects = max_redirects
        self._sleep = sleep
        self._robots = RobotsRules(agent)
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._clients: dict[str, httpx.Client] = {}
        self._guard = threading.Lock()

    def fetch(self, url: str, scope: FetchScope, validators: Validators | None = None) -> Fetched:
        final, answer = self._follow(url, scope, validators, obey_robots=True)
        if answer.status == 200:
            return Fetched(final, 200, _decode(answer.body, answer.headers, final), _of(answer))
        if answer.status == 304 or answer.status in (404, 410):
            return Fetched(final, answer.status, validators=_of(answer))
        raise FetchFailed(f"{final}: HTTP {answer.status}")

    def close(self) -> None:
        with self._guard:
            for client in self._clients.values():
                client.close()
            self._clients.clear()

    def _robots_txt(self, url: str, scope: FetchScope) -> tuple[int, str]:
        final, answer = self._follow(url, scope, None, obey_robots=False)
        text = _decode(answer.body, answer.headers, final) if answer.status == 200 else ""
        return answer.status, text

    def _follow(
        self, url: str, scope: FetchScope, validators: Validators | None, obey_robots: bool
    ) -> tuple[str, _Answer]:
        current = url
        for hop in range(self._max_redirects + 1):
            self._check(current, scope, redirected_from=url if hop else None)
            if obey_robots and not self._robots.allows(
                current, lambda robots: self._robots_txt(robots, scope)
            ):
                raise FetchRefused(f"{current}: disallowed by robots.txt for {self._agent}")
            answer = self._with_retries(current, scope, validators)
            location = answer.headers.get("location")
            if answer.status not in REDIRECTS or not location:
                return current, answer
            current = urljoin(current, location)
        raise FetchFailed(f"{url}: more than {self._max_redirects} redirects")

    def _check(self, url: str, scope: FetchScope, redirected_from: str | None) -> None:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        via = f" (redirected from {redirected_from})" if redirected_from else ""
        if parts.scheme not in ("http", "https"):
            raise FetchRefused(f"{url}{via}: only http and https are fetched")
        if host != scope.host.lower():
            raise FetchRefused(f"{url}{via}: not on the source's host {scope.host}")
        if host not in self._hosts:
            raise FetchRefused(f"{url}: host {host} is not named in the sync settings")
        # Checked before robots.txt is read, too: a refused address is never connected to.
        try:
            checked_addresses(host, _port(parts.scheme, parts.port), scope.allow_private)
        except (FetchRefused, FetchFailed) as exc:
            raise type(exc)(f"{url}: {exc}") from exc

    def _with_retries(self, url: str, scope: FetchScope, validators: Validators | None) -> _Answer:
        failure: FetchFailed | None = None
        for attempt in range(self._retries + 1):
            if attempt:
                # Exponential backoff with jitter, so retries of many pages do not arrive
                # at the struggling server together.
                self._sleep(self._backoff_s * 2 ** (attempt - 1) * (0.5 + random.random()))
            try:
                answer = self._once(url, scope, validators)
            except httpx.TransportError as exc:  # timeouts, refused connections, resets
                failure = FetchFailed(f"{url}: {type(exc).__name__} {exc}".rstrip())
                continue
            if answer.status not in RETRIED:
                return answer
            failure = FetchFailed(f"{url}: HTTP {answer.status}")
        assert failure is not None
        attempts = self._retries + 1
        plural = "s" if attempts > 1 else ""
        raise FetchFailed(f"{failure} (after {attempts} attempt{plural})") from failure

    def _once(self, url: str, scope: FetchScope, validators: Validators | None) -> _Answer:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        address = checked_addresses(host, _port(parts.scheme, parts.port), scope.allow_private)[0]
        headers = {
            "User-Agent": self._agent,
            "Host": parts.netloc.rsplit("@", 1)[-1],
            "Accept": "text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8",
        }
        if validators is not None and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators is not None and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        target = httpx.URL(url).copy_with(host=address)
        with self._slot(host):
            with self._client(host).stream(
                "GET", target, headers=headers, extensions={"sni_hostname": host}
            ) as response:
                body = self._body(url, response) if response.status_code == 200 else b""
                return _Answer(response.status_code, response.headers, body)

    def _body(self, url: str, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_bytes:
            raise FetchRefused(f"{url}: {declared} bytes, over the {self._max_bytes} byte cap")
        # The read timeout bounds each wait; this bounds a body trickled in byte by byte.
        deadline = time.monotonic() + 3 * self._timeout_s
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > self._max_bytes:
                raise FetchRefused(f"{url}: over the {self._max_bytes} byte cap")
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout(f"body not complete within {3 * self._timeout_s} s")
        return bytes(body)

    def _slot(self, host: str) -> threading.BoundedSemaphore:
        with self._guard:
            return self._slots.setdefault(host, threading.BoundedSemaphore(self._per_host))

    def _client(self, host: str) -> httpx.Client:
        # A client per host: connections go to a checked address, and one made for one host's
        # TLS name is never reused for another host on the same address.
        with self._guard:
            client = self._clients.get(host)
            if client is None:
                client = httpx.Client(
                    timeout=httpx.Timeout(self._timeout_s),
                    follow_redirects=False,
                    # Proxies from the environment would connect elsewhere than checked.
                    trust_env=False,
                    limits=httpx.Limits(max_connections=self._per_host),
                )
                self._clients[host] = client
            return client


def _port(scheme: str, port: int | None) -> int:
    return port or (443 if scheme == "https" else 80)


def _of(answer: _Answer) -> Validators:
    return Validators(answer.headers.get("etag"), answer.headers.get("last-modified"))


def _decode(body: bytes, headers: httpx.Headers, url: str) -> str:
    """The body as text: the charset the server declared, else the one the document declares
    in its first bytes (XML declaration, <meta charset>), else UTF-8."""
    declared = _CHARSET.search(headers.get("content-type", "").encode("latin-1", "replace"))
    sniffed = declared or _CHARSET.search(body[:1024])
    charset = sniffed.group(1).decode("ascii", "replace") if sniffed else "utf-8"
    try:
        return body.decode(charset).removeprefix("\ufeff")
    except (LookupError, UnicodeDecodeError) as exc:
        raise SyncError(f"{url}: not readable as {charset}: {exc}") from exc
