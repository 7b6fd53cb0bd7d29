"""The ``greenbridge footprint`` command: read the spec, compute, print (a table, or JSON with
``--json``). Exit codes: 0 computed; 2 bad spec or arguments (the message names the field);
1 the warehouse is not built or dbt failed."""

from __future__ import annotations

import argparse
import json
import sys

from orchestration.calculator.compute import FootprintRequest, WarehouseNotReady, compute_footprint
from orchestration.calculator.spec import SpecError, load_spec

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def footprint_command(args: argparse.Namespace) -> int:
    from orchestration.settings import Settings
    from warehouse.paths import DataPaths

    data_dir = args.data_dir or Settings.from_env().data_dir
    try:
        if args.lifetime_km is not None and not args.lifetime_km > 0:
            raise SpecError(f"--lifetime-km: must be > 0, got {args.lifetime_km:g}")
        if not 1990 <= args.year <= 2100:
            raise SpecError(f"--year: expected a year between 1990 and 2100, got {args.year}")
        request = FootprintRequest(load_spec(args.spec), args.market.strip().upper(), args.year, args.lifetime_km)
        result = compute_footprint(request, DataPaths.at(data_dir))
    except SpecError as error:
        print(f"greenbridge footprint: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (WarehouseNotReady, RuntimeError) as error:
        print(f"greenbridge footprint: {error}", file=sys.stderr)
        return EXIT_FAILED
    print(json.dumps(result, indent=2) if args.json else _table(result))
    return EXIT_OK


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
