"""Load stage: YAML record files to plain data plus the line and column of every value.

Records are written by many hands and published, so the loader is strict and small. It
builds values from ruamel.yaml's parse events itself instead of using a constructor, so
that nothing the YAML language can express beyond plain mappings, sequences and scalars
(tags, anchors, aliases, directives, several documents) ever becomes a Python object, and
so that an alias bomb is refused before it can expand.

Scalars follow the YAML 1.2 core schema with two deliberate differences: dates are never
resolved (they stay strings and the schema checks them), and numbers that a clerk would
not mean as numbers (leading zeros, NaN, infinities, huge integers) are errors. Neither the
raw text nor any key or value once its escapes are decoded may hold the control, bidirectional
or invisible characters listed in `characters`.
"""

from __future__ import annotations

import io
import re
import sys
import zlib
from dataclasses import dataclass

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from . import characters
from .errors import CadreError
from .findings import Finding, error

MAX_BYTES = 1_000_000
MAX_DEPTH = 12
MAX_INT_DIGITS = 15

Path = tuple  # a path of keys and indexes into a document


@dataclass(slots=True)
class Document:
    """One loaded record file: its data and where every value sits in the file.

    Positions are only needed to report a finding, so a document loaded on the fast path
    (or from the cache) keeps its bytes and finds its positions by parsing them again the
    first time one is asked for; the data is the same either way.
    """

    path: str  # relative, with forward slashes, as shown in findings
    data: dict
    raw: bytes | None = None
    _positions: dict | None = None  # Path -> (line, col), 1-based
    _packed: bytes | None = None  # the bytes, compressed, once `pack`ed

    def pack(self, memo: dict | None = None) -> None:
        """Keep the bytes compressed until a finding needs a position: a province's files
        are 150 MB of text that compress to a quarter, held through a whole computation.
        `memo` (bytes -> compressed) shares one copy between two revisions' documents."""
        if self.raw is None or self._positions is not None:
            return
        packed = memo.get(self.raw) if memo is not None else None
        if packed is None:
            packed = zlib.compress(self.raw, 1)
            if memo is not None:
                memo[self.raw] = packed
        self._packed, self.raw = packed, None

    def forget_bytes(self) -> None:
        """Let the bytes go, packed or not: positions asked for later are unknown (1, 1)."""
        self.raw = self._packed = None

    @property
    def positions(self) -> dict:
        if self._positions is None:
            raw = self.raw if self._packed is None else zlib.decompress(self._packed)
            self._positions = (
                load_bytes(self.path, raw, positions=True)._positions if raw is not None else {}
            )
            self._packed = None
        return self._positions

    def where(self, path: Path) -> tuple[int, int]:
        """Line and column of the value at `path`, or of its nearest located parent."""
        positions = self.positions
        path = tuple(path)
        while path not in positions and path:
            path = path[:-1]
        return positions.get(path, (1, 1))

    def key_where(self, path: Path) -> tuple[int, int]:
        """Line and column of the key holding the value at `path` (for missing-field errors)."""
        return self.positions.get(("#key",) + tuple(path)) or self.where(path)


class LoadError(CadreError):
    """A record file that cannot be loaded; carries the finding to report."""

    def __init__(self, finding: Finding):
        super().__init__(finding.text())
        self.finding = finding


