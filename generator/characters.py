"""The characters no record may hold and no report may print: one list for both.

Records are shown on terminals, in CI logs and annotations, in a reviewer's Markdown and on
the public site. A control character can forge a line there (a line break followed by a
workflow command) or rewrite a terminal (escape sequences); a bidirectional override can
make text read differently from what it is; a zero-width or other invisible character can
hide text from a reviewer or split a value so a search misses it. The loader refuses them
in a record's raw text, and in every key and value once YAML's escapes are decoded; the
reporters show any that still reach them (in a file name, say) as escapes.

The allow-list is short: tabs and line ends (LF or CRLF) in the raw text; tabs and line
feeds in a decoded value, for multi-line texts; nothing in a key.
"""

from __future__ import annotations

import json
import re
import unicodedata

BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # marks, embeddings, overrides, isolates
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u180e"
# Soft hyphen, line and paragraph separators, invisible operators, deprecated format
# characters and Unicode tags (invisible text).
INVISIBLE = "\u00ad\u2028\u2029\u2061-\u2064\u206a-\u206f\U000e0000-\U000e007f"
# C0 and C1 controls but tab and line ends, and DEL; interlinear annotations; lone surrogates.
CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufff9-\ufffb\ud800-\udfff"
UNWANTED = CONTROL + BIDI + ZERO_WIDTH + INVISIBLE

IN_TEXT = re.compile(f"[{UNWANTED}]")
IN_VALUE = re.compile(f"[{UNWANTED}\r]")
IN_KEY = re.compile(f"[{UNWANTED}\t\n\r]")


def name(ch: str) -> str:
    """`U+202E RIGHT-TO-LEFT OVERRIDE`: a character named without printing it."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'control character')}"


def _escape(m: re.Match) -> str:
    code = ord(m.group())
    if code <= 0xFF:
        return {"\t": "\\t", "\n": "\\n", "\r": "\\r"}.get(m.group(), f"\\x{code:02x}")
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def printable(text: str) -> str:
    """`text` with every unwanted character, tabs and line breaks written as an escape
    (`\\n`, `\\x1b`, `\\u202e`), so that it shows as one line of what it really holds."""
    return IN_KEY.sub(_escape, text)


def _json_escape(m: re.Match) -> str:
    code = ord(m.group())
    if code > 0xFFFF:  # JSON writes a character beyond the BMP as a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def json_text(value, indent: int | None = 2) -> str:
    """JSON for a terminal or a log: Chinese as it is, and what `json.dumps` leaves raw (C1
    controls, bidi and invisible characters, lone surrogates) as \\u escapes too."""
    return IN_TEXT.sub(_json_escape, json.dumps(value, ensure_ascii=False, indent=indent))
