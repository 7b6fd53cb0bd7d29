"""Dagster orchestration of Greenbridge: one module per Dagster concept.

``definitions`` builds the Definitions the UI (workspace.yaml) and the ``greenbridge`` CLI load;
``settings`` reads the run settings; ``resources`` wraps connectors and the warehouse; ``assets/``
holds raw, dbt and published assets; ``checks/`` the asset checks; ``jobs``, ``schedules`` and
``sensors`` the automation; ``cli`` and ``progress`` the command line.
"""
