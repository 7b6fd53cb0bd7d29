"""Attacks on the live code path, replayed on 127.0.0.1 with fake keys: redirects that would carry a
key to another host, keyed calls sent where they must not go, servers and gateways echoing the key
(raw and percent-encoded), servers that never finish (Retry-After, a slow drip), bodies that inflate
(gzip and zip bombs), servers that announce endless pages, and connection failures told apart."""

import gzip
import io
import json
import re
import time
import zipfile

import pytest
import requests
from urllib3.exceptions import NameResolutionError

from connectors import comtrade, credentials, ember, epa_fueleconomy, worldbank
from connectors.errors import SourceError
from connectors.http import HttpPolicy, _connection_cause, _redirect_refusal, build_session, get_bytes
from connectors.limits import LimitExceeded
from connectors.provenance import redact_url
from tests.local_http import loopback_switch, scripted_server

FAST = HttpPolicy(connect_timeout_s=2, read_timeout_s=2, max_retries=2, backoff_factor_s=0.01, min_interval_s=0)
COMTRADE_KEY = "fake-comtrade-key-5d1e"
# A key with the characters percent-encoding changes (+ / =), as base64 keys have.
EMBER_KEY = "fake+ember/key=9Qx7"
EMPTY_COMTRADE = json.dumps({"count": 0, "data": [], "error": ""}).encode()


def _comtrade(base_url, key=COMTRADE_KEY):
    return comtrade.fetch_live(build_session(FAST), "2024-12", key, base_url=base_url)


def _key_nowhere(*texts: str, key: str = COMTRADE_KEY) -> None:
    forms = credentials.secret_forms(key)
    for text in texts:
        assert not any(form in text for form in forms), f"a form of the key leaked into: {text[:300]}"


# 1. Keys never follow redirects -------------------------------------------------------------------

def test_a_keyed_call_never_follows_a_redirect_to_another_port():
    with scripted_server([(200, {}, EMPTY_COMTRADE)]) as (other_host, other_log):
        redirect = [(302, {"Location": f"{other_host}/steal"}, b"")]
        with scripted_server(redirect) as (base_url, log):
            with pytest.raises(SourceError, match=r"redirecting to .*never follows a redirect") as error:
                _comtrade(base_url)
    assert len(log) == 1 and log.headers[0].get("Ocp-Apim-Subscription-Key") == COMTRADE_KEY
    assert other_log == [], "the redirect target must receive nothing"
    _key_nowhere(str(error.value))


def test_an_unkeyed_call_follows_a_redirect_on_the_same_host_but_not_to_link_local_or_down_to_http():
    body = b"year,value\n2024,1\n"
    with scripted_server([(302, {"Location": "/moved.csv"}, b""), (200, {}, body)]) as (base_url, log):
        answer = get_bytes(build_session(FAST), "owid_energy", f"{base_url}/data.csv")
    assert answer.content == body and log == ["/data.csv", "/moved.csv"]
    metadata = [(302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b"")]
    with scripted_server(metadata) as (base_url, log):
        with pytest.raises(SourceError, match=r"redirected to http://169\.254\.169\.254/.*not public"):
            get_bytes(build_session(FAST), "owid_energy", f"{base_url}/data.csv")
    assert _redirect_refusal("https://example.org/a", "http://example.org/a") == "a downgrade from https to http"
    assert _redirect_refusal("https://example.org/a", "file:///etc/passwd").startswith("not an http(s) URL")
    assert _redirect_refusal("https://example.org/a", "https://10.0.0.8/a").startswith("an address that is not public")
    assert _redirect_refusal("https://example.org/a", "https://cdn.example.net/a") is None


def test_an_endless_redirect_loop_stops_at_the_limit(monkeypatch):
    monkeypatch.setenv("GREENBRIDGE_LIMIT_REDIRECTS", "3")
    with scripted_server([(302, {"Location": "/again"}, b"")]) as (base_url, log):
        with pytest.raises(LimitExceeded, match=r"redirects .*GREENBRIDGE_LIMIT_REDIRECTS"):
            get_bytes(build_session(FAST), "owid_energy", f"{base_url}/start")
    assert len(log) == 4


