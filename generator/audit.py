"""`cadre audit-site`: search a built site for anything that must stay private.

It looks for every private free-text value and date of the records (as the schemas mark
them) and for resident-ID-like and mobile-like numbers, in every file of the site, read the
way a browser or a script would read it:

- every page is normalised first (`fold`): HTML entities, JSON and percent escapes undone
  (repeatedly, for text escaped twice), tags dropped, compatibility forms folded (NFKC:
  full-width digits and letters), every kind of decimal digit read as 0-9, and the control,
  bidirectional and zero-width characters that could split a value (`characters`) removed;
- a private date is found in any form the site could render it: ISO, 1991年3月21日,
  一九九一年三月二十一日, 1991/03/21, 1991.3.21 or 19910321, with or without leading zeros
  and spaces; every date-like text of a page is read back to ISO and looked up;
- a private text is found by its segments of at least six characters, ignoring spaces and
  line breaks;
- compressed files (gzip, whatever their name) are read decompressed, up to a limit.

Private values that are also published elsewhere in the records (a date that is both a birth
date and a posting date, say) cannot be told apart and are skipped. Enumerations, numbers
and booleans (a gender code, a vote tally) are skipped for the same reason: they cannot be
found by search without flagging every page. Keeping them out of the templates is the
projection's job, which its own tests check.
"""

from __future__ import annotations

import datetime as dt
import gzip
import html
import io
import re
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from .characters import UNWANTED, printable
from .model import Records
from .privacy import MOBILE, RESIDENT_ID
from .schema import private_leaves, public_view, raw_schema

KIND_OF = {
    "policies": "policy",
    "units": "unit",
    "people": "person",
    "appraisals": "appraisal",
    "points": "points",
    "selections": "selection",
    "incidents": "incident",
    "cases": "case",
}
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
SEGMENT = re.compile(r"[，。；！？、,.;!?\n\r\t]+")
MIN_SEGMENT = 6
BINARY = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".woff", ".woff2", ".ttf")
MAX_INFLATED = 256 * 2**20  # a compressed file is read up to this size, then reported


@dataclass(frozen=True)
class Leak:
    site_file: str
    source: str  # record file and field, or the kind of pattern

    def text(self) -> str:
        where, what = printable(self.site_file), printable(self.source)
        return f"{where}: 发现不应公开的内容 (private content found): {what}"


# ---------------------------------------------------------------- reading a page


_TAG = re.compile(r"<[^<>]*>")
_JSON_PAIR = re.compile(r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})", re.IGNORECASE)
_JSON_ONE = re.compile(r"\\u([0-9a-fA-F]{4})")
_JSON_SIMPLE = re.compile(r"\\([\"\\/bfnrt])")
_SIMPLE = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_HIDDEN = re.compile(f"[{UNWANTED}]")
_DIGIT = re.compile(r"(?![0-9])\d")  # a decimal digit of another script


def _json_unescape(text: str) -> str:
    text = _JSON_PAIR.sub(
        lambda m: chr(0x10000 + ((int(m[1], 16) - 0xD800) << 10) + int(m[2], 16) - 0xDC00), text
    )
    text = _JSON_ONE.sub(lambda m: chr(int(m[1], 16)), text)
    return _JSON_SIMPLE.sub(lambda m: _SIMPLE.get(m[1], m[1]), text)


def _unescape(text: str) -> str:
    """HTML entities, JSON and percent escapes undone, until nothing changes (at most 3 times)."""
    for _ in range(3):
        done = html.unescape(_json_unescape(unquote(text, errors="replace")))
        if done == text:
            break
        text = done
    return text


def _ascii_digit(m: re.Match) -> str:
    ch = m.group()
    value = unicodedata.decimal(ch, None)
    return ch if value is None else str(value)


def fold(text: str) -> str:
    """Text as a reader sees it: compatibility forms folded, every decimal digit 0-9,
    nothing invisible left to split a value. Applied to pages and to private values alike."""
    text = unicodedata.normalize("NFKC", text)
    return _HIDDEN.sub("", _DIGIT.sub(_ascii_digit, text))


def page_text(raw: str) -> str:
    """A page as a reader sees it, folded: unescaped, then once more without its tags (a value
    in an attribute is found in the first reading, one split by markup in the second)."""
    plain = _unescape(raw)
    return fold(plain + "\n\n" + _TAG.sub("", plain))


# ---------------------------------------------------------------- dates in any form

_NUMERIC_DATE = re.compile(
    r"(?<![0-9])([0-9]{4})"
    r"(?:\s*(?:[-/.]|年)\s*([0-9]{1,2})\s*(?:[-/.]|月)\s*([0-9]{1,2})|([0-9]{2})([0-9]{2}))"
    r"(?![0-9])"
)
_CN_DIGITS = {c: n for n, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0}
_CN_DATE = re.compile(
    r"([〇○零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})"
)


