"""The Reconciliation Service API v0.2 JSON Schemas in ../shared/reconciliation-api, validated offline.

Every schema is registered under its ``$id`` in a :class:`referencing.Registry`, so ``$ref`` between
them (and to the Swagger 2.0 schema the manifest refers to) never touches the network.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

API = Path(__file__).resolve().parent.parent.parent / "shared" / "reconciliation-api" / "0.2"
SCHEMAS = API / "schemas"
EXAMPLES = API / "examples"


@cache
def _registry() -> tuple[Registry, dict[str, dict[str, Any]]]:
    by_name: dict[str, dict[str, Any]] = {}
    resources = []
    for path in sorted(SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        by_name[path.stem] = schema
        resource = Resource.from_contents(schema, default_specification=DRAFT7)
        ident = schema["$id"]
        resources.append((ident, resource))
        resources.append((ident.rstrip("#"), resource))
    return Registry().with_resources(resources), by_name


def validator(name: str) -> jsonschema.Validator:
    """A validator for the schema ``schemas/NAME.json`` (e.g. ``manifest``, ``reconciliation-result-batch``)."""
    registry, by_name = _registry()
    return jsonschema.Draft7Validator(by_name[name], registry=registry,
                                      format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def check(name: str, document: Any) -> None:
    """Assert that ``document`` validates against ``schemas/NAME.json``, listing every error if not."""
    errors = sorted(validator(name).iter_errors(document), key=lambda e: list(e.path))
    assert not errors, f"{name}: " + "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
