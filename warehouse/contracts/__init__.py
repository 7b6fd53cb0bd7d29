"""Table contracts: each table's columns, types, units, descriptions and rules, defined once.

``schema.py`` holds the contract model and the generators (pandera schema, pyarrow schema, dbt
properties); ``tables.py`` holds the contracts themselves; ``dbt_properties.py`` writes the dbt YAML
generated from them. Validation helpers that turn pandera failures into readable errors live in
``validation.py``.
"""

from warehouse.contracts.schema import Column, TableContract
from warehouse.contracts.tables import CONTRACTS, contract_for
from warehouse.contracts.validation import ContractViolation, validate_frame

__all__ = ["CONTRACTS", "Column", "ContractViolation", "TableContract", "contract_for", "validate_frame"]
