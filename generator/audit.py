"""`cadre audit-site`: search a built site for anything that must stay private.

It looks for every private free-text value and date of the records (as the schemas mark
them) and for resident-ID-like and mobile-like numbers, in every file of the site, after
undoing HTML entities and JSON escapes so that an escaped copy is found too. Private
values that are also published elsewhere in the records (a date that is both a birth date
and a posting date, say) cannot be told apart and are skipped. Enumerations, numbers and
booleans (a gender code, a vote tally) are skipped for the same reason: they cannot be
found by search without flagging every page. Keeping them out of the templates is the
projection's job, which its own tests check.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

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


@dataclass(frozen=True)
class Leak:
    site_file: str
    source: str  # record file and field, or the kind of pattern

    def text(self) -> str:
        return f"{self.site_file}: 发现不应公开的内容 (private content found): {self.source}"


def _public_scalars(value, out: set) -> None:
    if isinstance(value, dict):
        for v in value.values():
            _public_scalars(v, out)
    elif isinstance(value, list):
        for v in value:
            _public_scalars(v, out)
    elif isinstance(value, str):
        out.add(value)


def needles(rec: Records) -> dict[str, str]:
    """Searchable private strings, each mapped to the record file and field it comes from."""
    public: set[str] = set()
    private: list[tuple[str, str, str]] = []
    for attr, kind in KIND_OF.items():
        for doc in getattr(rec, attr).values():
            _public_scalars(public_view(kind, doc.data), public)
            for path, value in private_leaves(raw_schema(kind), doc.data):
                if isinstance(value, str):
                    private.append((doc.path, ".".join(map(str, path)), value))
    found: dict[str, str] = {}
    for file, field, value in private:
        if value in public:
            continue
        if DATE.match(value):
            found.setdefault(value, f"{file} {field}")
            continue
        for seg in SEGMENT.split(value):
            seg = seg.strip()
            if len(seg) >= MIN_SEGMENT and not any(seg in p for p in public):
                found.setdefault(seg, f"{file} {field}")
    return found


def _decoded(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    text = html.unescape(text)
    if "\\u" in text:
        try:
            text = text + "\n" + json.dumps(json.loads(raw), ensure_ascii=False)
        except ValueError:
            text = (
                text
                + "\n"
                + re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
            )
    return text


def audit_site(site: Path, rec: Records) -> list[Leak]:
    found = needles(rec)
    leaks: list[Leak] = []
    for f in sorted(p for p in site.rglob("*") if p.is_file()):
        if f.suffix in (".png", ".jpg", ".ico", ".woff", ".woff2", ".gz"):
            continue
        text = _decoded(f.read_bytes())
        rel = f.relative_to(site).as_posix()
        for needle, source in found.items():
            if needle in text:
                leaks.append(Leak(rel, source))
        if RESIDENT_ID.search(text):
            leaks.append(Leak(rel, "疑似身份证号码 (resident-ID-like number)"))
        if MOBILE.search(text):
            leaks.append(Leak(rel, "疑似手机号码 (mobile-like number)"))
    return leaks
