"""Progress lines and the end-of-run summary for ``greenbridge refresh``.

A Dagster logger turns step and asset events into one line each (passed checks are counted on the
step's line, failed ones named); ``summarise`` reads the run's events into the final summary (tables published, rows, checks passed/failed, duration).
"""

import logging
import sys
from dataclasses import dataclass, field

from dagster import AssetCheckSeverity, DagsterEventType, logger

from connectors.credentials import scrub

STEP_EVENTS = {
    DagsterEventType.STEP_START: "started",
    DagsterEventType.STEP_SUCCESS: "done",
    DagsterEventType.STEP_FAILURE: "FAILED",
    DagsterEventType.STEP_SKIPPED: "skipped",
}


MAX_ERROR_LINES = 8
# Where progress lines go; the CLI points it at the console before it sends the run's own output
# (dbt's log lines) to a log file.
_progress_stream = None


def set_progress_stream(stream) -> None:
    global _progress_stream
    _progress_stream = stream


class ProgressHandler(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.passed_checks_by_step: dict[str, int] = {}
        self.started_at_by_step: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is None:
            if record.levelno >= logging.ERROR:
                self._write(f"  ! {meta.get('orig_message', record.getMessage())}")
            return
        event_type = event.event_type
        if event_type in STEP_EVENTS:
            line = f"[{STEP_EVENTS[event_type]:>7}] {event.step_key}"
            if event_type == DagsterEventType.STEP_START:
                self.started_at_by_step[event.step_key] = record.created
            passed_checks = self.passed_checks_by_step.pop(event.step_key, 0)
            started_at = self.started_at_by_step.pop(event.step_key, None) if event_type != DagsterEventType.STEP_START else None
            facts = [f"{passed_checks} checks passed"] if event_type == DagsterEventType.STEP_SUCCESS and passed_checks else []
            if started_at is not None:
                facts.append(f"{record.created - started_at:.1f} s")
            if facts:
                line += f" ({', '.join(facts)})"
            if event_type == DagsterEventType.STEP_FAILURE and event.step_failure_data:
                error = _user_error(event.step_failure_data.error)
                if error:
                    message_lines = error.message.strip().splitlines()[:MAX_ERROR_LINES]
                    line += ": " + "\n          ".join(message_lines)
            self._write(line)
        elif event_type == DagsterEventType.ASSET_MATERIALIZATION:
            materialization = event.step_materialization_data.materialization
            rows = materialization.metadata.get("dagster/row_count")
            rows_text = f" ({rows.value} rows)" if rows is not None else ""
            self._write(f"          materialized {materialization.asset_key.to_user_string()}{rows_text}")
        elif event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if evaluation.passed:
                self.passed_checks_by_step[event.step_key] = self.passed_checks_by_step.get(event.step_key, 0) + 1
            else:
                level = "WARNING" if is_warning(evaluation) else "FAILED"
                detail = f": {evaluation.description}" if getattr(evaluation, "description", None) else ""
                self._write(f"          check {level} {evaluation.asset_key.to_user_string()}:{evaluation.check_name}{detail}")

    def _write(self, line: str) -> None:
        stream = _progress_stream or sys.stdout
        stream.write(scrub(line) + "\n")
        stream.flush()


def is_warning(evaluation) -> bool:
    """A failed check of severity WARN reports without stopping publication."""
    return evaluation.severity == AssetCheckSeverity.WARN


def _user_error(error):
    """The error raised by our code (e.g. ``[comtrade] schema drift in field ...``), not Dagster's
    'Error occurred while executing op' wrapper around it."""
    while error is not None and error.cause is not None and "DagsterExecutionStepExecutionError" in (error.cls_name or ""):
        error = error.cause
    return error


@logger(description="One line per step and materialization, failed checks by name, for the greenbridge CLI.")
def progress_logger(init_context):
    progress = logging.getLogger("greenbridge.progress")
    progress.handlers = [ProgressHandler()]
    progress.setLevel(logging.DEBUG)
    progress.propagate = False
    return progress


@dataclass
class RunSummary:
    success: bool
    duration_s: float
    published: dict[str, int] = field(default_factory=dict)
    landed: dict[str, int] = field(default_factory=dict)
    checks_passed: list[str] = field(default_factory=list)
    checks_failed: list[str] = field(default_factory=list)
    blocking_failed: list[str] = field(default_factory=list)
    checks_warned: list[str] = field(default_factory=list)
    failed_steps: list[str] = field(default_factory=list)
    # check name -> what it reported (the rule and what was observed)
    descriptions: dict[str, str] = field(default_factory=dict)
    # sources that failed to land and were published on their last good data (orchestration/stale_sources.py)
    stale_sources: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """A step failed, or a check failed with severity ERROR (which stops publication)."""
        return not self.success or bool(self.checks_failed) or bool(self.failed_steps)

    def render(self) -> str:
        lines = ["", "Summary", f"  run: {'succeeded' if self.success else 'FAILED'} in {self.duration_s:.1f} s"]
        if self.landed:
            lines.append("  landed raw tables:")
            lines += [f"    {table}: {rows} rows" for table, rows in sorted(self.landed.items())]
        if self.published:
            lines.append("  published tables:")
            lines += [f"    {table}: {rows} rows" for table, rows in sorted(self.published.items())]
        else:
            lines.append("  published tables: none (the previous publication is unchanged)")
        if self.stale_sources:
            lines.append("  published with STALE sources (they failed to land; their last good data was used):"
                         if self.published else "  sources that failed to land:")
            lines += [f"    {text}" for text in self.stale_sources]
        lines.append(f"  checks: {len(self.checks_passed)} passed, {len(self.checks_warned)} warnings, "
                     f"{len(self.checks_failed)} failed")
        lines += [f"    FAILED {name}" + (" (blocking)" if name in self.blocking_failed else "") + self._detail(name)
                  for name in self.checks_failed]
        lines += [f"    WARNING {name}{self._detail(name)}" for name in self.checks_warned]
        lines += [f"  failed step: {step}" for step in self.failed_steps]
        return scrub("\n".join(lines))

    def _detail(self, name: str) -> str:
        text = self.descriptions.get(name)
        return f": {text[:300]}" if text else ""


def summarise(results, duration_s: float) -> RunSummary:
    """Summarise one run's result, or several runs' (a refresh is one run per partitioned source
    plus the full rebuild)."""
    results = results if isinstance(results, list) else [results]
    summary = RunSummary(success=all(result.success for result in results), duration_s=duration_s)
    for event in (event for result in results for event in result.all_events):
        if event.event_type == DagsterEventType.ASSET_MATERIALIZATION:
            materialization = event.step_materialization_data.materialization
            path = materialization.asset_key.path
            rows = materialization.metadata.get("dagster/row_count")
            if path[0] == "published":
                summary.published[path[-1]] = rows.value if rows is not None else 0
            elif path[0] == "raw" and rows is not None:
                summary.landed[materialization.asset_key.to_user_string()] = rows.value
        elif event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
            if evaluation.passed:
                summary.checks_passed.append(name)
            elif is_warning(evaluation):
                summary.checks_warned.append(name)
            else:
                summary.checks_failed.append(name)
                if evaluation.blocking:
                    summary.blocking_failed.append(name)
            if not evaluation.passed and getattr(evaluation, "description", None):
                summary.descriptions[name] = evaluation.description
        elif event.event_type == DagsterEventType.STEP_FAILURE:
            summary.failed_steps.append(event.step_key)
    return summary
