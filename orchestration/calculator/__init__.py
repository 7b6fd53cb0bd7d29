"""``greenbridge footprint``: the footprint of one vehicle spec that is not in the catalogue,
computed by the dbt method macro (footprint_method) on a one-row input."""
