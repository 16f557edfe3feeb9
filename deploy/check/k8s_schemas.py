"""Kubernetes JSON schemas for kubeconform, made offline from Kubernetes' own OpenAPI file.

kubeconform normally downloads its schemas from GitHub, which CI cannot reach. The same
schemas are derived from `api/openapi-spec/swagger.json`, which the `k8s.io/kubernetes` Go
module carries (fetched from the Go module proxy by deploy/check/run.sh). This writes, for
every kind in that file, `<out>/v<version>-standalone-strict/<kind>-<group>-<version>.json`:
the layout of kubeconform's default schema registry, so the stock location template works.

Each file holds the kind's definition and every definition it refers to. "Strict" as in
kubeconform's strict schemas: an object that lists its properties allows no others, so a
misspelled field is an error rather than silently ignored. Kubernetes' two string-or-number
types (IntOrString, Quantity) accept both, as the API server does.

Usage: python k8s_schemas.py SWAGGER_JSON KUBERNETES_VERSION OUT_DIR
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

DEFINITIONS = "#/definitions/"
STRING_OR_NUMBER = {
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": [{"type": "string"}, {"type": "integer"}],
    "io.k8s.apimachinery.pkg.api.resource.Quantity": [{"type": "string"}, {"type": "number"}],
}


def strict(schema: Any) -> Any:
    """A copy in which objects with listed properties allow no others."""
    if isinstance(schema, list):
        return [strict(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    copy = {key: strict(value) for key, value in schema.items()}
    open_object = "additionalProperties" in schema or schema.get(
        "x-kubernetes-preserve-unknown-fields"
    )
    if "properties" in schema and not open_object:
        copy["additionalProperties"] = False
    return copy


def references(schema: Any) -> set[str]:
    if isinstance(schema, list):
        return set().union(*(references(item) for item in schema))
    if not isinstance(schema, dict):
        return set()
    found = set().union(*(references(value) for value in schema.values()))
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(DEFINITIONS):
        found.add(ref.removeprefix(DEFINITIONS))
    return found


def reachable(name: str, definitions: dict[str, Any]) -> set[str]:
    seen, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo.extend(references(definitions[current]) - seen)
    return seen


def file_name(group: str, version: str, kind: str) -> str:
    # kubeconform's KindSuffix: the group's first label, then the version.
    prefix = f"-{group.split('.')[0]}" if group else ""
    return f"{kind.lower()}{prefix}-{version.lower()}.json"


def main(swagger_path: str, kubernetes_version: str, out_dir: str) -> int:
    definitions: dict[str, Any] = json.loads(Path(swagger_path).read_text())["definitions"]
    for name, choices in STRING_OR_NUMBER.items():
        description = definitions[name].get("description", "")
        definitions[name] = {"description": description, "oneOf": choices}
    target = Path(out_dir) / f"v{kubernetes_version.removeprefix('v')}-standalone-strict"
    target.mkdir(parents=True, exist_ok=True)
    written = 0
    for name, definition in definitions.items():
        for gvk in definition.get("x-kubernetes-group-version-kind", []):
            needed = sorted(reachable(name, definitions) - {name})
            schema = {
                "$schema": "http://json-schema.org/draft-04/schema#",
                **strict(definition),
                "definitions": {other: strict(definitions[other]) for other in needed},
            }
            path = target / file_name(gvk["group"], gvk["version"], gvk["kind"])
            path.write_text(json.dumps(schema))
            written += 1
    print(f"wrote {written} schemas to {target}")
    return 0 if written else 1


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