# 2. Keyed calls go only to their allow-listed host over https --------------------------------------

def test_a_keyed_call_goes_over_https_to_its_own_host_only_and_nothing_is_sent_otherwise(monkeypatch):
    with scripted_server([(200, {}, EMPTY_COMTRADE)], keyed_loopback=False) as (base_url, log):
        with pytest.raises(SourceError, match=r"refused to call .* https only, not http") as error:
            _comtrade(base_url)
        # An allow-listed mirror must still be https: plain http is never allowed outside tests.
        monkeypatch.setenv("GREENBRIDGE_KEY_HOSTS_COMTRADE", base_url.removeprefix("http://"))
        with pytest.raises(SourceError, match=r"https only"):
            _comtrade(base_url)
    assert log == [], "no request may leave with the key"
    _key_nowhere(str(error.value))
    refusal = credentials.keyed_destination_refusal("comtrade", "https://mirror.example/data")
    assert "mirror.example:443 is not allowed" in refusal and "GREENBRIDGE_KEY_HOSTS_COMTRADE" in refusal
    assert credentials.keyed_destination_refusal("comtrade", comtrade.DATA_URL) is None
    assert credentials.keyed_destination_refusal("ember", "https://user:pw@api.ember-energy.org/v1") is not None
    monkeypatch.setenv("GREENBRIDGE_KEY_HOSTS_COMTRADE", "mirror.example, other.example:8443")
    assert credentials.keyed_destination_refusal("comtrade", "https://mirror.example/data") is None
    assert credentials.keyed_destination_refusal("comtrade", "https://other.example:8443/data") is None
    assert credentials.keyed_destination_refusal("comtrade", "https://other.example/data") is not None


def test_a_key_too_short_to_scrub_is_neither_used_nor_sent(monkeypatch):
    monkeypatch.setenv("COMTRADE_API_KEY", "abc123")
    with pytest.raises(ValueError, match=r"COMTRADE_API_KEY holds 6 characters.*not used"):
        comtrade.api_key_from_env()
    with scripted_server([(200, {}, EMPTY_COMTRADE)]) as (base_url, log):
        with pytest.raises(SourceError, match=r"too short .*not sent"):
            _comtrade(base_url, key="abc123")
    assert log == []


# 4. Echoed keys are scrubbed or refused -------------------------------------------------------------

def test_a_gateway_echoing_the_key_in_an_error_is_refused_without_quoting_it():
    echo = json.dumps({"statusCode": 401, "message": f"Access denied due to invalid subscription key {COMTRADE_KEY}"})
    with scripted_server([(401, {}, echo.encode())]) as (base_url, _):
        with pytest.raises(SourceError, match=r"\[comtrade\] the answer from .* contains an active API key") as error:
            _comtrade(base_url)
    _key_nowhere(str(error.value), repr(error.value.args))


def test_a_percent_encoded_echo_of_a_key_with_plus_slash_equals_is_refused_and_scrubbed():
    encoded = requests.utils.quote(EMBER_KEY, safe="")
    assert encoded != EMBER_KEY and "%2B" in encoded
    lower_hex = re.sub(r"%[0-9A-F]{2}", lambda match: match.group(0).lower(), encoded)
    echo = json.dumps({"detail": f"bad key at /carbon-intensity/yearly?api_key={lower_hex}"}).encode()
    with scripted_server([(200, {}, echo)]) as (base_url, log):
        with pytest.raises(SourceError, match="contains an active API key") as error:
            ember.fetch_live(build_session(FAST), EMBER_KEY, 2023, 2024, base_url=base_url)
    assert f"api_key={encoded}" in log[0]  # the key went out, percent-encoded...
    _key_nowhere(str(error.value), key=EMBER_KEY)  # ...and comes back in no message
    # Every SourceError is scrubbed of every registered key in every spelling.
    for form in credentials.secret_forms(EMBER_KEY):
        assert "***" in str(SourceError("ember", f"echo {form}")) and form not in str(SourceError("ember", form))


