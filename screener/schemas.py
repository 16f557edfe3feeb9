"""The contract's JSON Schemas (`schemas/*.schema.json`), found at run time.

Where they are looked for, in order:
1. ``screener/_schemas/`` inside the installed package (a wheel that ships them there);
2. the repository's top-level ``schemas/`` next to the ``screener`` package (an editable
   install, ``pip install -e .``, or running from a checkout).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Final

import fastjsonschema
import orjson

__all__ = ["SCHEMA_NAMES", "compiled_validator", "load_schema", "schema_dir"]

SCHEMA_NAMES: Final = (
    "transfer",
    "loan_approval",
    "customer_event",
    "decision",
    "hold_change",
    "dead_letter",
    "audit_entry",
)

_PACKAGED_DIR = "_schemas"
_PROBE = "transfer.schema.json"


@functools.cache
def schema_dir() -> Traversable:
    """The directory holding the schema files; FileNotFoundError if there is none."""
    packaged = resources.files("screener").joinpath(_PACKAGED_DIR)
    if packaged.joinpath(_PROBE).is_file():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "schemas"
    if (checkout / _PROBE).is_file():
        return checkout
    raise FileNotFoundError(
        f"JSON Schemas not found: looked in the package ({packaged}) and in {checkout}"
    )


@functools.cache
def _schema_bytes(name: str) -> bytes:
    if name not in SCHEMA_NAMES:
        raise KeyError(f"unknown schema {name!r}; known: {', '.join(SCHEMA_NAMES)}")
    return schema_dir().joinpath(f"{name}.schema.json").read_bytes()


def load_schema(name: str) -> dict[str, Any]:
    """The schema called ``name`` (e.g. ``"transfer"``) as a fresh dict."""
    schema = orjson.loads(_schema_bytes(name))
    if not isinstance(schema, dict):
        raise ValueError(f"{name}.schema.json is not a JSON object")
    return schema


@functools.cache
def compiled_validator(name: str) -> Callable[[Any], Any]:
    """A fastjsonschema validator for the schema, compiled once per process.

    Formats are not checked (the schemas use ``pattern`` for timestamps) and defaults are
    not filled in (the boundary applies them, treating null as absent); the validator
    raises ``fastjsonschema.JsonSchemaValueException`` on invalid data.
    """
    validate: Callable[[Any], Any] = fastjsonschema.compile(
        load_schema(name), use_default=False, use_formats=False
    )
    return validate
