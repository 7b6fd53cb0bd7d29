"""The warehouse layer: where Greenbridge keeps data between runs.

Belongs here: the data-dir layout, DuckDB access (single writer), the content-addressed store of
raw source bytes, table contracts (the one definition of every table's columns, types, units and
rules, from which pandera, pyarrow and dbt docs are generated) and atomic Parquet publication.
Does not belong here: fetching from sources (connectors/) or Dagster wiring (orchestration/).
"""
