"""Checks JSON responses against the official Swagger 2.0 description of the Octopus Server API.

The description is read from ``../shared/reference`` at test time and never copied into the
project. Swagger 2.0 schemas are a subset of JSON Schema draft 4 with ``#/definitions/...``
references, so :mod:`jsonschema` validates them once the definitions sit beside the reference.

These adjustments make the check fit what a real server sends:

* Swagger 2.0 cannot say "nullable", yet a real Octopus Server serialises unset properties as
  ``null`` (``"QueueTimeExpiry": null``, ``"Description": null``). A ``null`` value is therefore
  accepted wherever a property is typed or enumerated; a non-null value must still match.
* The description renders .NET ``object`` (as in ``Dictionary<string, object>``) as a bare
  ``{"type": "object"}``, though such a value may be any JSON: a real task's ``Arguments`` hold
  strings. A bare ``{"type": "object"}`` is therefore read as "any value".
* ``PropertyValueResource`` (a step's or a step template's property value) is described as an
  object, but Octopus.Client and the server write a plain value as a bare JSON string and only
  a sensitive one as a ``SensitiveValue`` object; either is accepted.
* The description lists many routes twice, once under ``/api/...`` and once under
  ``/api/{baseSpaceId}/...``; a concrete path is matched to the template with the most literal
  segments, so ``/api/Spaces-1/projects/all`` is the ``all`` route, not ``{id}`` = ``all``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import jsonschema
from jsonschema import Draft4Validator, FormatChecker
from jsonschema.exceptions import ValidationError

# RFC 3339 as the server writes it: 2020-02-20T10:00:00.000+00:00 (fraction optional, Z allowed).
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_INT32 = (-(2**31), 2**31 - 1)


def _skipping_null(keyword: Any) -> Any:
    def check(validator: Any, value: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
        if instance is None:
            return iter(())
        return keyword(validator, value, instance, schema) or iter(())

    return check


def _lenient_validator_class() -> Any:
    """Draft 4, except that ``null`` satisfies every keyword (Swagger 2.0 cannot say nullable)."""
    keywords = {name: _skipping_null(keyword) for name, keyword in Draft4Validator.VALIDATORS.items()}
    return jsonschema.validators.extend(Draft4Validator, validators=keywords)


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())

    @checker.checks("date-time")
    def is_date_time(instance: object) -> bool:
        return not isinstance(instance, str) or bool(_DATE_TIME.match(instance))

    @checker.checks("int32")
    def is_int32(instance: object) -> bool:
        return not isinstance(instance, int) or _INT32[0] <= instance <= _INT32[1]

    return checker


LenientValidator = _lenient_validator_class()


def _any_for_bare_object(schema: Any) -> Any:
    """Replace every nested bare ``{"type": "object"}`` (a .NET ``object``) with ``{}`` (any value)."""
    if isinstance(schema, dict):
        if schema == {"type": "object"}:
            return {}
        return {key: _any_for_bare_object(value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_any_for_bare_object(value) for value in schema]
    return schema


@dataclass(frozen=True)
class Operation:
    """One documented response: which template matched and the schema it promises."""

    template: str
    method: str
    status: str
    schema: Optional[Dict[str, Any]]


class SwaggerDescription:
    """The reference description, with look-up of response schemas by concrete request."""

    def __init__(self, path: Path) -> None:
        # utf-8-sig: tolerate a byte-order mark, as the reference files may carry one.
        self.document: Dict[str, Any] = json.loads(path.read_text(encoding="utf-8-sig"))
        self.definitions: Dict[str, Any] = _any_for_bare_object(self.document["definitions"])
        if "PropertyValueResource" in self.definitions:
            self.definitions["PropertyValueResource"] = {
                "anyOf": [{"type": "string"}, {"$ref": "#/definitions/SensitiveValue"}]}
        self._templates: List[Tuple[int, re.Pattern[str], str]] = []
        for template in self.document["paths"]:
            literal_segments = sum(1 for part in template.split("/") if part and "{" not in part)
            pattern = re.compile(
                "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$", re.IGNORECASE
            )
            self._templates.append((literal_segments, pattern, template))
        self._templates.sort(key=lambda entry: -entry[0])
        self._format_checker = _format_checker()

    def template_for(self, path: str) -> Optional[str]:
        """The documented path template that a concrete request path falls under, if any."""
        bare = path.split("?", 1)[0].rstrip("/") or "/"
        for _, pattern, template in self._templates:
            if pattern.match(bare):
                return template
        return None

    def operation(self, method: str, path: str, status: int) -> Operation:
        template = self.template_for(path)
        if template is None:
            raise LookupError(f"no path of the reference description matches {path}")
        operations = self.document["paths"][template]
        verb = method.lower()
        if verb not in operations:
            raise LookupError(f"{template} documents no {method.upper()} (only {sorted(operations)})")
        responses = operations[verb]["responses"]
        documented = str(status)
        if documented not in responses:
            # The description documents creation as 201 on some routes and 200 on others; a
            # create answered with the other 2xx still promises the same resource.
            successes = [code for code in responses if code.startswith("2")]
            if not (documented.startswith("2") and successes):
                raise LookupError(f"{method.upper()} {template} documents no status {status}")
            documented = successes[0]
        return Operation(template, verb, documented, responses[documented].get("schema"))

    def definition_name(self, schema: Optional[Dict[str, Any]]) -> Optional[str]:
        if schema and "$ref" in schema:
            return str(schema["$ref"]).rsplit("/", 1)[-1]
        if schema and schema.get("type") == "array" and "$ref" in schema.get("items", {}):
            return str(schema["items"]["$ref"]).rsplit("/", 1)[-1]
        return None

    def errors(self, schema: Dict[str, Any], instance: Any) -> List[str]:
        """Every way ``instance`` fails ``schema``, as readable one-liners; empty when it conforms."""
        rooted = dict(schema, definitions=self.definitions)
        validator = LenientValidator(rooted, format_checker=self._format_checker)
        found = []
        for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path)):
            where = "/".join(str(part) for part in error.absolute_path) or "(body)"
            found.append(f"{where}: {error.message[:200]}")
        return found

    def response_errors(self, method: str, path: str, status: int, body: Any) -> List[str]:
        """Validate a response body against what the description promises for that request."""
        operation = self.operation(method, path, status)
        if operation.schema is None:
            return []
        if body is None:
            return ["(body): null where the description promises a document"]
        return self.errors(operation.schema, body)

    def properties_of(self, definition: str) -> Dict[str, Any]:
        return dict(self.definitions[definition].get("properties", {}))
