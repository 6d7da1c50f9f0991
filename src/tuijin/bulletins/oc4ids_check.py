"""Validate an OC4IDS package offline against the standard's own schema and codelists (shared/oc4ids/):
JSON Schema draft 4 through a `referencing` registry (no network), and every codelist-bound value
checked against the codelist's CSV (closed codelists: an error; open ones: reported as additional values).

The folder is found as <project>/../shared/oc4ids (CI clones the repository with shared/ beside it), or
under TUIJIN_SHARED_DIR. jsonschema and referencing are needed here (dev extras)."""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings

PACKAGE_SCHEMA = "project-package-schema.json"
PROJECT_SCHEMA = "project-schema.json"


def shared_dir() -> Path:
    override = os.environ.get("TUIJIN_SHARED_DIR")
    return Path(override) if override else Path(settings.PROJECT_DIR).parent / "shared"


def oc4ids_dir() -> Path:
    return shared_dir() / "oc4ids"


@lru_cache(maxsize=4)
def _schemas(folder: str) -> tuple[dict, dict]:
    base = Path(folder)
    return (json.loads((base / PACKAGE_SCHEMA).read_text(encoding="utf-8")),
            json.loads((base / PROJECT_SCHEMA).read_text(encoding="utf-8")))


@lru_cache(maxsize=64)
def codelist(folder: str, name: str) -> frozenset[str]:
    with open(Path(folder) / "codelists" / name, encoding="utf-8", newline="") as fh:
        return frozenset(row["Code"] for row in csv.DictReader(fh))


@dataclass
class Report:
    schema_errors: list[str] = field(default_factory=list)
    codelist_errors: list[str] = field(default_factory=list)  # closed codelists
    open_codelist_values: list[str] = field(default_factory=list)  # open codelists: allowed, reported

    @property
    def errors(self) -> list[str]:
        return self.schema_errors + self.codelist_errors

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_package(package: dict, folder: Path | None = None) -> Report:
    """Schema and codelist check of a package; raises FileNotFoundError when the schema folder is absent."""
    from jsonschema import Draft4Validator
    from referencing import Registry
    from referencing.jsonschema import DRAFT4

    folder = Path(folder or oc4ids_dir())
    if not (folder / PACKAGE_SCHEMA).exists():
        raise FileNotFoundError(f"OC4IDS 模式文件不存在: {folder / PACKAGE_SCHEMA} (可设置 TUIJIN_SHARED_DIR)")
    package_schema, project_schema = _schemas(str(folder))
    registry = Registry().with_resources([
        (package_schema["id"], DRAFT4.create_resource(package_schema)),
        (project_schema["id"], DRAFT4.create_resource(project_schema)),
    ])
    validator = Draft4Validator(package_schema, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)
    report = Report()
    for err in sorted(validator.iter_errors(package), key=lambda e: list(map(str, e.absolute_path))):
        path = "/" + "/".join(map(str, err.absolute_path))
        report.schema_errors.append(f"{path}: {err.message}")
    _codelists(package, package_schema, project_schema, str(folder), "", report)
    return report


def _resolve(schema: dict, project_schema: dict) -> dict:
    seen = 0
    while "$ref" in schema and seen < 20:
        ref = schema["$ref"]
        if ref.startswith("#/definitions/"):
            schema = project_schema["definitions"][ref.split("/")[-1]]
        elif ref.rstrip("#") == project_schema["id"]:
            schema = project_schema
        else:
            return {}
        seen += 1
    return schema


def _codelists(data, schema: dict, project_schema: dict, folder: str, path: str, report: Report) -> None:
    schema = _resolve(schema, project_schema)
    if "codelist" in schema:
        codes = codelist(folder, schema["codelist"])
        values = data if isinstance(data, list) else [data]
        for i, value in enumerate(values):
            if isinstance(value, str) and value not in codes:
                where = f"{path}/{i}" if isinstance(data, list) else path
                msg = f"{where}: {value!r} 不在代码表 {schema['codelist']} 中"
                (report.open_codelist_values if schema.get("openCodelist") else report.codelist_errors).append(msg)
        return
    if isinstance(data, dict):
        props = schema.get("properties", {})
        for key, value in data.items():
            if key in props:
                _codelists(value, props[key], project_schema, folder, f"{path}/{key}", report)
    elif isinstance(data, list) and isinstance(schema.get("items"), dict):
        for i, value in enumerate(data):
            _codelists(value, schema["items"], project_schema, folder, f"{path}/{i}", report)
