"""The HTTP session every live connector uses, and the one function that fetches a body with it.

``get_bytes`` bounds everything a server could stretch: connect and read timeouts per request, a
total deadline per fetch (retries and a slowly trickled body included), a size cap on the body after
decompression (read in chunks, so a gzip bomb stops at the cap), at most ``max_retries`` retries on
429 and 5xx with exponential backoff, honouring a ``Retry-After`` up to a limit (a longer one fails
the fetch instead of holding the warehouse slot for hours), and a polite minimum interval between
requests. The limits are in ``connectors.limits``.

Redirects are followed by hand: a keyed call (``secret=``, the key in its headers or query) never
follows one and goes only where ``connectors.credentials`` allows; an unkeyed call follows at most a
few, never from https down to http, never to a private or link-local address. A body that holds an
active key (an echoing server or gateway) is refused. Failures are ``SourceError`` naming the source
and the URL without secrets, and telling a refused connection, a failed name lookup and a timeout
apart.
"""

from __future__ import annotations

import email.utils
import ipaddress
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import (
    ConnectTimeoutError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)

from connectors import credentials
from connectors.errors import HttpStatusError, SourceError
from connectors.limits import FETCH_DEADLINE_S, REDIRECTS, RESPONSE_BYTES, RETRY_AFTER_S, LimitExceeded
from connectors.provenance import redact_url, redact_urllib3_logs

USER_AGENT = "greenbridge/0.1 (+https://github.com/greenbridge; vehicle life-cycle footprints)"
RETRY_STATUSES = (429, 500, 502, 503, 504)
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
CHUNK_BYTES = 64 * 1024
# An error answer is kept only to quote the source's own envelope: a few kB say all there is.
ERROR_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class HttpPolicy:
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 120.0
    max_retries: int = 4
    backoff_factor_s: float = 1.0
    min_interval_s: float = 1.0


@dataclass(frozen=True)
class HttpAnswer:
    """A 200 answer read whole within the limits: the URL that answered (after redirects), its
    status, headers and decoded body."""

    url: str
    status_code: int
    headers: Mapping[str, str]
    content: bytes


class PoliteSession(requests.Session):
    """A ``requests.Session`` that waits ``min_interval_s`` between requests and applies timeouts.
    It does not retry by itself: ``get_bytes`` retries, so every wait counts against one deadline."""

    def __init__(self, policy: HttpPolicy):
        super().__init__()
        self.policy = policy
        self._last_request_at = 0.0
        self._lock = threading.Lock()
        adapter = HTTPAdapter(max_retries=0)
        self.mount("https://", adapter)
        self.mount("http://", adapter)
        self.headers["User-Agent"] = USER_AGENT

    def request(self, method, url, **kwargs):  # type: ignore[override]
        kwargs.setdefault("timeout", (self.policy.connect_timeout_s, self.policy.read_timeout_s))
        with self._lock:
            wait = self._last_request_at + self.policy.min_interval_s - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last_request_at = time.monotonic()
        return super().request(method, url, **kwargs)


def build_session(policy: HttpPolicy | None = None) -> PoliteSession:
    redact_urllib3_logs()
    return PoliteSession(policy or HttpPolicy())


class _Fetch:
    """One call of ``get_bytes``: its limits, its deadline and how to name it in errors."""

    def __init__(self, session: requests.Session, source: str, url: str, params, headers, keyed: bool):
        self.session, self.source, self.keyed = session, source, keyed
        self.params, self.headers = params, headers
        self.url = requests.Request("GET", url, params=params).prepare().url or url
        self.shown = redact_url(self.url)
        self.deadline_s = FETCH_DEADLINE_S.value(source)
        self.deadline = time.monotonic() + self.deadline_s
        self.max_bytes = int(RESPONSE_BYTES.value(source))
        self.policy = getattr(session, "policy", HttpPolicy())

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def over_deadline(self, what: str) -> LimitExceeded:
        """``what`` says what was under way, with ``{url}`` where the URL goes."""
        return LimitExceeded(self.source, FETCH_DEADLINE_S, what.format(url=self.shown), self.deadline_s)


