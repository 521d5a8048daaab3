"""The one id convention of the records (CONTRIBUTING.md, 编号规则), in one place.

- People: the pinyin of the name, surname first, the syllables of the surname and of the
  given name each written together and joined by a hyphen (陈建华 chen-jianhua, 欧阳晓
  ouyang-xiao); a second person of the same name gets `-2`, a third `-3`.
- Incidents: the prefix of the person's unit (on the incident's date), the year of its own
  date, a sequence of two or more digits: `qx-2025-01`.
- Cases: the same with `tz` (调整) after the prefix, dated by the start of verification:
  `qx-tz-2025-01`, so that a case and the incident it handles never share an id.
- A unit's prefix is its `prefix` field (a few letters, e.g. `qx` for 青溪镇), or its id.

`cadre new`, the synthetic county and the id check (`checks.ids`) all use these functions.
Pinyin comes from pypinyin (its character table; any reading of a heteronym is accepted,
since the reading of a name is the person's own).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

COMPOUND_SURNAMES = {
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
    "宇文", "司徒", "夏侯", "令狐", "端木", "澹台", "轩辕", "钟离", "万俟", "独孤",
    "南宫", "西门", "呼延", "闻人", "申屠", "太史", "公羊", "赫连", "拓跋", "百里",
}  # fmt: skip
# The reading of a character as a surname where it differs from its common reading.
SURNAME_READINGS = {
    "覃": "qin", "曾": "zeng", "单": "shan", "解": "xie", "查": "zha", "仇": "qiu",
    "区": "ou", "朴": "piao", "盖": "ge", "乐": "yue", "尉": "yu", "翟": "zhai",
    "缪": "miao", "种": "chong", "秘": "bi", "隗": "wei", "阚": "kan", "召": "shao",
    "繁": "po", "员": "yun", "柏": "bai", "褚": "chu", "宿": "su", "薄": "bo",
    "牟": "mou", "冼": "xian", "黑": "he", "句": "gou", "能": "nai", "参": "shen",
    "长": "chang", "重": "chong", "华": "hua", "任": "ren", "燕": "yan", "纪": "ji",
}  # fmt: skip

PERSON_ID = re.compile(r"(?P<core>[a-z]+(?:-[a-z]+)+)(?:-(?P<n>[2-9]|[1-9][0-9]+))?\Z")
INCIDENT_ID = re.compile(r"(?P<prefix>[a-z0-9-]+?)-(?P<year>[0-9]{4})-(?P<seq>[0-9]{2,})\Z")
CASE_ID = re.compile(r"(?P<prefix>[a-z0-9-]+?)-tz-(?P<year>[0-9]{4})-(?P<seq>[0-9]{2,})\Z")


@lru_cache(maxsize=8192)
def readings(char: str) -> tuple[str, ...]:
    """Every toneless reading of one Han character (ü as v, u or yu), or () for any other."""
    if not ("\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"):
        return ()
    from pypinyin import Style, pinyin  # its table takes half a second to load: only when asked

    found = pinyin(char, style=Style.NORMAL, heteronym=True, errors=lambda _: [""])[0]
    out: list[str] = []
    for r in found:
        r = r.lower()
        for form in (r, r.replace("v", "u"), r.replace("v", "yu")):
            if form.isascii() and form.isalpha() and form not in out:
                out.append(form)
    return tuple(out)


def _split(name: str) -> tuple[str, str]:
    name = name.replace("·", "")
    cut = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
    return name[:cut], name[cut:]


def _first(chars: str, surname: bool) -> str | None:
    out = []
    for ch in chars:
        r = (SURNAME_READINGS.get(ch) if surname else None) or (readings(ch) or (None,))[0]
        if r is None:
            return None
        out.append(r)
    return "".join(out)


def person_stem(name: str) -> str | None:
    """The id a person of this name takes before any clash: 陈建华 -> chen-jianhua."""
    surname, given = _split(name)
    s, g = _first(surname, True), _first(given, False)
    if not s or not g:
        return None
    return f"{s}-{g}"


def person_id(name: str, taken) -> str | None:
    """The next free id for a name: its stem, else the stem with -2, -3, ..."""
    stem = person_stem(name)
    if stem is None:
        return None
    if stem not in taken:
        return stem
    n = 2
    while f"{stem}-{n}" in taken:
        n += 1
    return f"{stem}-{n}"


def fits_name(ident: str, name: str) -> bool | None:
    """Whether a person id follows the convention for the name (any reading of each
    character; hyphens only between syllables); None when the name has no pinyin."""
    m = PERSON_ID.match(ident)
    chars = [c for c in name if c != "·"]
    options = [readings(c) for c in chars]
    if not all(options):
        return None
    if m is None:
        return False
    core = m.group("core")

    @cache
    def rest(i: int, pos: int) -> bool:
        """Whether chars[i:] spell core[pos:], a hyphen allowed before each of them."""
        if i == len(chars):
            return pos == len(core)
        return (core.startswith("-", pos) and take(i, pos + 1)) or take(i, pos)

    def take(i: int, pos: int) -> bool:
        return any(core.startswith(r, pos) and rest(i + 1, pos + len(r)) for r in options[i])

    return take(0, 0)


def sequenced(prefix: str, existing) -> str:
    """`prefix` followed by the next number after the highest of `existing` with that
    prefix, two digits at least: qx-2025- -> qx-2025-03."""
    numbers = [
        int(i[len(prefix) :])
        for i in existing
        if i.startswith(prefix) and i[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:02d}"


def unit_prefix(unit: dict | None, unit_id: str) -> str:
    return (unit or {}).get("prefix") or unit_id


def incident_id(prefix: str, year: int, existing) -> str:
    return sequenced(f"{prefix}-{year}-", existing)


def case_id(prefix: str, year: int, existing) -> str:
    return sequenced(f"{prefix}-tz-{year}-", existing)
