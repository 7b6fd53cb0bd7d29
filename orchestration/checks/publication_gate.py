"""The last gate before publication: the run's failed checks of severity ERROR.

Dagster's blocking checks stop the assets directly downstream of the asset they guard; a failing
dbt test or a blocking check on a staging model guards an asset the publication does not depend on
directly. The publication step therefore reads every check evaluated in its run and refuses to
publish while any failed with severity ERROR, naming them. Warnings do not stop it.
"""

from dagster import AssetCheckSeverity, DagsterEventType


def failed_error_checks(instance, run_id: str) -> list[str]:
    """``asset:check (description)`` of each check in the run that failed with severity ERROR."""
    connection = instance.get_records_for_run(run_id=run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)
    failed = []
    for record in connection.records:
        evaluation = record.event_log_entry.dagster_event.event_specific_data
        if evaluation.passed or evaluation.severity != AssetCheckSeverity.ERROR:
            continue
        description = getattr(evaluation, "description", None)
        failed.append(f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
                      + (f" ({description[:200]})" if description else ""))
    return failed
