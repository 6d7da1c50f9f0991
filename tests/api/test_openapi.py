"""The OpenAPI document declares every error status, and the docs page loads nothing from elsewhere."""

from __future__ import annotations

import re

from tuijin.api.errors import ERROR_STATUSES


def test_every_operation_declares_the_error_responses(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    ops = [(path, method, op) for path, item in doc["paths"].items() for method, op in item.items()]
    assert len(ops) >= 18
    for path, method, op in ops:
        codes = set(op["responses"])
        assert {str(s) for s in ERROR_STATUSES} <= codes, (method, path, codes)
        assert op.get("security"), (method, path)
        err = op["responses"]["422"]["content"]["application/json"]["schema"]
        assert err == {"$ref": "#/components/schemas/ErrorOut"}


def test_request_bodies_refuse_unknown_fields(client, db):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    for name in ("ProjectIn", "ProjectPatch", "StageEventIn", "ListEntryIn", "ReportIn"):
        assert schemas[name]["additionalProperties"] is False, name


def test_docs_page_uses_local_assets_only(client, db):
    r = client.get("/api/v1/docs")
    assert r.status_code == 200
    html = r.content.decode()
    srcs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert srcs and all(s.startswith("/api/v1/docs/assets/") for s in srcs), srcs
    assert "cdn" not in html.lower()
    # No inline script may run under the CSP: the only inline <script> is JSON data.
    for attrs, _body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs
    for src in srcs:
        asset = client.get(src)
        assert asset.status_code == 200, src
        assert int(asset["Content-Length"]) > 0 if asset.has_header("Content-Length") else True
