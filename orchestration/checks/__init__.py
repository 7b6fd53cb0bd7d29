"""Asset checks: pandera contracts on dbt-built tables, and Great Expectations suites on the marts."""
