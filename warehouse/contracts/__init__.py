"""Table contracts: each table's columns, types, units, descriptions and rules, defined once.

``schema.py`` holds the contract model and the generators (pandera schema, pyarrow schema, dbt
properties); ``vocabularies.py`` the vocabularies every layer shares (powertrains, fuels, markets,
stages, ...); ``raw_<source>.py`` one raw table's contract per connector; ``seeds.py`` the curated
parameters seeds; ``staging.py`` the dbt staging models; ``marts.py`` and ``ledger.py`` the published
facts and dimensions; ``quality.py`` the data-quality tables; ``registry.py`` lists them all
(``CONTRACTS``, ``PUBLISHED_TABLES``, ``contract_for``); ``dbt_properties.py`` writes the dbt YAML
generated from them; ``validation.py`` validates frames and turns pandera failures into readable errors.

This package module imports nothing: importing one contract module (``warehouse.contracts.schema``
from ``warehouse.quality.plausibility``, say) must not drag in every contract, or the modules that
the contracts themselves import would import back into a half-initialised package.
"""
