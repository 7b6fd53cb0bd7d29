"""Greenbridge in Python (notebooks, scripts): life-cycle footprints of vehicle specs with the
project's method, against the last good publication of a data dir.

    from greenbridge import footprint, footprints

    footprint({"model": "My BEV", "powertrain": "BEV", ...}, "IDN", 2024)   # one spec -> dict
    footprints(frame, market="IDN", year=2024)                             # a batch -> pyarrow.Table

``footprint`` returns the dict ``greenbridge footprint --json`` prints; ``footprints`` a table with
one row per input row: ``row``, the columns of ``fct_vehicle_footprint`` and ``error_field`` /
``error`` (null where the row was computed). Both compute exactly as the published facts do (the
dbt method compiled once, run by DuckDB against the publication's ``reference.duckdb``; see
orchestration/calculator/), never open the warehouse and never wait for a refresh.

What belongs here: this thin public API only; the calculator itself is orchestration/calculator/.
"""

from greenbridge.api import footprint, footprints

__all__ = ["footprint", "footprints"]
