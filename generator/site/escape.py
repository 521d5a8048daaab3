"""Literal text for the site's Markdown: every value a template prints goes through here.

A name or summary holding `<script>`, a `javascript:` link, a table pipe, a heading after a
newline, `{{ }}`, a snippet line or an attribute list is shown as the characters it is.
Only what the site code makes itself (links, charts) is marked safe with `Markup`.
"""

from __future__ import annotations

import datetime as dt
import re

from markupsafe import Markup

# Every ASCII character that Markdown, its extensions (tables, attr_list, toc, admonition,
# snippets) or HTML give a meaning to becomes a numeric character reference: the browser
# shows the character, no Markdown or HTML parser acts on it.
_SPECIAL = "\\`*_{}[]()<>#+-.!|:=~^\"'&$%@;/?,"
_TABLE = {ord(c): f"&#{ord(c)};" for c in _SPECIAL}
# Words and numbers that no parser can read as markup: printed as they are.
_PLAIN = re.compile(r"(-?[0-9]+(\.[0-9]+)?|[0-9A-Za-z\u4e00-\u9fff]+)\Z")


def md_escape(value) -> Markup:
    """Literal text for a Markdown page (and the HTML it becomes), on one line.

    Newlines become `<br>`, so a value can sit in a table cell and can never start a
    heading, list, code block or snippet line of its own.
    """
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    if isinstance(value, bool):
        return Markup("是" if value else "否")
    text = str(value)
    if _PLAIN.match(text):
        return Markup(text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [" ".join(line.split()).translate(_TABLE) for line in lines]
    return Markup("<br>".join(lines))


def cn_date(value: str | None) -> Markup:
    """'2026-01-20' -> '2026年1月20日'."""
    if not value:
        return Markup("")
    day = dt.date.fromisoformat(str(value)[:10])
    return Markup(f"{day.year}年{day.month}月{day.day}日")