def get_bytes(
    session: requests.Session,
    source: str,
    url: str,
    params: dict | None = None,
    *,
    headers: dict | None = None,
    secret: str | None = None,
) -> HttpAnswer:
    """GET ``url`` and return its 200 answer, or raise ``SourceError``.

    ``secret``: the API key the request carries (in ``headers`` or ``params``): the call goes only to
    an allowed host over https, never follows a redirect, and the key is scrubbed from everything
    written. Error messages carry the URL without secrets, and never the exception text of requests
    (which repeats the full URL, key included)."""
    keyed = secret is not None
    fetch = _Fetch(session, source, url, params, headers, keyed)
    if keyed:
        if len(secret) < credentials.MIN_SECRET_LENGTH:
            raise SourceError(source, f"an API key of {len(secret)} characters is too short to be told apart from "
                                      "data in logs and answers: not sent")
        credentials.register(secret)
        refusal = credentials.keyed_destination_refusal(source, fetch.url)
        if refusal:
            raise SourceError(source, f"refused to call {fetch.shown} with the {source} key: {refusal}")
    attempt = 0
    while True:
        try:
            response = _follow(fetch)
        except _Retryable as failure:
            if attempt >= fetch.policy.max_retries:
                raise SourceError(source, f"{failure.cause} fetching {fetch.shown} (after {attempt + 1} attempts)") from None
            _wait(fetch, _backoff(fetch, attempt), failure.cause)
            attempt += 1
            continue
        if response.status_code in RETRY_STATUSES and attempt < fetch.policy.max_retries:
            wait = _retry_after(response, fetch) or _backoff(fetch, attempt)
            response.close()
            _wait(fetch, wait, f"HTTP {response.status_code}")
            attempt += 1
            continue
        break
    with response:
        if response.status_code != 200:
            body = _read_body(response, fetch, ERROR_BODY_BYTES, truncate=True)
            _refuse_echoed_secret(body, fetch)
            raise HttpStatusError(source, f"HTTP {response.status_code} from {fetch.shown} after retries",
                                  response.status_code, body)
        content = _read_body(response, fetch, fetch.max_bytes)
        declared = response.headers.get("Content-Length")
        # Only comparable when the body was not content-encoded (the body is read decompressed).
        unencoded = response.headers.get("Content-Encoding", "identity") == "identity"
        if unencoded and declared is not None and declared.isdigit() and int(declared) != len(content):
            raise SourceError(source, f"truncated body from {fetch.shown}: {len(content)} of {declared} bytes")
        _refuse_echoed_secret(content, fetch)
        return HttpAnswer(url=response.url, status_code=response.status_code, headers=dict(response.headers),
                          content=content)


class _Retryable(Exception):
    def __init__(self, cause: str):
        self.cause = cause


def _follow(fetch: _Fetch) -> requests.Response:
    """Send the request, following redirects by hand within the rules; the answer is streamed."""
    url, params, hops = fetch.url, None, 0
    while True:
        if fetch.remaining() <= 0:
            raise fetch.over_deadline("no answer from {url} yet")
        timeout = (min(fetch.policy.connect_timeout_s, fetch.remaining()), min(fetch.policy.read_timeout_s, fetch.remaining()))
        try:
            response = fetch.session.get(url, params=params, headers=fetch.headers, timeout=timeout,
                                         stream=True, allow_redirects=False)
        except requests.RequestException as error:
            cause = _connection_cause(error)
            if cause is None:
                raise SourceError(fetch.source, f"request to {fetch.shown} failed ({type(error).__name__}: "
                                                f"{_innermost(error)})") from None
            raise _Retryable(cause) from None
        if response.status_code not in REDIRECT_STATUSES:
            return response
        location = response.headers.get("Location", "")
        response.close()
        target = urljoin(url, location)
        if fetch.keyed:
            raise SourceError(fetch.source, f"{fetch.shown} answered HTTP {response.status_code} redirecting to "
                                            f"{redact_url(target)}; a keyed call never follows a redirect, so the "
                                            "key was not sent there")
        hops += 1
        if hops > REDIRECTS.value(fetch.source):
            raise LimitExceeded(fetch.source, REDIRECTS, f"redirects from {fetch.shown}", REDIRECTS.value(fetch.source))
        refusal = _redirect_refusal(url, target)
        if refusal:
            raise SourceError(fetch.source, f"{fetch.shown} redirected to {redact_url(target)}: refused, {refusal}")
        url = target


def _redirect_refusal(origin: str, target: str) -> str | None:
    old, new = urlsplit(origin), urlsplit(target)
    if new.scheme not in ("http", "https"):
        return f"not an http(s) URL ({new.scheme or 'no scheme'})"
    if old.scheme == "https" and new.scheme == "http":
        return "a downgrade from https to http"
    if new.username or new.password:
        return "the target carries user information"
    host = (new.hostname or "").strip("[]")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "a loopback name" if host.lower() == "localhost" and not credentials.test_loopback_enabled() else None
    if address.is_loopback and credentials.test_loopback_enabled():
        return None
    if address.is_private or address.is_link_local or address.is_loopback or address.is_reserved \
            or address.is_multicast or address.is_unspecified:
        return "an address that is not public (private, loopback or link-local)"
    return None


