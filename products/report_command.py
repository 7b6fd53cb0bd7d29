"""The ``greenbridge report`` command: one vehicle's carbon footprint report from the current
publication, as HTML, JSON and PDF.

``greenbridge report --model ID --market ISO3 --year YYYY [--out DIR] [--format html,pdf,json]
[--verification FILE.json] [--data-dir DIR]``

Exit codes: 0 written (the paths are printed, one a line); 1 no publication in the data dir (run
``greenbridge refresh``), or no Chromium for a PDF (the message says how to install it), or
Chromium failed; 2 a usage error, with one line naming the problem: an unknown format, a malformed
market or year, a model/market/year without a footprint (with the near ids or the markets and
years there are), a verification file that cannot be read or lacks a field. The data dir defaults
to ``$GREENBRIDGE_DATA_DIR`` or ``./data``, as for ``greenbridge footprint``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
DATA_DIR_VARIABLE = "GREENBRIDGE_DATA_DIR"  # as orchestration/settings.py reads it for the other commands
DEFAULT_FORMATS = "html,json,pdf"
VERIFICATION_MAX_BYTES = 64 * 1024  # a verification statement is a few hundred bytes
_MARKET = re.compile(r"[A-Z0-9]{2,8}")


class _Usage(ValueError):
    """A problem with the command line; the message names the option."""


def add_report_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``report`` to the ``greenbridge`` subcommands and return its parser."""
    from warehouse.paths import DEFAULT_DATA_DIR

    report = commands.add_parser(
        "report", help="carbon footprint report of one vehicle in a market and year (HTML, JSON, PDF)")
    report.add_argument("--model", required=True, help="model id, e.g. byd_dolphin_60kwh_2023 (dim_vehicle_model.model_id)")
    report.add_argument("--market", required=True, help="market code, e.g. THA, IDN, EU27")
    report.add_argument("--year", required=True, type=int, help="registration year, e.g. 2024")
    report.add_argument("--out", type=Path, default=Path("."), help="folder to write the report into (default: .)")
    report.add_argument("--format", default=DEFAULT_FORMATS,
                        help=f"comma-separated formats among html, json, pdf (default: {DEFAULT_FORMATS}; pdf needs Chromium)")
    report.add_argument("--verification", type=Path, default=None,
                        help="a third-party verification, a JSON file with verifier, date (YYYY-MM-DD) and statement")
    report.add_argument("--data-dir", type=Path, default=None,
                        help=f"data root holding the publication (default: ${DATA_DIR_VARIABLE} or ./{DEFAULT_DATA_DIR})")
    return report


def report_command(args: argparse.Namespace) -> int:
    from products.browser import ChromiumMissing, find_chromium
    from products.report_data import ReportNotFound
    from products.report_files import check_formats, write_report
    from products.source import ProductSource, PublicationMissing
    from warehouse.paths import DEFAULT_DATA_DIR

    try:
        formats = check_formats(str(args.format).split(","))
        market = _market(args.market)
        year = _year(args.year)
        verification = _verification(args.verification) if args.verification is not None else None
    except ValueError as error:  # _Usage, and check_formats / check_verification's ValueError
        return _fail(error, EXIT_USAGE)
    try:
        if "pdf" in formats:
            find_chromium()  # before the publication is opened: nothing is written without it
        data_dir = args.data_dir or Path(os.environ.get(DATA_DIR_VARIABLE, DEFAULT_DATA_DIR))
        with ProductSource.from_publication(data_dir) as source:
            written = write_report(source, str(args.model).strip(), market, year, Path(args.out), formats,
                                   verification)
    except ReportNotFound as error:
        return _fail(error, EXIT_USAGE)
    except (ChromiumMissing, PublicationMissing) as error:
        return _fail(error, EXIT_FAILED)
    except RuntimeError as error:  # Chromium ran but printed no PDF
        return _fail(error, EXIT_FAILED)
    except OSError as error:
        return _fail(f"--out: cannot write into {args.out}: {error.strerror or error}", EXIT_FAILED)
    for path in written:
        print(path)
    return EXIT_OK


def _market(market: object) -> str:
    text = str(market or "").strip().upper()
    if not _MARKET.fullmatch(text):
        raise _Usage(f"--market: expected a market code such as THA or EU27, got {market!r}")
    return text


def _year(year: object) -> int:
    if isinstance(year, bool):
        raise _Usage(f"--year: expected a registration year such as 2024, got {year!r}")
    try:
        value = int(year)
    except (TypeError, ValueError):
        raise _Usage(f"--year: expected a registration year such as 2024, got {year!r}") from None
    if not 1900 <= value <= 2100:
        raise _Usage(f"--year: expected a registration year such as 2024, got {year!r}")
    return value


def _verification(path: Path) -> dict:
    """The verification file, read and checked (report_data.check_verification names the field)."""
    from products.report_data import check_verification

    try:
        with open(path, "rb") as handle:
            raw = handle.read(VERIFICATION_MAX_BYTES + 1)
    except FileNotFoundError:
        raise _Usage(f"--verification: file {path} not found") from None
    except OSError as error:
        raise _Usage(f"--verification: file {path} cannot be read: {error.strerror}") from None
    if len(raw) > VERIFICATION_MAX_BYTES:
        raise _Usage(f"--verification: file {path} is larger than {VERIFICATION_MAX_BYTES:,} bytes")
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise _Usage(f"--verification: file {path} is not UTF-8 JSON: {error}") from None
    try:
        return check_verification(document)
    except ValueError as error:
        raise _Usage(f"--verification: {error}") from None


def _fail(error: object, code: int) -> int:
    message = " ".join(str(error).split())  # one line, whatever the message held
    print(f"greenbridge report: {message}", file=sys.stderr)
    return code
