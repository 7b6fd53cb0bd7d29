"""The ``greenbridge footprint`` command: check the arguments and the specs, compute, print.

``--spec FILE.json`` computes one spec and prints a table, or JSON with ``--json``. ``--specs FILE``
(``.jsonl``, ``.csv``, ``.parquet``; see batch.py for the columns) computes every row and writes one
output row per input row (``--out FILE``, format by extension; default JSON lines on standard
output): the row number, the columns of ``fct_vehicle_footprint``, and ``error_field``/``error`` for
a row that could not be computed. Each failed row is also reported on standard error
(``row N: <field>: <reason>``, the first ``ERRORS_SHOWN``), with a count at the end.

Exit codes: 0 computed (every row of a batch); 1 no publication to compute against (run
``greenbridge refresh``), or the method failed; 2 a bad spec or argument (the message names the
field), found before the publication is opened, or a batch file that cannot be read; 3 a batch in
which some rows failed (the others are computed and written).
"""

from __future__ import annotations

import argparse
import json
import sys

import duckdb
import pyarrow.compute as pc

from orchestration.calculator.batch import BatchError, batch_defaults, read_batch_file
from orchestration.calculator.compute import FootprintRequest, ReferenceNotReady, compute_batch, compute_footprint
from orchestration.calculator.spec import SpecError, check_arguments, load_spec
from orchestration.calculator.writers import BatchWriter, output_format

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_ROWS_FAILED = 0, 1, 2, 3
ERRORS_SHOWN = 20


def footprint_command(args: argparse.Namespace) -> int:
    if args.specs is not None:
        return _batch_command(args)
    try:
        if args.out is not None:
            raise SpecError("--out: applies to a batch (--specs); --spec prints its footprint")
        for option, value in (("--market", args.market), ("--year", args.year)):
            if value is None:
                raise SpecError(f"{option}: required with --spec")
        market, year, lifetime_km = check_arguments(args.market, args.year, args.lifetime_km)
        request = FootprintRequest(load_spec(args.spec), market, year, lifetime_km)
        result = compute_footprint(request, _paths(args))
        as_json = _json(result)  # also run for the table: a non-finite number is a failure either way
        output = as_json if args.json else _table(result)
    except SpecError as error:
        return _fail(error, EXIT_USAGE)
    except (ReferenceNotReady, RuntimeError, duckdb.Error) as error:
        return _fail(error, EXIT_FAILED)
    print(output)
    return EXIT_OK


def _batch_command(args: argparse.Namespace) -> int:
    try:
        output_format(args.out)
        defaults = batch_defaults(args.market, args.year, args.lifetime_km)
        chunks = read_batch_file(args.specs)
    except (SpecError, BatchError) as error:
        return _fail(error, EXIT_USAGE)
    computed = failed = 0
    writer = None
    try:
        for table in compute_batch(chunks, defaults, _paths(args)):
            if writer is None:
                writer = BatchWriter(args.out)
            writer.write(table)
            errors = table.filter(pc.is_valid(table.column("error")))
            for row, field, message in zip(*(errors.column(name).to_pylist() for name in ("row", "error_field", "error"))):
                if failed < ERRORS_SHOWN:
                    print(f"greenbridge footprint: row {row}: {_with_field(field, message)}", file=sys.stderr)
                failed += 1
            computed += table.num_rows - errors.num_rows
        if writer is None:  # an empty batch still writes an (empty) output
            writer = BatchWriter(args.out)
        writer.close()
    except BatchError as error:
        _abort(writer)
        return _fail(error, EXIT_USAGE)
    except (ReferenceNotReady, RuntimeError, duckdb.Error) as error:
        _abort(writer)
        return _fail(error, EXIT_FAILED)
    except BaseException:
        _abort(writer)
        raise
    if failed > ERRORS_SHOWN:
        print(f"greenbridge footprint: ... and {failed - ERRORS_SHOWN:,} more failed rows (see the output's error column)",
              file=sys.stderr)
    print(f"greenbridge footprint: {computed:,} rows computed, {failed:,} failed"
          + (f"; written to {args.out}" if args.out is not None else ""), file=sys.stderr)
    return EXIT_ROWS_FAILED if failed else EXIT_OK


def _paths(args: argparse.Namespace):
    from orchestration.settings import Settings
    from warehouse.paths import DataPaths

    return DataPaths.at(args.data_dir or Settings.from_env().data_dir)


def _with_field(field: str, message: str) -> str:
    """The message, led by the field when the message does not already name it."""
    return message if field in message.split(":", 1)[0] else f"{field}: {message}"


def _abort(writer: BatchWriter | None) -> None:
    if writer is not None:
        writer.abort()


def _fail(error: Exception, exit_code: int) -> int:
    print(f"greenbridge footprint: {error}", file=sys.stderr)
    return exit_code


def _json(result: dict) -> str:
    # allow_nan=False: NaN or Infinity would make the output invalid JSON for every strict reader.
    try:
        return json.dumps(result, indent=2, allow_nan=False)
    except ValueError:
        raise RuntimeError("the footprint method returned a number that is not finite (NaN or infinity)") from None


def _table(result: dict) -> str:
    lifetime_km = result["lifetime_km"]
    core = set(result["core_boundary_stages"])
    lines = [
        f"{result['model']} in {result['market']}, registered {result['year']}: "
        f"{lifetime_km:,.0f} km lifetime, methodology {result['methodology_version']}",
        f"  {'stage':<16} {'kg CO2e':>10} {'g CO2e/km':>10}",
    ]
    for stage, kg in result["stages_kg"].items():
        marker = "" if stage in core else "  (outside core boundary)"
        lines.append(f"  {stage:<16} {kg:>10,.0f} {result['stages_g_per_km'][stage]:>10.1f}{marker}")
    lines.append(f"  {'total (core)':<16} {result['total_kg']:>10,.0f} {result['g_per_km']:>10.1f}")
    return "\n".join(lines)