def _cn_number(text: str) -> int | None:
    """一 to 三十一, as written in a Chinese date."""
    if "十" not in text:
        return _CN_DIGITS.get(text) if len(text) == 1 else None
    tens, _, units = text.partition("十")
    if len(tens) > 1 or len(units) > 1:
        return None
    return (_CN_DIGITS.get(tens, 0) if tens else 1) * 10 + (
        _CN_DIGITS.get(units, 0) if units else 0
    )


def _iso(year: int | None, month: int | None, day: int | None) -> str | None:
    try:
        return dt.date(year, month, day).isoformat() if year and month and day else None
    except ValueError:
        return None


def dates_in(text: str) -> set[str]:
    """Every date a folded page holds, in whatever form, as ISO text."""
    found = set()
    for m in _NUMERIC_DATE.finditer(text):
        month, day = (m[2], m[3]) if m[2] else (m[4], m[5])
        found.add(_iso(int(m[1]), int(month), int(day)))
    for m in _CN_DATE.finditer(text):
        year = int("".join(str(_CN_DIGITS[c]) for c in m[1]))
        found.add(_iso(year, _cn_number(m[2]), _cn_number(m[3])))
    found.discard(None)
    return found


# ---------------------------------------------------------------- what to look for


def _public_scalars(value, out: set) -> None:
    if isinstance(value, dict):
        for v in value.values():
            _public_scalars(v, out)
    elif isinstance(value, list):
        for v in value:
            _public_scalars(v, out)
    elif isinstance(value, str):
        out.add(value)


def _compact(text: str) -> str:
    return "".join(text.split())


@dataclass
class Needles:
    """Private dates (ISO) and private text segments (folded, without spaces), each mapped
    to the record file and field it comes from."""

    dates: dict[str, str]
    texts: dict[str, str]


def needles(rec: Records) -> Needles:
    """What to search a site for: the private values of the records that nothing public holds."""
    public: set[str] = set()
    private: list[tuple[str, str, str]] = []
    for attr, kind in KIND_OF.items():
        for doc in getattr(rec, attr).values():
            _public_scalars(public_view(kind, doc.data), public)
            for path, value in private_leaves(raw_schema(kind), doc.data):
                if isinstance(value, str):
                    private.append((doc.path, ".".join(map(str, path)), value))
    folded_public = [_compact(fold(p)) for p in public]
    found = Needles({}, {})
    for file, field, value in private:
        if value in public:
            continue
        if DATE.match(value):
            found.dates.setdefault(value, f"{file} {field}")
            continue
        for seg in SEGMENT.split(fold(value)):
            seg = _compact(seg)
            if len(seg) >= MIN_SEGMENT and not any(seg in p for p in folded_public):
                found.texts.setdefault(seg, f"{file} {field}")
    return found


# ---------------------------------------------------------------- the site


def _contents(path: Path) -> bytes | None:
    """A file's bytes, decompressed while they are gzip (whatever the file's name); None when
    they inflate beyond the limit or are damaged, which is reported rather than skipped."""
    raw = path.read_bytes()
    for _ in range(3):
        if not raw.startswith(b"\x1f\x8b"):
            return raw
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as gz:
                raw = gz.read(MAX_INFLATED + 1)
        except (OSError, EOFError, zlib.error):
            return None
        if len(raw) > MAX_INFLATED:
            return None
    return None if raw.startswith(b"\x1f\x8b") else raw


def audit_text(text: str, found: Needles) -> list[str]:
    """The sources of every private value and pattern one page holds (the page as text)."""
    folded = page_text(text)
    sources = [found.dates[d] for d in sorted(dates_in(folded)) if d in found.dates]
    compact = _compact(folded)
    sources += [source for seg, source in found.texts.items() if seg in compact]
    if RESIDENT_ID.search(folded):
        sources.append("疑似身份证号码 (resident-ID-like number)")
    if MOBILE.search(folded):
        sources.append("疑似手机号码 (mobile-like number)")
    return sources


def audit_site(site: Path, rec: Records) -> list[Leak]:
    found = needles(rec)
    leaks: list[Leak] = []
    for f in sorted(p for p in site.rglob("*") if p.is_file()):
        if f.suffix.lower() in BINARY:
            continue
        rel = f.relative_to(site).as_posix()
        raw = _contents(f)
        if raw is None:
            leaks.append(Leak(rel, "压缩文件无法完整读取 (compressed file too large or damaged)"))
            continue
        text = raw.decode("utf-8", "replace")
        leaks += [Leak(rel, source) for source in dict.fromkeys(audit_text(text, found))]
    return leaks
