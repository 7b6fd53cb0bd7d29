-- Life-cycle footprint of each catalogue model in each market and registration year.
{{ footprint_method(ref('stg_vehicles__catalogue')) }}
