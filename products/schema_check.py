"""A JSON Schema compiled once into plain Python checks, for the keywords Greenbridge's own schemas
use (products/pact_schema.json): the ``jsonschema`` library takes ~6 ms per PACT footprint here (3.5 s
per publication, over the refresh's budget), this ~1 ms. An unknown keyword fails the compilation
rather than being ignored, and tests/test_pact_export.py checks that this and the ``jsonschema``
library accept and reject the same objects. A check returns None, or on a failure the JSON path
segments (innermost first, appended while unwinding) and a message.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime
from functools import lru_cache
from pathlib import Path

# jsonschema takes ~6 ms per footprint here (3.5 s per publication, over the refresh's budget), so
# the export compiles pact_schema.json once into closures for the keywords it uses. An unknown
# keyword fails the compilation rather than being ignored, and the tests check that this and the
# jsonschema library accept and reject the same objects. A check returns None, or on a failure the
# JSON path segments (innermost first, appended while unwinding) and a message.

_ANNOTATIONS = {"$schema", "$id", "$comment", "$defs", "title", "description", "then", "else"}
_OBJECT_KEYWORDS = ("properties", "additionalProperties", "required")
_JSON_TYPES = {
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "string": lambda value: isinstance(value, str),
    "boolean": lambda value: isinstance(value, bool),
    "integer": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "number": lambda value: isinstance(value, (int, float)) and not isinstance(value, bool),
    "null": lambda value: value is None,
}


def _uuid_format(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _date_time_format(value: str) -> bool:
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return "T" in value.upper()


_FORMATS = {"uuid": _uuid_format, "date-time": _date_time_format, "uri": lambda value: ":" in value}


def _json_equal(left, right) -> bool:
    """JSON equality: true is not 1."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    return left == right


def _fail(message: str):
    return [], message


