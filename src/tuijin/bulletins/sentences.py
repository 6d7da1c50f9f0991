"""句式: parse a sentence template, check its figure names, and render it from named figures.

`{name}` is a figure; `[ … ]` is an optional clause. A figure whose value is None is missing: a clause that
uses it is dropped, a sentence that uses it outside a clause is dropped; a sentence left with no data figure
(only labels such as {period}) is dropped too. Nothing prints a hole, a "None" or a made-up zero."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

from tuijin.core.errors import InputError

from .defaults import FIGURES, LABELS, SECTION_LABELS

_FORMATTER = string.Formatter()
SEPARATORS = "，,、；;：:"
ENDINGS = "。.！!？?"
_SEP_BEFORE_END = re.compile(f"[{SEPARATORS}]+(?=[{ENDINGS}]|$)")
_SEP_RUN = re.compile(f"([{SEPARATORS}])[{SEPARATORS}]+")


@dataclass
class Fig:
    """A figure as printed (`text`), its value as data (`value`) and where it comes from (`source`)."""

    text: str | None
    value: object = None
    source: dict | None = None
    label: bool = False

    @property
    def missing(self) -> bool:
        return self.text is None


@dataclass
class Part:
    text: str
    optional: bool
    names: list[str] = field(default_factory=list)


def split_parts(text: str) -> list[Part]:
    """Split a template into required text and optional [clauses]; refuse unbalanced or nested brackets."""
    parts: list[Part] = []
    buf, optional = "", False
    for ch in text:
        if ch == "[":
            if optional:
                raise InputError("句式中的可选部分 [ ] 不能嵌套", field="text")
            if buf:
                parts.append(Part(buf, False))
            buf, optional = "", True
        elif ch == "]":
            if not optional:
                raise InputError("句式中有多余的 ]", field="text")
            parts.append(Part(buf, True))
            buf, optional = "", False
        else:
            buf += ch
    if optional:
        raise InputError("句式中的 [ 没有对应的 ]", field="text")
    if buf:
        parts.append(Part(buf, False))
    for part in parts:
        part.names = placeholders(part.text)
    return parts


def placeholders(text: str) -> list[str]:
    """The figure names in a piece of template text; only plain {name} is allowed."""
    names = []
    try:
        parsed = list(_FORMATTER.parse(text))
    except ValueError as exc:
        raise InputError(f"句式中的花括号不成对: {exc}", field="text") from None
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name or spec or conversion or not name.isidentifier():
            raise InputError(f"句式中的数据项写法有误: {{{name}{'!' + conversion if conversion else ''}"
                             f"{':' + spec if spec else ''}}}, 应写作 {{名称}}", field="text")
        names.append(name)
    return names


def allowed_names(section: str) -> set[str]:
    return set(LABELS) | set(FIGURES.get(section, {}))


def check_template(section: str, text: str) -> list[str]:
    """Validate a template for a section: brackets, braces and figure names. Returns the names used."""
    if section not in FIGURES:
        raise InputError(f"段落未知: {section!r}", field="section")
    if not (text or "").strip():
        raise InputError("句式不能为空", field="text")
    parts = split_parts(text)
    names = [n for p in parts for n in p.names]
    unknown = sorted(set(names) - allowed_names(section))
    if unknown:
        raise InputError(f"本段落没有数据项: {', '.join(unknown)}", field="text")
    return names


def _cleanup(text: str) -> str:
    text = _SEP_RUN.sub(r"\1", text)
    return _SEP_BEFORE_END.sub("", text).strip()


def render(text: str, figures: dict[str, Fig], *, require_data: bool = True) -> tuple[str, list[str]] | None:
    """The sentence and the names of the figures it printed, or None when the sentence is dropped."""
    parts = split_parts(text)
    out, used = [], []
    for part in parts:
        figs = [figures.get(n) for n in part.names]
        if any(f is None or f.missing for f in figs):
            if part.optional:
                continue
            return None
        out.append(part.text.format_map({n: f.text for n, f in zip(part.names, figs, strict=True)}))
        used += part.names
    if require_data and not any(n not in LABELS and n not in SECTION_LABELS and not figures[n].label
                                for n in used):
        return None
    sentence = _cleanup("".join(out))
    return (sentence, list(dict.fromkeys(used))) if sentence else None
