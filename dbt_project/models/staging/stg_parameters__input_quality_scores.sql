-- Per input of the footprint (a component of a stage): its technological representativeness score
-- and how many years its data stay valid, scored on the PEF data quality rating scale (1 best, 5
-- worst). The geographical, temporal and precision scores are computed per footprint row
-- (fct_footprint_input_quality).
select
    input_id,
    stage,
    cast(in_core_boundary as boolean) as in_core_boundary,
    description,
    cast(technological_representativeness as integer) as technological_representativeness,
    cast(time_validity_years as integer) as time_validity_years,
    rationale,
    source,
    cast(reference_year as integer) as reference_year,
    confidence
from {{ ref('input_quality_scores') }}
