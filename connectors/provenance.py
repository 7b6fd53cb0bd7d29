"""The provenance record of one fetch: where the bytes came from and what they hash to.

It goes into the raw asset's materialization metadata and into ``raw.raw_fetch_log``. URLs are
stored without secrets: no user information (``user:password@``), and only the query parameters the
connectors send and that carry no secret (``STORED_QUERY_PARAMETERS``), so a signature, token or
key a server put in a redirect or a mirror's URL is dropped. urllib3's own log lines (which print
the request path) are redacted the same way and scrubbed of active keys.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from connectors.credentials import scrub

SECRET_PARAMETER_HINTS = ("key", "token", "secret", "password", "subscription", "sig", "auth", "credential")
# The query parameters our connectors send (Comtrade, Ember, World Bank, EEA Discodata, OWID
# grapher): the only ones a stored URL keeps.
STORED_QUERY_PARAMETERS = frozenset({
    "reporterCode", "flowCode", "period", "partnerCode", "partner2Code", "customsCode", "motCode", "includeDesc",
    "cmdCode", "entity_code", "entity", "start_date", "end_date", "format", "per_page", "page", "date",
    "query", "p", "nrOfHits", "v", "csvType", "useColumnShortNames",
})


def redact_url(url: str) -> str:
    """``url`` as it may be stored: no user information, only the allowed query parameters, no
    active key anywhere (a key a mirror put in the path is masked)."""
    parts = urlsplit(url)
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name in STORED_QUERY_PARAMETERS
    ]
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    try:
        port = parts.port
    except ValueError:  # not a number: nothing of it is worth keeping
        port = None
    if port is not None:
        netloc += f":{port}"
    return scrub(urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), "")))


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
        redacted = scrub(SECRET_QUERY.sub(r"\1***", message))
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