def _connection_cause(error: requests.RequestException) -> str | None:
    """What went wrong on the way to an answer, in words that tell the causes apart; None when the
    failure is not a connection or timeout problem (not worth retrying)."""
    chain = _causes(error)
    # urllib3 2 makes NewConnectionError (refused, unreachable) a subclass of ConnectTimeoutError,
    # and NameResolutionError a subclass of that: test the most specific first.
    if any(isinstance(cause, NameResolutionError) for cause in chain):
        return "name lookup failed (DNS)"
    if any(isinstance(cause, ConnectionRefusedError) for cause in chain):
        return "connection refused"
    if any(isinstance(cause, NewConnectionError) for cause in chain):
        return "could not connect"
    if any(isinstance(cause, SSLError) for cause in chain):
        return None  # a certificate problem does not heal by retrying
    if any(isinstance(cause, ConnectTimeoutError) for cause in chain) or isinstance(error, requests.ConnectTimeout):
        return "timed out connecting"
    if any(isinstance(cause, ReadTimeoutError) for cause in chain) or isinstance(error, requests.Timeout):
        return "timed out waiting for the answer"
    if isinstance(error, requests.ConnectionError):
        return f"connection failed ({_innermost(error)})"
    return None


def _causes(error: BaseException) -> list[BaseException]:
    """The error, its causes and contexts, and the reasons urllib3 wraps in MaxRetryError."""
    seen, pending = [], [error]
    while pending:
        current = pending.pop()
        if current is None or any(current is known for known in seen):
            continue
        seen.append(current)
        pending += [current.__cause__, current.__context__, getattr(current, "reason", None)]
        pending += [arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException)]
    return seen


def _innermost(error: BaseException) -> str:
    """The innermost cause's class name (e.g. IncompleteRead), which names the failure without the URL."""
    cause = error.__cause__ or error.__context__
    while cause is not None and (cause.__cause__ or cause.__context__) is not None:
        cause = cause.__cause__ or cause.__context__
    return type(cause).__name__ if cause is not None else type(error).__name__


def _backoff(fetch: _Fetch, attempt: int) -> float:
    return fetch.policy.backoff_factor_s * (2 ** attempt)


def _retry_after(response: requests.Response, fetch: _Fetch) -> float | None:
    """Seconds the server asks to wait, None if it does not say; over the limit fails the fetch."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
    limit = RETRY_AFTER_S.value(fetch.source)
    if seconds > limit:
        raise LimitExceeded(fetch.source, RETRY_AFTER_S,
                            f"HTTP {response.status_code} from {fetch.shown} asks to retry after {seconds:,.0f} s", limit)
    return seconds


def _wait(fetch: _Fetch, seconds: float, why: str) -> None:
    if seconds >= fetch.remaining():
        raise fetch.over_deadline(f"retrying {{url}} after {why} would pass the deadline")
    time.sleep(seconds)


def _read_body(response: requests.Response, fetch: _Fetch, cap: int, truncate: bool = False) -> bytes:
    """The decoded body, read in chunks against the size cap and the deadline (a server trickling
    bytes under the read timeout is stopped by the deadline; a gzip bomb by the cap)."""
    chunks, size = [], 0
    try:
        while True:
            if fetch.remaining() <= 0:
                raise fetch.over_deadline("the body of {url} was still arriving at the deadline")
            chunk = response.raw.read1(CHUNK_BYTES, decode_content=True)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > cap:
                if truncate:
                    chunks.append(chunk[: cap - (size - len(chunk))])
                    return b"".join(chunks)
                raise LimitExceeded(fetch.source, RESPONSE_BYTES, f"the body of {fetch.shown} (decompressed)", cap)
            chunks.append(chunk)
    except ReadTimeoutError:
        raise SourceError(fetch.source, f"timed out reading the body of {fetch.shown}") from None
    except (ProtocolError, OSError) as error:
        raise SourceError(fetch.source, f"truncated body from {fetch.shown} ({type(error).__name__} after "
                                        f"{size} bytes)") from None
    except Exception as error:  # urllib3's DecodeError (a broken gzip stream) and kin
        if isinstance(error, SourceError):
            raise
        raise SourceError(fetch.source, f"unreadable body from {fetch.shown} ({type(error).__name__})") from None


def _refuse_echoed_secret(content: bytes, fetch: _Fetch) -> None:
    if credentials.contains_secret(content):
        raise SourceError(fetch.source, f"the answer from {fetch.shown} contains an active API key (a server or "
                                        "gateway echoing it): refused, and its bytes are not stored")
