"""Numbers the repository must never hold: resident ID numbers and personal mobile numbers.

The whole file is searched, comments included, since a comment is as public as a value
once the repository is shared. Findings name the line and column, never the number.
"""

from __future__ import annotations

import re

from .findings import Finding, error

RESIDENT_ID = re.compile(
    r"(?<![0-9])[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9])"
)
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def sensitive_numbers(path: str, text: str) -> list[Finding]:
    out = []
    for pattern, message, hint in (
        (
            RESIDENT_ID,
            "疑似身份证号码，记录中不得保存 (looks like a resident ID number)",
            "删除该号码；人员用编号标识",
        ),
        (
            MOBILE,
            "疑似个人手机号码，记录中不得保存 (looks like a mobile number)",
            "删除该号码；公示只写机关座机",
        ),
    ):
        for m in pattern.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
            out.append(error(path, line, col, "privacy", message, hint))
    return out
