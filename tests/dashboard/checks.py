"""Reading a dashboard page the way a person clicks it: every number that links to a list (a[data-measure]) and
every chart point with a URL, and checking each against the list it opens (its total, from its own rows)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qs, urlsplit

from django.http import QueryDict

from tuijin.dashboard import selectors

ANCHOR = re.compile(r'<a class="fig[^"]*" href="([^"]+)" data-measure="([^"]+)" data-value="([^"]*)">')
JSON_BLOCK = re.compile(r'<script id="([\w-]+)" type="application/json">(.*?)</script>', re.S)


def figures_on_page(html: str) -> list[tuple[str, str, str, str]]:
    """(where, url, measure, unrounded value) for every linked number and chart point of the page."""
    found = [("number", unescape(url), measure, unescape(value)) for url, measure, value in ANCHOR.findall(html)]
    for block_id, text in JSON_BLOCK.findall(html):
        charts = json.loads(text)
        for name, option in charts.items():
            for series in option.get("series", []):
                for point in series.get("data", []):
                    if isinstance(point, dict) and point.get("url"):
                        found.append((f"{block_id}/{name}/{series.get('name')}", point["url"], point["measure"],
                                      point["raw"]))
    return found


def chart_series(html: str) -> dict[str, list[list]]:
    out = {}
    for _block_id, text in JSON_BLOCK.findall(html):
        for name, option in json.loads(text).items():
            out[name] = [s.get("data", []) for s in option.get("series", [])]
    return out


def _value(raw: str):
    return None if raw in ("", "None") else Decimal(raw)


class Checker:
    """Opens each figure's list once (by URL) and compares the list's total in the figure's measure."""

    def __init__(self, user):
        self.user = user
        self.lists: dict[str, selectors.DrillList] = {}

    def drill(self, url: str) -> selectors.DrillList:
        if url not in self.lists:
            parts = urlsplit(url)
            assert parts.path == "/dashboard/list/", url
            q = QueryDict(mutable=True)
            for k, vs in parse_qs(parts.query).items():
                q.setlist(k, vs)
            self.lists[url] = selectors.drill_list(self.user, selectors.parse_drill(self.user, q))
        return self.lists[url]

    def mismatches(self, figures) -> list[str]:
        bad = []
        for where, url, measure, raw in figures:
            data = self.drill(url)
            assert measure in data.totals, f"{where}: the list has no total {measure!r} ({url})"
            want, got = _value(raw), data.totals[measure]
            got = None if got is None else Decimal(got)
            if want != got:
                bad.append(f"{where} {measure}: page {want} ≠ list {got} ({url})")
        return bad