def test_stored_urls_keep_no_userinfo_no_signature_and_only_known_parameters():
    url = ("https://alice:s3cret@mirror.example:8443/v1/carbon-intensity/yearly?entity_code=IDN&api_key=abc"
           "&sig=xyz&X-Amz-Signature=def&auth=ghi&start_date=2020#frag")
    stored = redact_url(url)
    assert stored == "https://mirror.example:8443/v1/carbon-intensity/yearly?entity_code=IDN&start_date=2020"


def test_a_comtrade_error_text_echoing_a_registered_key_is_scrubbed():
    credentials.register(COMTRADE_KEY)
    with pytest.raises(SourceError, match=r"Comtrade returned an error: invalid key \*\*\*") as error:
        comtrade.parse(json.dumps({"error": f"invalid key {COMTRADE_KEY}"}).encode())
    _key_nowhere(str(error.value))


# 5. Every wait and every byte has a limit ---------------------------------------------------------

def test_a_retry_after_beyond_the_limit_fails_at_once_naming_the_limit():
    with scripted_server([(429, {"Retry-After": "21600"}, b"come back tomorrow")]) as (base_url, log):
        started = time.monotonic()
        with pytest.raises(LimitExceeded, match=r"retry after 21,600 s: over the limit of 120 seconds.*"
                                                r"GREENBRIDGE_LIMIT_RETRY_AFTER_S"):
            get_bytes(build_session(FAST), "worldbank", f"{base_url}/v2/country")
    assert time.monotonic() - started < 5 and len(log) == 1


def test_a_server_dripping_bytes_under_the_read_timeout_is_stopped_by_the_fetch_deadline(monkeypatch):
    monkeypatch.setenv("GREENBRIDGE_LIMIT_FETCH_DEADLINE_S", "1.5")
    dripping = [(200, {}, b"x" * 4000, {"drip_s": 0.2})]  # 8 bytes every 0.2 s: under the 2 s read timeout
    with scripted_server(dripping) as (base_url, _):
        started = time.monotonic()
        with pytest.raises(LimitExceeded, match=r"the body of .* was still arriving at the deadline: over the limit of 1\.5 seconds.*"
                                                r"GREENBRIDGE_LIMIT_FETCH_DEADLINE_S"):
            get_bytes(build_session(FAST), "owid_energy", f"{base_url}/owid-energy-data.csv")
    assert time.monotonic() - started < 4


def test_retries_stop_at_the_fetch_deadline(monkeypatch):
    monkeypatch.setenv("GREENBRIDGE_LIMIT_FETCH_DEADLINE_S", "1")
    patient = HttpPolicy(connect_timeout_s=2, read_timeout_s=2, max_retries=10, backoff_factor_s=0.3, min_interval_s=0)
    with scripted_server([(503, {}, b"busy")]) as (base_url, log):
        with pytest.raises(LimitExceeded, match=r"retrying .* after HTTP 503 would pass the deadline: over the limit of 1 seconds"):
            get_bytes(build_session(patient), "worldbank", f"{base_url}/v2/country")
    assert 1 < len(log) < 10


