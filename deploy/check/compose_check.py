"""Validate a compose file without a Docker engine: the Compose Specification's JSON schema
(from the compose-go module, the library `docker compose` itself loads files with), then
the cross-references the schema cannot see.

Usage: python compose_check.py COMPOSE_SPEC_JSON COMPOSE_FILE
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import jsonschema
import yaml


def problems(spec: dict[str, Any], compose_path: Path) -> tuple[list[str], list[str]]:
    """(errors, warnings) of the compose file at `compose_path`."""
    document = yaml.safe_load(compose_path.read_text())  # resolves the <<: merge keys
    validator = jsonschema.Draft202012Validator(spec)
    errors = [
        f"{'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
        for error in validator.iter_errors(document)
    ]
    warnings: list[str] = []
    services: dict[str, Any] = document.get("services", {})
    declared = {kind: set(document.get(kind) or {}) for kind in ("volumes", "networks", "configs")}
    for name, service in services.items():
        depends = service.get("depends_on", [])
        for other in depends if isinstance(depends, list) else depends.keys():
            if other not in services:
                errors.append(f"services/{name}/depends_on: no service {other!r}")
        for network in service.get("networks", []):
            if network not in declared["networks"]:
                errors.append(f"services/{name}/networks: {network!r} is not declared")
        for config in service.get("configs", []):
            source = config["source"] if isinstance(config, dict) else config
            if source not in declared["configs"]:
                errors.append(f"services/{name}/configs: {source!r} is not declared")
        for volume in service.get("volumes", []):
            if isinstance(volume, str):
                # "SOURCE:TARGET[:MODE]"; a lone path is an anonymous volume, no source.
                source = volume.split(":")[0] if ":" in volume else ""
            else:
                source = volume.get("source", "")
            if source.startswith((".", "/")):
                if not (compose_path.parent / source).exists():
                    # Deploy files written on other branches arrive with their merge.
                    warnings.append(f"services/{name}/volumes: {source} does not exist (yet)")
            elif source and source not in declared["volumes"]:
                errors.append(f"services/{name}/volumes: named volume {source!r} not declared")
    for name, config in (document.get("configs") or {}).items():
        file = config.get("file")
        if file and not (compose_path.parent / file).exists():
            errors.append(f"configs/{name}: {file} does not exist")
    return errors, warnings


def main(spec_path: str, compose_file: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    errors, warnings = problems(spec, Path(compose_file))
    for warning in warnings:
        print(f"warning: {compose_file}: {warning}")
    for error in errors:
        print(f"error: {compose_file}: {error}")
    if not errors:
        print(f"{compose_file}: valid against the Compose Specification")
    return 1 if errors else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
