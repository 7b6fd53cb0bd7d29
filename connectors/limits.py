"""Every limit on waiting and size that an input may push against, in one place.

A source (or a file dropped in a folder) is not trusted to end, to be small, or to ask for a
reasonable wait: each fetch, file and archive member is bounded, and a fetch that hits a bound fails
with ``LimitExceeded`` naming the limit and the environment variable that raises it. The values come
from the deployment's environment only (never from a Dagster run config), read when a limit is
checked, so a long-running ``dagster dev`` and the CLI agree.

| limit | variable | default |
|---|---|---|
| longest ``Retry-After`` honoured (a longer one fails the fetch) | ``GREENBRIDGE_LIMIT_RETRY_AFTER_S`` | 120 s |
| total time of one fetch, retries and body included | ``GREENBRIDGE_LIMIT_FETCH_DEADLINE_S`` | 600 s |
| bytes of one response body after decompression | ``GREENBRIDGE_LIMIT_RESPONSE_BYTES`` (``_<SOURCE>`` for one source) | 256 MiB |
| bytes of one zip member after decompression | ``GREENBRIDGE_LIMIT_ZIP_MEMBER_BYTES`` | 512 MiB |
| bytes of one tar archive after decompression, every member together | ``GREENBRIDGE_LIMIT_ARCHIVE_BYTES`` | 512 MiB |
| pages of one paged answer | ``GREENBRIDGE_LIMIT_PAGES`` (``_<SOURCE>`` for one source) | 200 (EEA Discodata: 1,000) |
| redirects followed by one unkeyed fetch | ``GREENBRIDGE_LIMIT_REDIRECTS`` | 5 |
| bytes of one dropped file (registrations inbox) | ``GREENBRIDGE_LIMIT_FILE_BYTES`` | 64 MiB |
| bytes of one embedded snapshot file | ``GREENBRIDGE_LIMIT_SNAPSHOT_FILE_BYTES`` | 512 MiB |
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from connectors.errors import SourceError

MIB = 1024 * 1024
PREFIX = "GREENBRIDGE_LIMIT_"


@dataclass(frozen=True)
class Limit:
    name: str
    default: float
    unit: str
    description: str

    @property
    def variable(self) -> str:
        return PREFIX + self.name

    def value(self, source: str | None = None, default: float | None = None) -> float:
        """The limit in force: ``<variable>_<SOURCE>`` for ``source``, else ``<variable>``, else
        ``default`` (a source's own default, e.g. more pages for a source with small pages), else the
        limit's default."""
        names = ([f"{self.variable}_{source.upper()}"] if source else []) + [self.variable]
        for name in names:
            text = os.environ.get(name, "").strip()
            if text:
                try:
                    number = float(text)
                except ValueError:
                    raise ValueError(f"{name}={text!r}: expected a number of {self.unit}") from None
                if not number > 0 or number != number or number == float("inf"):
                    raise ValueError(f"{name}={text!r}: expected a positive, finite number of {self.unit}")
                return number
        return self.default if default is None else default


RETRY_AFTER_S = Limit("RETRY_AFTER_S", 120.0, "seconds", "longest Retry-After honoured")
FETCH_DEADLINE_S = Limit("FETCH_DEADLINE_S", 600.0, "seconds", "total time of one fetch, retries and body included")
RESPONSE_BYTES = Limit("RESPONSE_BYTES", 256.0 * MIB, "bytes", "bytes of one response body after decompression")
ZIP_MEMBER_BYTES = Limit("ZIP_MEMBER_BYTES", 512.0 * MIB, "bytes", "bytes of one zip member after decompression")
ARCHIVE_BYTES = Limit("ARCHIVE_BYTES", 512.0 * MIB, "bytes", "bytes of one tar archive after decompression")
PAGES = Limit("PAGES", 200.0, "pages", "pages of one paged answer")
REDIRECTS = Limit("REDIRECTS", 5.0, "redirects", "redirects followed by one unkeyed fetch")
FILE_BYTES = Limit("FILE_BYTES", 64.0 * MIB, "bytes", "bytes of one dropped file")
SNAPSHOT_FILE_BYTES = Limit("SNAPSHOT_FILE_BYTES", 512.0 * MIB, "bytes", "bytes of one embedded snapshot file")

ALL_LIMITS = (RETRY_AFTER_S, FETCH_DEADLINE_S, RESPONSE_BYTES, ZIP_MEMBER_BYTES, ARCHIVE_BYTES, PAGES, REDIRECTS, FILE_BYTES,
              SNAPSHOT_FILE_BYTES)


class LimitExceeded(SourceError):
    """An input went past one of the limits above; the message names the limit and its variable."""

    def __init__(self, source: str, limit: Limit, what: str, in_force: float):
        self.limit = limit
        shown = f"{in_force:,.0f}" if in_force >= 10 else f"{in_force:g}"
        super().__init__(source, f"{what}: over the limit of {shown} {limit.unit} ({limit.description}; "
                                 f"raise it with {limit.variable})")