def test_a_gzip_bomb_stops_at_the_byte_cap_after_decompression(monkeypatch):
    monkeypatch.setenv("GREENBRIDGE_LIMIT_RESPONSE_BYTES_OWID_ENERGY", str(1024 * 1024))
    bomb = gzip.compress(b"0" * (64 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 200_000
    with scripted_server([(200, {"Content-Encoding": "gzip"}, bomb)]) as (base_url, _):
        with pytest.raises(LimitExceeded, match=r"\(decompressed\): over the limit of 1,048,576 bytes.*"
                                                r"GREENBRIDGE_LIMIT_RESPONSE_BYTES"):
            get_bytes(build_session(FAST), "owid_energy", f"{base_url}/owid-energy-data.csv")
    # The per-source variable applies to that source only: another source's cap is the default.
    with scripted_server([(200, {"Content-Encoding": "gzip"}, bomb)]) as (base_url, _):
        answer = get_bytes(build_session(FAST), "worldbank", f"{base_url}/v2")
    assert len(answer.content) == 64 * 1024 * 1024


def _zip(member_bytes: bytes, declared_size: int | None = None, encrypted: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("vehicles.csv")
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, member_bytes)
    content = buffer.getvalue()
    if encrypted:
        # Set the "encrypted" bit of the general-purpose flags in the central directory record.
        central = content.rindex(b"PK\x01\x02")
        flags = int.from_bytes(content[central + 8:central + 10], "little") | 0x1
        content = content[:central + 8] + flags.to_bytes(2, "little") + content[central + 10:]
    if declared_size is not None:
        # Rewrite the uncompressed size in the central directory record, as a bomb would declare it.
        central = content.rindex(b"PK\x01\x02")
        content = content[:central + 24] + declared_size.to_bytes(4, "little") + content[central + 28:]
    return content


def test_a_zip_member_declaring_more_than_the_limit_is_refused_before_it_is_inflated(monkeypatch):
    monkeypatch.setenv("GREENBRIDGE_LIMIT_ZIP_MEMBER_BYTES", str(1024 * 1024))
    bomb = _zip(b"0" * (8 * 1024 * 1024))
    with pytest.raises(LimitExceeded, match=r"zip member vehicles.csv declares 8,388,608 bytes.*"
                                            r"GREENBRIDGE_LIMIT_ZIP_MEMBER_BYTES"):
        epa_fueleconomy.parse(bomb)
    # A member lying about its size is inflated no further than it declares, then fails its CRC.
    liar = _zip(b"0" * (8 * 1024 * 1024), declared_size=1000)
    with pytest.raises(SourceError, match=r"not a readable zip \(BadZipFile"):
        epa_fueleconomy.parse(liar)


def test_an_encrypted_zip_member_is_a_source_error_naming_it():
    with pytest.raises(SourceError, match=r"\[epa_fueleconomy\] zip member vehicles.csv is encrypted"):
        epa_fueleconomy.parse(_zip(b"id,year\n1,2024\n", encrypted=True))


def test_world_bank_announcing_endless_pages_is_refused_on_the_first_page():
    page = json.dumps([{"page": 1, "pages": 100000, "per_page": 1, "total": 100000, "lastupdated": "2024-12-16"},
                       []]).encode()
    with scripted_server([(200, {}, page)]) as (base_url, log):
        with pytest.raises(LimitExceeded, match=r"announces 100,000 pages: over the limit of 200 pages.*"
                                                r"GREENBRIDGE_LIMIT_PAGES"):
            worldbank.fetch_live(build_session(FAST), "SP.POP.TOTL", ["IDN"], 2020, 2024, base_url=base_url)
    assert len(log) == 1


# 9. A refused connection, a failed name lookup and a timeout are told apart -------------------------

def test_a_refused_connection_is_reported_as_refused_not_as_a_timeout():
    with scripted_server([(200, {}, b"")]) as (base_url, _):
        closed_port = base_url  # the server stops at the end of the block; its port is then closed
    with loopback_switch(True):
        with pytest.raises(SourceError, match=r"\[worldbank\] connection refused fetching .*after 3 attempts"):
            get_bytes(build_session(FAST), "worldbank", f"{closed_port}/v2/country")


def test_a_read_timeout_and_a_failed_name_lookup_are_named_as_such():
    with scripted_server([(200, {}, b"late", {"delay_s": 1.0})]) as (base_url, _):
        impatient = HttpPolicy(connect_timeout_s=1, read_timeout_s=0.2, max_retries=0, backoff_factor_s=0, min_interval_s=0)
        with pytest.raises(SourceError, match=r"timed out waiting for the answer fetching"):
            get_bytes(build_session(impatient), "worldbank", f"{base_url}/v2/country")
    # A real urllib3 name-resolution failure, as requests raises it (no lookup is sent from here).
    lookup = NameResolutionError("api.worldbank.org", None, OSError("Name or service not known"))
    error = requests.ConnectionError(lookup)
    assert _connection_cause(error) == "name lookup failed (DNS)"
