"""The ``greenbridge export pact`` command: the published footprints as PACT v3 ProductFootprints
(products/pact.py), every object validated against products/pact_schema.json before anything is
written.

``greenbridge export pact [--market ISO3] [--year YYYY] [--out FILE] [--company-name NAME]
[--company-id URN ...] [--data-dir DIR]`` reads the last publication of the data dir and writes a
JSON array (default: standard output). ``--market`` keeps the footprints with a row in that market
and only its use-phase entry in the extension; ``--year`` one registration year. The data owner is
``--company-name``/``--company-id``, else GREENBRIDGE_PACT_COMPANY_NAME/_IDS, else each car's make.

Exit codes: 0 written; 1 no publication, or the marts cannot be exported (a missing value, an
object failing the schema: named by id and JSON path, nothing written); 2 a usage error (an unknown
market, a year without footprints, a malformed argument), one line on standard error.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
MARKET_PATTERN = re.compile(r"^[A-Z][A-Z0-9]{2,3}$")  # ISO 3166-1 alpha-3, or EU27


def add_pact_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``export`` (with its sub-subcommand ``pact``) to the ``greenbridge`` subcommands."""
    from warehouse.paths import DEFAULT_DATA_DIR

    export = commands.add_parser("export", help="export the published footprints in an exchange format")
    formats = export.add_subparsers(dest="export_format", required=True, metavar="FORMAT")
    pact = formats.add_parser("pact", help="PACT v3 ProductFootprints (cradle-to-gate; the use phase per market in an extension)")
    pact.add_argument("--market", default=None, help="only footprints with a row in this market, and only its use phase (e.g. IDN, EU27)")
    pact.add_argument("--year", type=int, default=None, help="registration year, e.g. 2024 (default: every year)")
    pact.add_argument("--out", type=Path, default=None, help="write the JSON array to this file (default: standard output)")
    pact.add_argument("--company-name", default=None,
                      help="data owner's name (default: GREENBRIDGE_PACT_COMPANY_NAME, else each car's make)")
    pact.add_argument("--company-id", dest="company_ids", action="extend", nargs="+", metavar="URN", default=None,
                      help="data owner's ids, URNs (default: GREENBRIDGE_PACT_COMPANY_IDS, else urn:greenbridge:company:<name>)")
    pact.add_argument("--data-dir", type=Path, default=None,
                      help=f"data root holding the publication (default: ./{DEFAULT_DATA_DIR})")
    return export


def export_command(args: argparse.Namespace) -> int:
    from products.pact import (CompanySettings, PactExportError, PactSelectionError, pact_json, product_footprints,
                               validate_footprints, write_bytes_atomically)
    from products.source import ProductSource, PublicationMissing
    from warehouse.paths import DEFAULT_DATA_DIR

    if getattr(args, "export_format", "pact") != "pact":
        return _fail(f"unknown export format {args.export_format!r} (known: pact)", EXIT_USAGE)
    market = args.market.strip().upper() if args.market else None
    if market is not None and not MARKET_PATTERN.match(market):
        return _fail(f"--market {args.market!r}: a market code is ISO 3166-1 alpha-3 (e.g. IDN) or EU27", EXIT_USAGE)
    if args.company_ids and not args.company_name:
        return _fail("--company-id needs --company-name (the ids name one data owner)", EXIT_USAGE)
    try:
        company = CompanySettings.named(args.company_name, args.company_ids or ()) if args.company_name else None
    except ValueError as error:
        return _fail(f"--company-name/--company-id: {error}", EXIT_USAGE)
    try:
        source = ProductSource.from_publication(args.data_dir or DEFAULT_DATA_DIR)
    except PublicationMissing as error:
        return _fail(str(error), EXIT_FAILED)
    with source:
        try:
            footprints = product_footprints(source, market, args.year, company)
            validate_footprints(footprints)  # every object, before a byte is written
        except PactSelectionError as error:
            return _fail(str(error), EXIT_USAGE)
        except ValueError as error:  # PactExportError, PactSchemaError, a malformed GREENBRIDGE_PACT_* variable
            return _fail(str(error), EXIT_FAILED if isinstance(error, PactExportError) else EXIT_USAGE)
    content = pact_json(footprints)
    if args.out is None:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
    else:
        try:
            write_bytes_atomically(args.out, content)
        except OSError as error:
            return _fail(f"--out {args.out}: {error.strerror or error}", EXIT_FAILED)
        print(f"greenbridge export pact: {len(footprints)} product footprints -> {args.out}", file=sys.stderr)
    return EXIT_OK


def _fail(message: str, code: int) -> int:
    print(f"greenbridge export pact: {message}", file=sys.stderr)
    return code
