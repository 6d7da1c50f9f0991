"""Characters that do not belong in names, codes or any text a person typed: invisible ones (zero-width space,
joiner, word joiner, byte-order mark, soft hyphen) and the bidirectional controls (U+202A–U+202E, U+2066–U+2069,
U+200E/U+200F, U+061C) with which "项目‮txt.exe" displays as something it is not. They are refused, not
stripped, so that what is stored is what the user sees, and the message says which character and where."""

from __future__ import annotations

import re

HIDDEN = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")

_NAMES = {"\u200b": "零宽空格", "\u200c": "零宽非连接符", "\u200d": "零宽连接符", "\u2060": "零宽不换行符",
          "\ufeff": "字节顺序标记 (BOM)", "\u00ad": "软连字符", "\u202e": "从右向左覆盖符", "\u202d": "从左向右覆盖符",
          "\u202a": "方向嵌入符", "\u202b": "方向嵌入符", "\u202c": "方向结束符", "\u200e": "方向标记",
          "\u200f": "方向标记", "\u061c": "方向标记"}


def hidden_character_problem(value: str) -> str | None:
    """None when the text is clean, otherwise the reason in Chinese: which character, at which position."""
    if not isinstance(value, str):
        return None
    found = HIDDEN.search(value)
    if found is None:
        return None
    char = found.group()
    name = _NAMES.get(char, "方向控制符" if "\u2066" <= char <= "\u2069" else "不可见字符")
    return (f"包含不可见字符或文字方向控制符: 第 {found.start() + 1} 个字符为 {name} (U+{ord(char):04X}), "
            f"请删除后重新输入")


def check_text(value: str, label: str, *, max_length: int | None = None) -> str:
    """Refuse hidden characters and over-long text, naming the field; returns the text unchanged."""
    from tuijin.core.errors import InputError

    problem = hidden_character_problem(value)
    if problem:
        raise InputError(f"{label}{problem}")
    if max_length is not None and value is not None and len(value) > max_length:
        raise InputError(f"{label}过长: {len(value)} 字, 最多 {max_length} 字")
    return value
