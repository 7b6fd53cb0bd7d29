"""Partitions of the sources that have them: trade statistics by month, grid intensity and
registrations by year. Keys read like the data (``2024-12``, ``2024``) so a data engineer can type
them on the command line."""

from dagster import MonthlyPartitionsDefinition, StaticPartitionsDefinition, TimeWindowPartitionsDefinition

from connectors import eea_co2cars

# China's monthly Comtrade series in the embedded snapshot starts in January 2020.
TRADE_MONTHS = MonthlyPartitionsDefinition(start_date="2020-01", fmt="%Y-%m")

# Ember's yearly carbon intensity; the last partition is the last complete year.
GRID_YEARS = TimeWindowPartitionsDefinition(cron_schedule="0 0 1 1 *", start="2015", fmt="%Y")

# One partition per EEA release table (a year's final data, or the provisional one).
REGISTRATION_YEARS = StaticPartitionsDefinition([str(year) for year in sorted(eea_co2cars.RELEASE_TABLES)])
