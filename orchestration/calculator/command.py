"""The ``greenbridge footprint`` command: check the arguments and the spec, compute, print (a table,
or JSON with ``--json``). Exit codes: 0 computed; 2 bad spec or arguments (the message names the
field), found before the warehouse is opened; 1 the warehouse is not built, dbt failed, or the
method returned a number that is not finite."""

from __future__ import annotations

import argparse
import json
import sys

from orchestration.calculator.compute import FootprintRequest, WarehouseNotReady, compute_footprint
from orchestration.calculator.spec import SpecError, check_arguments, load_spec

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def footprint_command(args: argparse.Namespace) -> int:
    from orchestration.settings import Settings
    from warehouse.paths import DataPaths

    try:
        market, year, lifetime_km = check_arguments(args.market, args.year, args.lifetime_km)
        request = FootprintRequest(load_spec(args.spec), market, year, lifetime_km)
        data_dir = args.data_dir or Settings.from_env().data_dir
        result = compute_footprint(request, DataPaths.at(data_dir))
        as_json = _json(result)  # also run for the table: a non-finite number is a failure either way
        output = as_json if args.json else _table(result)
    except SpecError as error:
        return _fail(error, EXIT_USAGE)
    except (WarehouseNotReady, RuntimeError) as error:
        return _fail(error, EXIT_FAILED)
    print(output)
    return EXIT_OK


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
        lines.append(f"  {stage:<16} {kg:>10,.0f} {kg * 1000 / lifetime_km:>10.1f}{marker}")
    lines.append(f"  {'total (core)':<16} {result['total_kg']:>10,.0f} {result['g_per_km']:>10.1f}")
    return "\n".join(lines)
