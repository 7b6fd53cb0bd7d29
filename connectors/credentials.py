"""API keys: which sources take one, where a keyed call may go, and scrubbing keys out of text.

Keys come only from the process environment (``EMBER_API_KEY``, ``COMTRADE_API_KEY``). A keyed call
goes only over https to its source's own host (``KEYED_SOURCES``) or to a host the deployment adds
with ``GREENBRIDGE_KEY_HOSTS_<SOURCE>=host[:port],...`` (a mirror); it never follows a redirect.
``GREENBRIDGE_TEST_LOOPBACK=1`` (tests only) also lets keyed calls go to plain http on this machine's
loopback addresses, where the test servers run.

Every active key (those in the environment, and any a connector was handed and registered) is
scrubbed from messages, metadata and log lines in the forms a server or a library may echo it:
raw, percent-encoded (either case, ``+`` or ``%20`` for spaces) and JSON-escaped.

Belongs here: the list of keyed sources and the logic of where keys may travel and how they are
recognised. Not here: sending requests (``connectors.http``) or stored-URL redaction
(``connectors.provenance``).
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, quote_plus, urlsplit

MASK = "***"
TEST_LOOPBACK_VARIABLE = "GREENBRIDGE_TEST_LOOPBACK"
KEY_HOSTS_PREFIX = "GREENBRIDGE_KEY_HOSTS_"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# Real keys are 32 characters or more (Comtrade's hex keys, Ember's): a value this short could not be
# told apart from ordinary data when scrubbing or refusing bodies, so it is not accepted as a key.
MIN_SECRET_LENGTH = 12


@dataclass(frozen=True)
class KeyedSource:
    source: str
    variable: str
    host: str  # the only host the key goes to unless the deployment adds a mirror


KEYED_SOURCES = {
    "comtrade": KeyedSource("comtrade", "COMTRADE_API_KEY", "comtradeapi.un.org"),
    "ember": KeyedSource("ember", "EMBER_API_KEY", "api.ember-energy.org"),
}

_registered: set[str] = set()
_registered_lock = threading.Lock()


def key_from_env(source: str) -> str | None:
    """The key of ``source`` from its environment variable (blank counts as absent), registered for scrubbing."""
    keyed = KEYED_SOURCES[source]
    value = os.environ.get(keyed.variable, "").strip()
    if not value:
        return None
    if len(value) < MIN_SECRET_LENGTH:
        raise ValueError(f"{keyed.variable} holds {len(value)} characters; a real key has at least "
                         f"{MIN_SECRET_LENGTH}, and a shorter one could not be kept out of logs: not used")
    register(value)
    return value


def register(secret: str | None) -> None:
    """Scrub ``secret`` from everything written by this process from now on."""
    if secret and len(secret) >= MIN_SECRET_LENGTH:
        with _registered_lock:
            _registered.add(secret)


def active_secrets() -> set[str]:
    found = {os.environ.get(keyed.variable, "") for keyed in KEYED_SOURCES.values()}
    found |= {value.strip() for value in found}
    with _registered_lock:
        found |= _registered
    return {secret for secret in found if len(secret) >= MIN_SECRET_LENGTH}


def secret_forms(secret: str) -> set[str]:
    """The spellings under which ``secret`` may come back: raw, percent-encoded, JSON-escaped."""
    encoded = {quote(secret, safe=""), quote(secret), quote_plus(secret), quote(secret, safe="").replace("%20", "+")}
    lower_hex = {re.sub(r"%[0-9A-F]{2}", lambda match: match.group(0).lower(), form) for form in encoded}
    escaped = json.dumps(secret)[1:-1]
    return {secret, escaped, json.dumps(secret, ensure_ascii=False)[1:-1], *encoded, *lower_hex}


def _patterns() -> list[str]:
    forms = {form for secret in active_secrets() for form in secret_forms(secret)}
    # Longest first, so a percent-encoded form is masked whole rather than around its raw core.
    return sorted(forms, key=len, reverse=True)


def scrub(text: str) -> str:
    """``text`` with every active key, in every form, replaced by ``***``."""
    if not isinstance(text, str):
        return text
    for form in _patterns():
        if form in text:
            text = text.replace(form, MASK)
    return text


def scrub_value(value):
    """``scrub`` applied through nested dicts, lists and tuples (metadata, JSON documents)."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {scrub_value(key): scrub_value(item) for key, item in value.items()}
    if type(value) in (list, tuple):  # not subclasses: a NamedTuple is rebuilt differently
        return type(value)(scrub_value(item) for item in value)
    return value


def contains_secret(content: bytes) -> bool:
    """Whether ``content`` holds an active key in any form (an echoing server, or a file that is not data)."""
    if not content:
        return False
    return any(form.encode("utf-8") in content for form in _patterns())


def test_loopback_enabled() -> bool:
    """Whether the tests' switch lets calls go to this machine's loopback addresses."""
    return os.environ.get(TEST_LOOPBACK_VARIABLE, "").strip() == "1"


def keyed_destination_refusal(source: str, url: str) -> str | None:
    """Why a keyed call of ``source`` must not go to ``url`` (None: it may). Says nothing of the key."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port or {"https": 443, "http": 80}.get(parts.scheme)
    except ValueError:
        return f"the URL's port is not a number ({parts.netloc!r})"
    if parts.username or parts.password:
        return "the URL carries user information"
    if test_loopback_enabled() and host in LOOPBACK_HOSTS and parts.scheme in ("http", "https"):
        return None
    if parts.scheme != "https":
        return f"keyed sources are called over https only, not {parts.scheme or 'no scheme'}"
    if (host, port) not in set(allowed_key_hosts(source)):
        return (f"host {host}:{port} is not allowed to receive the {source} key (allowed: "
                f"{', '.join(f'{name}:{number}' for name, number in allowed_key_hosts(source))}; a mirror is added "
                f"with {KEY_HOSTS_PREFIX}{source.upper()})")
    return None


def allowed_key_hosts(source: str) -> list[tuple[str, int]]:
    hosts = [(KEYED_SOURCES[source].host, 443)]
    for item in os.environ.get(KEY_HOSTS_PREFIX + source.upper(), "").split(","):
        name, _, port = item.strip().lower().rpartition(":") if ":" in item else (item.strip().lower(), "", "443")
        if name and port.isdigit():
            hosts.append((name.strip("[]"), int(port)))
    return hosts


class ScrubSecretsFilter(logging.Filter):
    """Rewrites a log record so no active key survives in its message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = scrub(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        return True


SCRUB_FILTER = ScrubSecretsFilter()


def scrub_loggers(names: Iterable[str]) -> None:
    """Install the scrubbing filter on these loggers."""
    for name in names:
        logger = logging.getLogger(name)
        if SCRUB_FILTER not in logger.filters:
            logger.addFilter(SCRUB_FILTER)
