"""Where each product lives in a publication, named once: the folders under ``published/`` and the
file name of a vehicle's report, so the front-runner pages link to the reports they list."""

from __future__ import annotations

REPORTS_DIR = "reports"  # published/reports/<model_id>__<market>__<year>.html and .json, index.html
FRONT_RUNNERS_DIR = "front_runners"  # published/front_runners/<market>.html, index.html
PACT_DIR = "pact"  # published/pact/product_footprints.json
PACT_FILE = "product_footprints.json"
INDEX_FILE = "index.html"
PRODUCT_DIRS = (REPORTS_DIR, FRONT_RUNNERS_DIR, PACT_DIR)


def report_stem(model_id: str, market_code: str, registration_year: int) -> str:
    """``<model_id>__<market>__<year>``: model ids are [a-z0-9_] and market codes [A-Z0-9], so the
    double underscore is unambiguous."""
    return f"{model_id}__{market_code}__{int(registration_year)}"


def report_file(model_id: str, market_code: str, registration_year: int, extension: str = "html") -> str:
    return f"{report_stem(model_id, market_code, registration_year)}.{extension}"
