"""项目代码: the national approval platform's 24-character code (GB/T 40058) and legacy layouts."""

import re
from dataclasses import dataclass

# YYYY-RRRRRR-DD-TT-NNNNNC: year, region, supervising sector, project type, 5 serial digits, check character.
MODERN = re.compile(r"^(?P<year>\d{4})-(?P<region>\d{6})-(?P<sector>\d{2})-(?P<type>\d{2})-(?P<serial>\d{5})(?P<check>[0-9A-Z])$")
# Something that was meant to be a modern code: starts like one (a year and the region group).
LOOKS_MODERN = re.compile(r"^\d{4}-\d{6}-")
# Older layouts vary by province; accept letters, digits and separators, at least 8 characters.
LEGACY = re.compile(r"^[0-9A-Za-z][0-9A-Za-z\-_/]{7,39}$")


@dataclass(frozen=True)
class CodeCheck:
    code: str
    legacy: bool
    warning: str = ""


def check_project_code(raw: str) -> CodeCheck:
    """Validate a project code. Returns the normalised code; raises ValueError when it is malformed."""
    code = (raw or "").strip().upper()
    if not code:
        raise ValueError("项目代码不能为空")
    m = MODERN.match(code)
    if m:
        year = int(m.group("year"))
        if year < 2000 or year > 2100:
            raise ValueError(f"项目代码 {raw!r} 的年份 {year} 不合理")
        return CodeCheck(code=code, legacy=False)
    if LOOKS_MODERN.match(code):
        raise ValueError(f"项目代码 {raw!r} 不符合 24 位格式 YYYY-RRRRRR-DD-TT-NNNNNC")
    if LEGACY.match(code):
        return CodeCheck(code=code, legacy=True, warning=f"项目代码 {code} 不是 24 位新版格式, 按旧版代码接受")
    raise ValueError(f"项目代码 {raw!r} 格式错误: 应为 24 位格式 YYYY-RRRRRR-DD-TT-NNNNNC 或旧版代码")