_INT = re.compile(r"[-+]?[0-9]+\Z")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9]+(\.[0-9]*)?\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_SPECIAL_FLOAT = re.compile(r"[-+]?\.(inf|Inf|INF)\Z|\.(nan|NaN|NAN)\Z")
_OTHER_INT = re.compile(r"0o[0-7]+\Z|0x[0-9a-fA-F]+\Z")
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def decode(path: str, raw: bytes) -> str:
    """Bytes to text, refusing what is not plain UTF-8 text."""
    if len(raw) > MAX_BYTES:
        raise LoadError(
            error(
                path,
                1,
                1,
                "file",
                f"文件超过 {MAX_BYTES} 字节上限 (file larger than {MAX_BYTES} bytes)",
                "拆分记录或检查是否误存了附件",
            )
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raise LoadError(
            error(
                path,
                1,
                1,
                "encoding",
                "文件以 BOM 开头 (file starts with a byte-order mark)",
                "请另存为“UTF-8 无 BOM”",
            )
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise LoadError(
            error(
                path,
                line,
                col,
                "encoding",
                "不是有效的 UTF-8 编码 (invalid UTF-8)",
                "请用 UTF-8 编码保存文件",
            )
        ) from None
    m = characters.IN_TEXT.search(text)
    if m:
        line, col = _line_col(text, m.start())
        raise LoadError(
            error(
                path,
                line,
                col,
                "characters",
                f"含有不可见或控制字符 {characters.name(m.group())} (invisible or control character)",
                "删除该字符后重新输入",
            )
        )
    return text


def _unwanted(path: str, ev, ch: str, as_key: bool) -> LoadError:
    """A decoded key or value holding a character it may not (most often written as an escape)."""
    what, english = ("键", "key") if as_key else ("值", "value")
    return LoadError(
        error(
            path,
            *_pos(ev),
            "characters",
            f"{what}中含有不可见或控制字符 {characters.name(ch)} "
            f"(invisible or control character in a {english})",
            "删除该字符；它也可能写成 \\u202e、\\0 这样的转义",
        )
    )


def _scalar(path: str, ev: ScalarEvent, as_key: bool):
    """Resolve a scalar event to str, int, float, bool or None (YAML 1.2 core, dates as strings)."""
    line, col = ev.start_mark.line + 1, ev.start_mark.column + 1
    value = ev.value
    if ev.style not in (None, ""):  # quoted or block scalars are always strings
        return value
    if value in _NULL:
        resolved = None
    elif value in _TRUE:
        resolved = True
    elif value in _FALSE:
        resolved = False
    elif _SPECIAL_FLOAT.match(value):
        raise LoadError(
            error(
                path, line, col, "number", "不允许 NaN 或无穷大 (NaN and infinity are not allowed)"
            )
        )
    elif _LEADING_ZERO.match(value):
        raise LoadError(
            error(
                path,
                line,
                col,
                "number",
                "数字不能以 0 开头 (number with a leading zero)",
                '如果这是编号或文字，请加引号，例如 "0123"',
            )
        )
    elif _OTHER_INT.match(value):
        raise LoadError(
            error(
                path,
                line,
                col,
                "number",
                "不允许八进制或十六进制数 (octal and hex numbers are not allowed)",
                "如果这是文字，请加引号",
            )
        )
    elif _INT.match(value):
        if len(value.lstrip("+-")) > MAX_INT_DIGITS:
            raise LoadError(
                error(
                    path,
                    line,
                    col,
                    "number",
                    f"数字位数超过 {MAX_INT_DIGITS} 位 (integer too large)",
                    "如果这是编号或文字，请加引号",
                )
            )
        resolved = int(value)
    elif _FLOAT.match(value) and any(c.isdigit() for c in value):
        if len(value) > 40:
            raise LoadError(error(path, line, col, "number", "数字过长 (number too long)"))
        resolved = float(value)
    else:
        return value
    if as_key:
        raise LoadError(
            error(
                path,
                line,
                col,
                "key",
                "键必须是文字 (keys must be strings)",
                "给键加引号，或改用英文字段名",
            )
        )
    return resolved


def _refuse_extras(path: str, ev) -> None:
    line, col = ev.start_mark.line + 1, ev.start_mark.column + 1
    if isinstance(ev, AliasEvent) or getattr(ev, "anchor", None):
        raise LoadError(
            error(
                path,
                line,
                col,
                "yaml",
                "不允许使用锚点和别名 (& and * are not allowed in records)",
                "把内容直接写出来",
            )
        )
    tag = getattr(ev, "tag", None)
    if tag and not (isinstance(ev, ScalarEvent) and tag == "!" and ev.style not in (None, "")):
        raise LoadError(
            error(
                path,
                line,
                col,
                "yaml",
                "不允许使用 YAML 标签 (tags such as !!python/... are not allowed)",
                "删除以 ! 开头的标签",
            )
        )


def _pos(ev) -> tuple[int, int]:
    return ev.start_mark.line + 1, ev.start_mark.column + 1


class _NeedPositions(Exception):
    """Raised on the fast path when a finding needs positions it did not record."""


def _build(path: str, events, first, positions: dict | None, at: tuple, depth: int):
    """Build the value that starts with event `first`; record positions when asked to."""
    ev = first
    _refuse_extras(path, ev)
    if positions is not None:
        positions[at] = _pos(ev)
    if depth > MAX_DEPTH:
        raise LoadError(
            error(
                path,
                *_pos(ev),
                "yaml",
                f"嵌套超过 {MAX_DEPTH} 层 (nesting deeper than {MAX_DEPTH} levels)",
            )
        )
    if isinstance(ev, ScalarEvent):
        value = _scalar(path, ev, as_key=False)
        if type(value) is str and (bad := characters.IN_VALUE.search(value)):
            raise _unwanted(path, ev, bad.group(), as_key=False)
        # Short texts (codes, dates, ids) repeat across thousands of records: keep one copy.
        return sys.intern(value) if type(value) is str and len(value) <= 24 else value
    if isinstance(ev, SequenceStartEvent):
        out = []
        while True:
            ev = next(events)
            if isinstance(ev, SequenceEndEvent):
                return out
            out.append(_build(path, events, ev, positions, at + (len(out),), depth + 1))
    if isinstance(ev, MappingStartEvent):
        out = {}
        while True:
            kev = next(events)
            if isinstance(kev, MappingEndEvent):
                return out
            _refuse_extras(path, kev)
            if not isinstance(kev, ScalarEvent):
                raise LoadError(
                    error(path, *_pos(kev), "key", "键必须是文字 (keys must be strings)")
                )
            key = sys.intern(
                _scalar(path, kev, as_key=True)
            )  # shared: thousands of files use the same keys
            if bad := characters.IN_KEY.search(key):
                raise _unwanted(path, kev, bad.group(), as_key=True)
            if key in out:
                if positions is None:  # the message names the first occurrence's line
                    raise _NeedPositions
                first_line = positions[("#key",) + at + (key,)][0]
                raise LoadError(
                    error(
                        path,
                        *_pos(kev),
                        f"{key}",
                        f"重复的键 '{key}' (duplicate key; first at line {first_line})",
                        "删除其中一个",
                    )
                )
            if positions is not None:
                positions[("#key",) + at + (key,)] = _pos(kev)
            out[key] = _build(path, events, next(events), positions, at + (key,), depth + 1)
    raise LoadError(
        error(path, *_pos(ev), "yaml", "无法识别的 YAML 结构 (unexpected YAML structure)")
    )


def parse(path: str, text: str, positions: bool = True) -> Document:
    """Parse one record file's text; raise LoadError naming the file and line."""
    if not positions:
        try:
            return _parse(path, text, None)
        except _NeedPositions:
            pass
    return _parse(path, text, {})


def _parse(path: str, text: str, positions: dict | None) -> Document:
    yaml = YAML(typ="safe")
    events = iter(yaml.parse(io.StringIO(text)))
    try:
        next(events)  # stream start
        ev = next(events)
        if isinstance(ev, StreamEndEvent):
            raise LoadError(
                error(path, 1, 1, "file", "文件为空 (empty file)", "删除该文件，或填入记录内容")
            )
        assert isinstance(ev, DocumentStartEvent)
        if getattr(ev, "version", None) or getattr(ev, "tags", None):
            raise LoadError(
                error(
                    path,
                    ev.start_mark.line + 1,
                    1,
                    "yaml",
                    "不允许 %YAML 或 %TAG 指令 (directives are not allowed)",
                    "删除以 % 开头的行",
                )
            )
        root_ev = next(events)
        data = _build(path, events, root_ev, positions, (), 0)
        next(events)  # document end
        ev = next(events)
        if not isinstance(ev, StreamEndEvent):
            raise LoadError(
                error(
                    path,
                    ev.start_mark.line + 1,
                    1,
                    "yaml",
                    "一个文件只能有一条记录 (more than one YAML document)",
                    "删除 --- 之后的第二份内容，或拆成两个文件",
                )
            )
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (e.problem or e.context or "syntax error").split("\n")[0]
        raise LoadError(
            error(
                path,
                line,
                col,
                "yaml",
                f"YAML 语法错误 (syntax error: {problem})",
                "检查缩进、冒号后的空格和引号是否成对",
            )
        ) from None
    except YAMLError as e:
        raise LoadError(
            error(path, 1, 1, "yaml", f"YAML 语法错误 (syntax error: {type(e).__name__})")
        ) from None
    if not isinstance(data, dict):
        raise LoadError(
            error(
                path,
                *_pos(root_ev),
                "file",
                "记录的顶层必须是键值映射 (top level must be a mapping)",
                "每个记录文件以 `id: ...` 这样的键开始",
            )
        )
    return Document(path, data, None, positions)


def load_bytes(path: str, raw: bytes, positions: bool = False) -> Document:
    """Load one file. Without `positions` the fast path is taken; positions come on demand."""
    doc = parse(path, decode(path, raw), positions)
    doc.raw = raw
    return doc
