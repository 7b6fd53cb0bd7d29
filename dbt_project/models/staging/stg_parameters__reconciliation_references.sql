-- Independent reference figures that loaded source data must agree with, each with its tolerance
-- (share of the reference) and the severity of a disagreement.
select
    reference_id,
    metric,
    area_code,
    cast(year as integer) as year,
    cast(reference_value as double) as reference_value,
    unit,
    cast(tolerance_share as double) as tolerance_share,
    severity,
    source,
    confidence,
    notes
from {{ ref('reconciliation_references') }}
