"""Fetching one web page for import: http and https only, with a timeout, a size limit and redirects followed
one by one (each hop checked and recorded), through urllib3 (already installed with trafilatura).

Every refusal is a FetchError naming the address and the reason, in words a researcher can act on: "HTTP 404
Not Found", "timed out after 20 s", "redirect loop", "a PDF, not a web page", "over the 20 MB limit".
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3.exceptions import HTTPError, NameResolutionError, NewConnectionError, SSLError, TimeoutError

from annotator.core.errors import InputError
from annotator.formats.limits import MB, describe

USER_AGENT = "media-annotator/0.1 (research article import)"
ALLOWED_SCHEMES = ("http", "https")
_REDIRECTS = (301, 302, 303, 307, 308)
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://|^(?:file|data|javascript|mailto):", re.IGNORECASE)


class FetchError(InputError):
    """A page that cannot be imported; names the URL and the reason."""

    def __init__(self, reason: str, url: str):
        super().__init__(reason, url)


@dataclass(frozen=True)
class FetchLimits:
    timeout: float = 20.0  # seconds to connect, and between two pieces of the answer
    deadline: float = 60.0  # seconds for the whole answer (a server dripping bytes is cut off)
    max_bytes: int = 20 * MB
    max_redirects: int = 10


@dataclass(frozen=True)
class Fetched:
    url: str  # as asked
    final_url: str  # after redirects
    redirects: tuple[str, ...]  # every address moved to, in order (the last is final_url)
    status: int
    media_type: str  # "text/html", lower case, without parameters ("" when the server named none)
    charset: str  # as the server named it, or ""
    body: bytes
    fetched_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))


def looks_like_url(text: str) -> bool:
    """True for "https://…", "ftp://…", "file:…": an address rather than a file path (C:\\ is a path)."""
    return bool(_URL.match(text.strip()))


def check_scheme(url: str, what: str = "address") -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = f"{scheme}:" if scheme else "an address without http:// or https://"
        raise FetchError(f"the {what} is {shown}; only http and https pages can be imported", url)
    if not urlsplit(url).hostname:
        raise FetchError("the address names no host", url)


_pool: urllib3.PoolManager | None = None


def _manager() -> urllib3.PoolManager:
    global _pool
    if _pool is None:  # one pool for the app: connections to a site are reused across a batch
        _pool = urllib3.PoolManager(
            headers={"User-Agent": USER_AGENT, "Accept": "text/html,text/plain;q=0.9,*/*;q=0.5"}
        )
    return _pool


def fetch(url: str, limits: FetchLimits | None = None) -> Fetched:
    """GET url, following redirects by hand so that each one is checked (scheme, loop, count) and recorded."""
    limits = limits or FetchLimits()
    url = url.strip()
    check_scheme(url)
    current, seen, hops = url, [url], []
    while True:
        response = _request(current, limits)
        if response.status not in _REDIRECTS:
            break
        location = response.headers.get("Location")
        response.release_conn()
        if not location:
            raise FetchError(f"HTTP {response.status} redirect without a Location", current)
        target = urljoin(current, location)
        check_scheme(target, "redirect target")
        if target in seen:
            raise FetchError(f"redirect loop ({' → '.join([*seen[seen.index(target) :], target])})", url)
        if len(hops) >= limits.max_redirects:
            raise FetchError(f"more than {limits.max_redirects} redirects", url)
        seen.append(target)
        hops.append(target)
        current = target
    try:
        if response.status >= 400:
            raise FetchError(f"HTTP {response.status} {_phrase(response.status)}", current)
        media_type, charset = _content_type(response.headers.get("Content-Type", ""))
        body = _read(response, current, limits)
    finally:
        response.release_conn()
    return Fetched(url, current, tuple(hops), response.status, media_type, charset, body)


def _request(url: str, limits: FetchLimits) -> urllib3.BaseHTTPResponse:
    timeout = urllib3.Timeout(connect=limits.timeout, read=limits.timeout)
    try:
        return _manager().request("GET", url, redirect=False, retries=False, timeout=timeout, preload_content=False)
    except NameResolutionError:
        raise FetchError(f"cannot find the host {urlsplit(url).hostname}", url) from None
    except NewConnectionError as exc:  # before TimeoutError: urllib3 derives it from ConnectTimeoutError
        raise FetchError(f"cannot reach the host ({_cause(exc)})", url) from None
    except TimeoutError:
        raise FetchError(f"timed out after {limits.timeout:g} s", url) from None
    except SSLError as exc:
        raise FetchError(f"the secure connection failed ({_cause(exc)})", url) from None
    except HTTPError as exc:
        raise FetchError(f"the request failed ({_cause(exc)})", url) from None


def _read(response: urllib3.BaseHTTPResponse, url: str, limits: FetchLimits) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise FetchError(f"the page is {describe(int(declared))}, over the {describe(limits.max_bytes)} limit", url)
    started, parts, size = time.monotonic(), [], 0
    try:
        for chunk in response.stream(64 * 1024, decode_content=True):  # counted after decompression
            size += len(chunk)
            if size > limits.max_bytes:
                raise FetchError(f"the page is over the {describe(limits.max_bytes)} limit", url)
            if time.monotonic() - started > limits.deadline:
                raise FetchError(f"took longer than {limits.deadline:g} s to arrive", url)
            parts.append(chunk)
    except TimeoutError:
        raise FetchError(f"timed out after {limits.timeout:g} s", url) from None
    except HTTPError as exc:
        raise FetchError(f"the answer broke off ({_cause(exc)})", url) from None
    return b"".join(parts)


def _content_type(value: str) -> tuple[str, str]:
    media_type, _, parameters = value.partition(";")
    charset = re.search(r"charset\s*=\s*[\"']?([^\"';\s]+)", parameters, re.IGNORECASE)
    return media_type.strip().lower(), charset.group(1) if charset else ""


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "error"


def _cause(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc
    text = str(reason)
    return text.split(": ", 1)[-1] if "Failed to establish" in text else text
