"""The JSON Schema of a rule file, generated from the engine's own tables (kinds,
operators, functions, severities) so that the schema and the engine cannot disagree;
``regionready rules schema`` prints it."""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema

from regionready.engine.operators import OPERATORS
from regionready.model import Severity

KINDS = ("readiness", "parity", "collision", "quota", "hygiene")
SCOPES = ("target", "source", "both")
ON_UNPAIRED = ("fail", "pass", "not_applicable")
RULE_ID_RE = r"^[A-Z]{2,5}-[0-9]{3}$"
RESOURCE_RE = r"^[a-z0-9_-]+\.[a-z0-9_]+$"


def _condition_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["key", "op"],
        "additionalProperties": False,
        "properties": {
            "key": {"type": "string", "minLength": 1, "description": "JMESPath expression"},
            "op": {"enum": sorted(OPERATORS)},
            "value": {"description": "literal, or a {params.x} placeholder"},
            "value_from": {"type": "string", "description": "JMESPath giving the value"},
            "label": {"type": "string"},
        },
    }


_QUOTA_FIELDS: dict[str, Any] = {
    "name": {"type": "string"},
    "service_code": {"type": "string"},
    "quota_code": {"type": "string"},
    "default": {"type": "number", "minimum": 0},
}


def rule_schema() -> dict[str, Any]:
    """JSON Schema of a rule file, generated from the engine's tables."""
    conditions = {"type": "array", "items": {"$ref": "#/$defs/condition"}}
    expression = {"type": "string", "minLength": 1}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://regionready.dev/schemas/rule-1.json",
        "title": "regionready rule",
        "type": "object",
        "additionalProperties": False,
        "required": [
            "id",
            "title",
            "description",
            "service",
            "kind",
            "severity",
            "resource",
            "message",
            "remediation",
            "references",
        ],
        "properties": {
            "id": {"type": "string", "pattern": RULE_ID_RE},
            "title": {"type": "string", "minLength": 3, "maxLength": 120},
            "description": {"type": "string", "minLength": 10},
            "service": {"type": "string", "pattern": r"^[a-z0-9-]+$"},
            "kind": {"enum": list(KINDS)},
            "severity": {"enum": [s.value for s in Severity]},
            "resource": {"type": "string", "pattern": RESOURCE_RE},
            "also": {
                "type": "array",
                "description": "more resource types a readiness rule judges the same way; "
                "each is read on its own (one that could not be read gives its own ERROR) "
                "and skipped when its collector was not run",
                "items": {"type": "string", "pattern": RESOURCE_RE},
            },
            "needs_source": {
                "type": "boolean",
                "description": "fixing a finding reads the source Region (re-encryption, "
                "replication, cloning), so a cutover plan does it while the source answers",
            },
            "scope": {"enum": list(SCOPES)},
            "params": {"type": "object"},
            "where": conditions,
            "target_where": conditions,
            "fail_when": conditions,
            "compare": conditions,
            "pair_by": expression,
            "on_unpaired": {"enum": list(ON_UNPAIRED)},
            "unpaired_message": {"type": "string"},
            "resource_name": expression,
            "location": {
                "type": "string",
                "minLength": 1,
                "description": "JMESPath giving {path, line, column} of a file finding",
            },
            "escalate": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["when", "severity"],
                    "properties": {
                        "when": conditions,
                        "severity": {"enum": [s.value for s in Severity]},
                    },
                },
            },
            "quota": {
                "description": "one quota, or several each with its own where/usage/adds",
                "oneOf": [
                    {"$ref": "#/$defs/quota"},
                    {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/quota_entry"}},
                ],
            },
            "usage": expression,
            "adds": expression,
            "message": {"type": "string", "minLength": 1},
            "remediation": {
                "type": "object",
                "additionalProperties": False,
                "required": ["text"],
                "properties": {
                    "text": {"type": "string"},
                    "action": {"type": ["string", "null"]},
                },
            },
            "references": {"type": "array", "minItems": 1, "items": {"type": "string"}},
            "lookups": {
                "type": "object",
                "description": "named indexes of other resources, read with lookup(name, key)",
                "propertyNames": {"pattern": r"^[a-z][a-z0-9_]*$"},
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["resource", "key"],
                    "properties": {
                        "resource": {"type": "string", "pattern": RESOURCE_RE},
                        "key": expression,
                        "scope": {"enum": ["target", "source", "same"]},
                        "many": {"type": "boolean"},
                        "optional": {
                            "type": "boolean",
                            "description": "a collector that was not run counts as empty",
                        },
                    },
                },
            },
            "depends_on": {
                "type": "array",
                "items": {
                    "oneOf": [
                        {"type": "string", "pattern": RULE_ID_RE},
                        {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["rule", "via"],
                            "properties": {
                                "rule": {"type": "string", "pattern": RULE_ID_RE},
                                "via": dict(
                                    expression,
                                    description="on this rule's item (a parity rule's source "
                                    "item): the references to the other rule's resources",
                                ),
                                "to": dict(
                                    expression,
                                    description="on the other rule's item: more names it "
                                    "answers to (its id, name and key always count)",
                                ),
                            },
                        },
                    ]
                },
            },
        },
        "allOf": [
            {
                "if": {"required": ["kind"], "properties": {"kind": {"const": "parity"}}},
                "then": {"required": ["pair_by"]},
            },
            {
                "if": {"required": ["kind"], "properties": {"kind": {"const": "collision"}}},
                "then": {"required": ["pair_by", "compare"]},
            },
            {
                "if": {"required": ["kind"], "properties": {"kind": {"const": "quota"}}},
                "then": {"required": ["quota"]},
            },
        ],
        "$defs": {
            "condition": _condition_schema(),
            "quota": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "default"],
                "properties": _QUOTA_FIELDS,
            },
            "quota_entry": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "default"],
                "properties": {
                    **_QUOTA_FIELDS,
                    "resource": {"type": "string", "pattern": RESOURCE_RE},
                    "where": conditions,
                    "usage": expression,
                    "adds": expression,
                    "pair_by": expression,
                },
            },
        },
    }


@cache
def schema_validator() -> jsonschema.Draft202012Validator:
    """A validator of :func:`rule_schema`, made once (every rule file is checked with it)."""
    return jsonschema.Draft202012Validator(rule_schema())
