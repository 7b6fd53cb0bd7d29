"""The HTTP session every live connector uses: timeouts, retries with exponential backoff on 429 and
5xx that honour ``Retry-After``, a polite minimum interval between requests, and a User-Agent."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, ReadTimeoutError
from urllib3.util.retry import Retry

from connectors.errors import HttpStatusError, SourceError
from connectors.provenance import redact_url, redact_urllib3_logs

USER_AGENT = "greenbridge/0.1 (+https://github.com/greenbridge; vehicle life-cycle footprints)"
RETRY_STATUSES = (429, 500, 502, 503, 504)


@dataclass(frozen=True)
class HttpPolicy:
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 120.0
    max_retries: int = 4
    backoff_factor_s: float = 1.0
    min_interval_s: float = 1.0


class PoliteSession(requests.Session):
    """A ``requests.Session`` that waits ``min_interval_s`` between requests and applies timeouts."""

    def __init__(self, policy: HttpPolicy):
        super().__init__()
        self.policy = policy
        self._last_request_at = 0.0
        self._lock = threading.Lock()
        retry = Retry(
            total=policy.max_retries,
            connect=policy.max_retries,
            read=policy.max_retries,
            status=policy.max_retries,
            backoff_factor=policy.backoff_factor_s,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET", "HEAD"}),
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        adapter = HTTPAdapter(max_retries=retry)
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


def get_bytes(
    session: requests.Session, source: str, url: str, params: dict | None = None, *, headers: dict | None = None
) -> requests.Response:
    """GET ``url`` and return the response once its status is 200, or raise ``SourceError``.

    Error messages carry the URL without secrets, and never the exception text of requests (which
    repeats the full URL, query key included)."""
    shown = redact_url(requests.Request("GET", url, params=params).prepare().url or url)
    try:
        response = session.get(url, params=params, headers=headers)
    except requests.Timeout as error:
        raise SourceError(source, f"timed out fetching {shown} ({type(error).__name__})") from None
    except requests.ConnectionError as error:
        # With read retries on, urllib3 gives up with MaxRetryError(ReadTimeoutError), which requests
        # raises as a ConnectionError: report it as the timeout it is.
        reason = getattr(error.args[0] if error.args else None, "reason", None)
        if isinstance(reason, (ReadTimeoutError, ConnectTimeoutError)):
            raise SourceError(source, f"timed out fetching {shown} ({type(reason).__name__})") from None
        raise SourceError(source, f"request to {shown} failed ({type(error).__name__}: {_reason(error)})") from None
    except requests.RequestException as error:
        raise SourceError(source, f"request to {shown} failed ({type(error).__name__}: {_reason(error)})") from None
    if response.status_code != 200:
        raise HttpStatusError(source, f"HTTP {response.status_code} from {shown} after retries",
                              response.status_code, response.content)
    declared = response.headers.get("Content-Length")
    # Only comparable when the body was not content-encoded (requests decompresses gzip).
    unencoded = response.headers.get("Content-Encoding", "identity") == "identity"
    if unencoded and declared is not None and declared.isdigit() and int(declared) != len(response.content):
        raise SourceError(source, f"truncated body from {shown}: {len(response.content)} of {declared} bytes")
    return response


def _reason(error: requests.RequestException) -> str:
    """The innermost cause's class name (e.g. IncompleteRead), which names the failure without the URL."""
    cause = error.__cause__ or error.__context__
    while cause is not None and (cause.__cause__ or cause.__context__) is not None:
        cause = cause.__cause__ or cause.__context__
    return type(cause).__name__ if cause is not None else "no detail"
