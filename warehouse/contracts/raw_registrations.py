"""Raw contract of the registrations file drop (``connectors.registration_files``): new-car
registrations by catalogue model, market and month, as users drop them from the markets' own
publishers (GAIKINDO, PZPM/CEPiK, NAAMSA, ...). It rejects only the impossible; plausibility rules
come later."""

from warehouse.contracts.schema import SOURCE_SHA256, Column, TableContract

RAW_REGISTRATIONS_BY_MODEL_MONTH = TableContract(
    name="registrations__by_model_month",
    layer="raw",
    description=(
        "New-car registrations by catalogue model, market and month, from CSV files dropped in the "
        "registrations folder (GREENBRIDGE_REGISTRATIONS_DIR), each figure as published by the market's "
        "own association or registry, named in the publisher column; used to weight footprints by sales. "
        "Licence: the publisher's."
    ),
    columns=(
        Column("model_id", "string", "catalogue model id (dim_vehicle_model)", pattern=r"^[a-z0-9_]+$"),
        Column("market_code", "string", "Market: ISO 3166-1 alpha-3 code, or EU27", pattern=r"^([A-Z]{3}|EU27)$"),
        Column("month", "string", "YYYY-MM", pattern=r"^\d{4}-(0[1-9]|1[0-2])$"),
        Column("registrations", "int64", "New cars of the model registered in the market in the month",
               unit="vehicles", min_value=0),
        Column("publisher", "string", "who published the figure"),
        SOURCE_SHA256,
    ),
    primary_key=("model_id", "market_code", "month"),
)
