"""What a landing left in a data dir's warehouse, for tests of raw sources: the fetch-log rows and
the raw table, read back read-only."""

from pathlib import Path

import duckdb
import pandas as pd

FETCH_LOG_COLUMNS = "mode, url, http_status, sha256, byte_count, row_count, raw_path, licence"


def landed(data_dir: Path, table: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(raw.raw_fetch_log ordered by URL, raw.<table>) of ``data_dir``'s warehouse."""
    with duckdb.connect(str(data_dir / "warehouse" / "greenbridge.duckdb"), read_only=True) as connection:
        log = connection.sql(f"select {FETCH_LOG_COLUMNS} from raw.raw_fetch_log order by url").df()
        rows = connection.sql(f"select * from raw.{table}").df()
    return log, rows
