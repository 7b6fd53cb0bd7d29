"""Reading a response body into values, with the errors every connector reports the same way: an
empty or undecodable body is a ``SourceError``; a value of the wrong kind in a field is
``SchemaDriftError`` naming that field. Source-specific envelopes and layouts stay in each
connector."""

import io
import json

import pandas as pd

from connectors.errors import SchemaDriftError, SourceError

MAX_EXAMPLES = 5


def load_json(source: str, content: bytes):
    """The decoded JSON document of a response body."""
    if not content.strip():
        raise SourceError(source, "empty response body")
    try:
        return json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise SourceError(source, f"response is not valid JSON (truncated or not JSON: {type(error).__name__}: {error})") from None


def load_csv(source: str, content: bytes, what: str = "response", fallback_encoding: str | None = None) -> pd.DataFrame:
    """The all-text frame of a CSV body (UTF-8, byte-order mark dropped; ``fallback_encoding`` tried
    when the bytes are not UTF-8). ``what`` names the body in errors ("response", "file")."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if fallback_encoding is None:
            raise SourceError(source, f"{what} is not UTF-8 CSV text ({error})") from None
        try:
            text = content.decode(fallback_encoding)
        except UnicodeDecodeError as error:
            raise SourceError(source, f"{what} is not readable CSV text ({error})") from None
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise SourceError(source, f"{what} is not a readable CSV: {error}") from None


def numbers(source: str, field: str, values: pd.Series, show_values: bool = True) -> pd.Series:
    """``values`` as float64; missing stays missing, anything else that is not a number (text, or a
    boolean, which pandas would take for 0/1) is schema drift. ``show_values=False`` (a file nobody
    vouches for) names the data rows (1 = the first after the header) instead of quoting what they hold."""
    if any(isinstance(value, bool) for value in values):
        raise SchemaDriftError(source, field, "boolean where a number was expected")
    converted = pd.to_numeric(values, errors="coerce")
    not_numeric = values.notna() & converted.isna()
    if not_numeric.any():
        raise SchemaDriftError(source, field, f"non-numeric values {_examples(values, not_numeric, show_values)}")
    return converted.astype("float64")


def integers(source: str, field: str, values: pd.Series, show_values: bool = True) -> pd.Series:
    """``values`` as int64: a whole number in every row, or schema drift."""
    converted = numbers(source, field, values, show_values)
    if converted.isna().any():
        raise SchemaDriftError(source, field, "rows without a value")
    fractional = converted != converted.round()
    if fractional.any():
        raise SchemaDriftError(source, field, f"non-integer values {_examples(converted, fractional, show_values)}")
    return converted.astype("int64")


def _examples(values: pd.Series, failing: pd.Series, show_values: bool) -> str:
    if show_values:
        return str(values[failing].unique()[:MAX_EXAMPLES].tolist())
    rows = [int(position) + 1 for position in failing.to_numpy().nonzero()[0][:MAX_EXAMPLES]]
    more = int(failing.sum()) - len(rows)
    return f"in data row(s) {', '.join(map(str, rows))}" + (f" and {more} more" if more > 0 else "") + " (values not shown)"
