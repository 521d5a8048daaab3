"""Checks of file names across the records: names that two systems would read as one."""

from __future__ import annotations

import unicodedata

from ..findings import Finding, error


def check_name_clashes(files: list[str]) -> list[Finding]:
    """File names that differ only by case or Unicode width name the same record on many systems."""
    seen: dict[str, str] = {}
    out = []
    for path in sorted(files):
        folder, _, name = path.rpartition("/")
        key = folder + "/" + unicodedata.normalize("NFKC", name).casefold()
        if key in seen:
            out.append(
                error(
                    path,
                    1,
                    1,
                    "id",
                    f"与 {seen[key]} 的编号只差大小写或全角半角 (id clashes with {seen[key]})",
                    "改用不同的编号",
                )
            )
        else:
            seen[key] = path
    return out
