"""Options and argument checks shared by the command modules (`cli`, `cli_site`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

RECORDS = click.option(
    "--records",
    "records_dir",
    default="records",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="记录目录 (the records folder).",
)
AS_OF = click.option(
    "--as-of",
    "as_of",
    default=None,
    help="计算基准日 YYYY-MM-DD；默认取记录中最晚的事件日期 (as-of date; defaults to the latest event date in the records).",
)
FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="输出格式 (output format): text, json, or github annotations.",
)


def parse_as_of(value: str | None, option: str = "--as-of") -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else dt.date.fromisoformat("x")
    except ValueError:
        raise click.BadParameter(
            "请用 YYYY-MM-DD 格式，例如 2026-01-22 (use YYYY-MM-DD)", param_hint=option
        ) from None


def require_dir(path: Path) -> None:
    if not path.is_dir():
        raise click.UsageError(f"找不到记录目录 {path} (records folder not found)")
