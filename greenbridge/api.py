"""``footprint`` and ``footprints``: the calculator (orchestration/calculator/) as Python functions.

A bad spec or argument raises ``SpecError`` (a ``ValueError``) naming the field, exactly as the
command line reports it; a data dir without a publication raises ``ReferenceNotReady`` (run
``greenbridge refresh``). In a batch a bad row does not raise: its ``error_field`` and ``error``
say why, and the other rows are computed.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from orchestration.calculator.batch import batch_defaults, read_batch_table
from orchestration.calculator.compute import FootprintRequest, ReferenceNotReady, compute_batch, compute_footprint
from orchestration.calculator.output import OUTPUT_SCHEMA
from orchestration.calculator.spec import SpecError, check_arguments, parse_labels, parse_spec

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ReferenceNotReady", "SpecError", "footprint", "footprints"]


def footprint(spec: Mapping, market: str, year: int, lifetime_km: float | None = None,
              data_dir: str | Path | None = None) -> dict:
    """The footprint of one spec (the spec file's JSON object, ``consumption`` nested) registered
    in ``market`` in ``year``: the dict ``greenbridge footprint --json`` prints."""
    market, year, lifetime_km = check_arguments(market, _integer(year), lifetime_km)
    document = dict(spec)
    request = FootprintRequest(parse_spec(document), market, year, lifetime_km, parse_labels(document))
    return compute_footprint(request, _paths(data_dir))


def footprints(specs: "pd.DataFrame | pa.Table | Iterable[Mapping]", market: str | None = None,
               year: int | None = None, lifetime_km: float | None = None,
               data_dir: str | Path | None = None) -> pa.Table:
    """Footprints of a batch: a pandas frame or Arrow table with one spec per row (consumption
    flattened into ``consumption_basis``, ``fuel_l_per_100km``, ``electricity_kwh_per_100km``, or a
    struct column ``consumption``), or spec dicts as in a spec file. ``market``, ``year`` and
    ``lifetime_km`` apply to the rows that do not give their own (columns of those names)."""
    defaults = batch_defaults(market, _integer(year), lifetime_km)
    if isinstance(specs, pa.Table):
        chunks = read_batch_table(specs)
    elif hasattr(specs, "to_dict") and hasattr(specs, "columns"):  # a pandas DataFrame
        chunks = read_batch_table(pa.Table.from_pandas(specs, preserve_index=False))
    else:
        chunks = [[(row, document, False) for row, document in enumerate(specs, start=1)]]
    tables = list(compute_batch(chunks, defaults, _paths(data_dir)))
    return pa.concat_tables(tables) if tables else OUTPUT_SCHEMA.empty_table()


def _integer(year):
    """A year as notebooks hold it (a numpy integer) as the int the spec rules take."""
    return int(year) if isinstance(year, numbers.Integral) and not isinstance(year, bool) else year


def _paths(data_dir: str | Path | None):
    from orchestration.settings import Settings
    from warehouse.paths import DataPaths

    return DataPaths.at(data_dir if data_dir is not None else Settings.from_env().data_dir)
