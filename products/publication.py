"""The products of one publication, written beside its tables: the pilot markets' front-runner
reports (``reports/``), the front-runner page of every market (``front_runners/``) and the PACT
exchange file of every footprint (``pact/product_footprints.json``).

``write_product_files`` runs in the publication step on the Arrow tables it publishes, once they are
written (``publish_tables(files_of_tables=)``), so a version's products describe exactly its tables and
cite their sha256 and the version; it returns the files as ``publish_tables`` takes them
(``<folder>/<file>`` -> path), switched in with the tables. A product that cannot be
built fails the publication: the previous one stays whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa

from products.naming import INDEX_FILE, PACT_DIR, PACT_FILE
from products.source import ProductSource


def write_product_files(tables: Mapping[str, pa.Table], run_id: str, folder: Path, version: str | None = None,
                        table_sha256: Mapping[str, str] | None = None) -> dict[str, Path]:
    from products.front_runner_page import write_front_runner_pages
    from products.pact import write_pact_file
    from products.report_files import write_report_files

    folder.mkdir(parents=True, exist_ok=True)
    with ProductSource.from_tables(tables, run_id, version, table_sha256) as source:
        reports = write_report_files(source, folder)
        stems = {path.stem for path in reports if path.suffix == ".html" and path.name != INDEX_FILE}
        pages = write_front_runner_pages(source, folder, reports=stems)
        pact = folder / PACT_DIR / PACT_FILE
        pact.parent.mkdir(parents=True, exist_ok=True)
        write_pact_file(source, pact)
    return {path.relative_to(folder).as_posix(): path for path in [*reports, *pages, pact]}
