"""Assets by layer: ``raw`` (connectors land source data), ``dbt`` (parameters seeds, staging,
intermediate and marts models) and ``published`` (Parquet for BI tools)."""
