"""The provenance record of one fetch: where the bytes came from and what they hash to.

It goes into the raw asset's materialization metadata and into ``raw.raw_fetch_log``. URLs are
stored without secrets (query parameters named like keys or tokens are dropped), and urllib3's own
retry log lines get the same treatment.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SECRET_PARAMETER_HINTS = ("key", "token", "secret", "password", "subscription")


def redact_url(url: str) -> str:
    parts = urlsplit(url)
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not any(hint in name.lower() for hint in SECRET_PARAMETER_HINTS)
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


@dataclass(frozen=True)
class FetchRecord:
    source: str
    mode: str  # "live" or "snapshot"
    url: str
    parameters: str
    retrieved_at: str
    http_status: int | None
    sha256: str
    byte_count: int
    row_count: int
    licence: str
    citation: str
    raw_path: str

    def as_dict(self) -> dict:
        return asdict(self)


# Query parameters named like secrets (api_key, subscription-key, token...) inside a logged URL.
SECRET_QUERY = re.compile(
    r"([?&;][^=&\s'\"]*(?:" + "|".join(SECRET_PARAMETER_HINTS) + r")[^=&\s'\"]*=)[^&\s'\"]*", re.IGNORECASE
)


class RedactSecretsFilter(logging.Filter):
    """Rewrites a log record so the values of secret query parameters read ``***``."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = SECRET_QUERY.sub(r"\1***", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


REDACT_FILTER = RedactSecretsFilter()


def redact_urllib3_logs() -> None:
    # urllib3 logs the request path with its query on retries (WARNING after a broken connection or
    # read timeout, DEBUG otherwise): the key would reach the run log without this filter.
    for name in ("urllib3.connectionpool", "urllib3.util.retry"):
        logger = logging.getLogger(name)
        if REDACT_FILTER not in logger.filters:
            logger.addFilter(REDACT_FILTER)
