"""Importing, in a background thread, the libraries a later step of a run needs, while an earlier
step waits on a subprocess.

Great Expectations takes ~3 s to import on this machine (~5 s profiled) and only the checks step
uses it; it comes right after the dbt step, which spends its time waiting for dbt's subprocess.
Started before the build run, the import uses the idle core instead of adding to the refresh. A
failed import is left for the step that needs the module to raise, with its own traceback.
"""

from __future__ import annotations

import importlib
import threading

CHECKS_MODULES = ("great_expectations", "great_expectations.expectations", "warehouse.quality.gx_site_store",
                  "warehouse.quality.gx_docs_action")


def import_in_background(modules: tuple[str, ...] = CHECKS_MODULES) -> threading.Thread:
    def _import() -> None:
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - the step importing it reports the error
                return

    thread = threading.Thread(target=_import, name="greenbridge-prewarm", daemon=True)
    thread.start()
    return thread
