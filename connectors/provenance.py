"""The provenance record of one fetch: where the bytes came from and what they hash to.

It goes into the raw asset's materialization metadata and into ``raw.raw_fetch_log``. URLs are
stored without secrets (query parameters named like keys or tokens are dropped).
"""

from __future__ import annotations

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
