"""Finding a project by its name, for the clerk's own tables that carry no 项目代码 column: within the projects
the user may act on (never a name from outside that scope, so no oracle), exact after folding spaces and
full-width forms, narrowed by the row's 县（市、区） and by the year's list; unknown or ambiguous names are
refused naming at most five candidates."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from .spreadsheets import name_key

MAX_CANDIDATES = 5


@dataclass(frozen=True)
class Candidate:
    pk: int
    code: str
    name: str
    unit: str

    def __str__(self) -> str:
        return f"{self.name} ({self.unit}, {self.code})"


class NameIndex:
    """In-scope projects by folded name. `projects` is a queryset already limited to the user's scope;
    `preferred` the ids on the year's list (used to tell apart two projects of the same name)."""

    def __init__(self, projects, preferred: set[int] | None = None):
        self.by_key: dict[str, list[Candidate]] = {}
        for pk, code, name, unit in projects.values_list("pk", "code", "name", "unit__name"):
            self.by_key.setdefault(name_key(name), []).append(Candidate(pk, code, name, unit))
        self.preferred = preferred or set()

    def find(self, name: str, unit: str = "") -> tuple[Candidate | None, str]:
        """The one project a name (and the row's unit, when given) stands for, or None and the reason."""
        found = self.by_key.get(name_key(name), [])
        if len(found) > 1 and unit:
            key = name_key(unit)
            narrowed = [
                c for c in found if key and (key in name_key(c.unit) or name_key(c.unit) in key)
            ]
            found = narrowed or found
        if len(found) > 1 and self.preferred:
            found = [c for c in found if c.pk in self.preferred] or found
        if len(found) == 1:
            return found[0], ""
        if found:
            shown = "、".join(str(c) for c in found[:MAX_CANDIDATES])
            return None, f"项目名称 {name} 对应多个项目: {shown}; 请填写项目代码或所属县（市、区）"
        close = difflib.get_close_matches(
            name_key(name), list(self.by_key), n=MAX_CANDIDATES, cutoff=0.6
        )
        hint = "; 相近的项目: " + "、".join(str(self.by_key[k][0]) for k in close) if close else ""
        return None, f"项目名称 {name} 不在您的范围内或不存在{hint}"