@lru_cache(maxsize=4)
def compiled_schema(path: Path):
    """The check of the schema at ``path``: value -> None, or (JSON path segments innermost first, message)."""
    schema = json.loads(Path(path).read_text(encoding="utf-8"))
    name = Path(path).name
    definitions = schema.get("$defs", {})
    compiled: dict[str, object] = {}

    def reference(target: str):
        name = target.removeprefix("#/$defs/")
        if not target.startswith("#/$defs/") or name not in definitions:
            raise ValueError(f"{name}: unsupported $ref {target}")
        if name not in compiled:
            compiled[name] = None  # in progress: a recursive reference is resolved when first used
            compiled[name] = compile_node(definitions[name])
        if compiled[name] is not None:
            return compiled[name]
        return lambda value: compiled[name](value)

    def compile_node(node):
        if node is True:
            return lambda value: None
        if node is False:
            return lambda value: _fail("no value is allowed here")
        fused = node.get("type") == "string" and "pattern" in node  # the commonest node: one closure
        checks = [compile_keyword(keyword, argument, node) for keyword, argument in node.items()
                  if keyword not in _ANNOTATIONS and keyword not in _OBJECT_KEYWORDS
                  and not (fused and keyword in ("type", "pattern"))]
        if fused:
            search, pattern = re.compile(node["pattern"]).search, node["pattern"]
            checks.insert(0, lambda value: None if isinstance(value, str) and search(value)
                          else _fail(f"{value!r} is not a string matching {pattern!r}"))
        if any(keyword in node for keyword in _OBJECT_KEYWORDS):
            checks.append(compile_object(node))
        if not checks:
            return lambda value: None
        if len(checks) == 1:
            return checks[0]

        def check(value):
            for one in checks:
                failure = one(value)
                if failure is not None:
                    return failure
            return None
        return check

    def compile_object(node):
        """properties, additionalProperties and required in one pass over the object's members."""
        members = {name: compile_node(subschema) for name, subschema in node.get("properties", {}).items()}
        extra_schema = node.get("additionalProperties", True)
        extra = compile_node(extra_schema)
        required = tuple(node.get("required", ()))

        def check(value):
            if not isinstance(value, dict):
                return None
            for name in required:
                if name not in value:
                    return _fail(f"{name!r} is a required property")
            for name, member in value.items():
                one = members.get(name)
                if one is None and extra_schema is False:
                    return _fail(f"additional property {name!r} is not allowed")
                failure = (one or extra)(member)
                if failure is not None:
                    failure[0].append(f".{name}")
                    return failure
            return None
        return check

    def compile_keyword(keyword, argument, node):  # noqa: C901 - one branch per keyword is the clearest form
        if keyword == "$ref":
            return reference(argument)
        if keyword == "type":
            test = _JSON_TYPES[argument]
            return lambda value: None if test(value) else _fail(f"{value!r} is not of type {argument!r}")
        if keyword in ("enum", "const"):
            options = argument if keyword == "enum" else [argument]
            if all(isinstance(option, str) for option in options):
                strings = frozenset(options)
                return lambda value: None if isinstance(value, str) and value in strings \
                    else _fail(f"{value!r} is not one of {sorted(strings)!r}")
            return lambda value: None if any(_json_equal(value, option) for option in options) \
                else _fail(f"{value!r} is not one of {options!r}")
        if keyword == "pattern":
            search = re.compile(argument).search
            return lambda value: None if not isinstance(value, str) or search(value) \
                else _fail(f"{value!r} does not match {argument!r}")
        if keyword == "format":
            test = _FORMATS[argument]
            return lambda value: None if not isinstance(value, str) or test(value) else _fail(f"{value!r} is not a {argument!r}")
        if keyword in ("minLength", "minItems", "maxItems", "minimum", "maximum"):
            return _bound(keyword, argument)
        if keyword == "uniqueItems":
            def unique(value):
                if argument and isinstance(value, list):
                    keys = [item if isinstance(item, str) else json.dumps(item, sort_keys=True) for item in value]
                    if len(set(keys)) != len(keys):
                        return _fail(f"{value!r} has non-unique elements")
                return None
            return unique
        if keyword == "items":
            each = compile_node(argument)

            def items(value):
                if isinstance(value, list):
                    for index, item in enumerate(value):
                        failure = each(item)
                        if failure is not None:
                            failure[0].append(f"[{index}]")
                            return failure
                return None
            return items
        if keyword in ("allOf", "anyOf", "oneOf"):
            branches = [compile_node(subschema) for subschema in argument]

            def combined(value):
                failures = [branch(value) for branch in branches]
                passed = sum(failure is None for failure in failures)
                if keyword == "allOf":
                    return next((failure for failure in failures if failure is not None), None)
                if keyword == "anyOf" and passed == 0:
                    return _fail(f"{value!r} is not valid under any of the given schemas")
                if keyword == "oneOf" and passed != 1:
                    return _fail(f"{value!r} is valid under {passed} of the oneOf schemas, not exactly one")
                return None
            return combined
        if keyword == "not":
            negated = compile_node(argument)
            return lambda value: _fail(f"{value!r} should not be valid under {argument!r}") if negated(value) is None else None
        if keyword == "if":
            condition = compile_node(argument)
            then, otherwise = compile_node(node.get("then", True)), compile_node(node.get("else", True))
            return lambda value: then(value) if condition(value) is None else otherwise(value)
        raise ValueError(f"{name}: keyword {keyword!r} is not supported by products/schema_check.py")

    return compile_node(schema)


def _bound(keyword: str, limit):
    if keyword == "minLength":
        return lambda value: None if not isinstance(value, str) or len(value) >= limit else _fail(f"{value!r} is shorter than {limit}")
    if keyword == "minItems":
        return lambda value: None if not isinstance(value, list) or len(value) >= limit \
            else _fail(f"{value!r} should have at least {limit} items")
    if keyword == "maxItems":
        return lambda value: None if not isinstance(value, list) or len(value) <= limit \
            else _fail(f"{value!r} should have at most {limit} items")
    numeric = _JSON_TYPES["number"]
    if keyword == "minimum":
        return lambda value: None if not numeric(value) or value >= limit else _fail(f"{value!r} is less than {limit}")
    return lambda value: None if not numeric(value) or value <= limit else _fail(f"{value!r} is more than {limit}")
