"""``greenbridge footprint``: footprints of vehicle specs that are not in the catalogue, computed by
the dbt method macro (``footprint_method``, compiled once) against the last publication's reference
data, without the warehouse. One module per concept:

- ``spec``: reading and checking a spec and the market, year and lifetime (no data needed);
- ``batch``: reading a batch (JSON lines, CSV, Parquet, Arrow) and checking each row with ``spec``;
- ``method``: compiling the macro into SQL with dbt, cached per method under ``<data>/calculator/``;
- ``reference``: the published ``reference.duckdb`` (the relations the method reads and its SQL):
  built at publish time, opened read-only at compute time;
- ``validation``: checks against the reference (market, chemistry, grid coverage);
- ``run``: the compiled SQL executed by DuckDB on the requests;
- ``output``: the method's rows as the ``--json`` dict or a batch table (``fct_vehicle_footprint``'s
  columns and each row's error); ``writers``: a batch table as JSON lines, CSV or Parquet;
- ``compute``: the steps put together; ``command``: the command line.

The Python API for notebooks is the top-level package ``greenbridge`` (``footprint``, ``footprints``).
"""
