"""The standard's products, built from a publication: the footprint report per vehicle
(report_*.py), PACT ProductFootprint exchange files (pact.py), and the low-carbon front-runner page
per market (front_runner_page.py), published with each refresh under ``published/reports/``,
``published/pact/`` and ``published/front_runners/`` (publication.py).

Every product reads the published tables through one ``ProductSource`` (source.py): the same
DuckDB views whether the tables come from the run being published or from the last publication on
disk, so a report written by ``greenbridge report`` equals the one published. No product computes a
footprint: the numbers are the marts' (the method lives in dbt); products select, arrange and draw.
"""
