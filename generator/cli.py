"""`cadre`: the command line over the pipeline. Only this module prints or exits.

Exit codes: 0 clean, 1 findings with errors (or a failed build), 2 usage errors.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from .findings import has_errors, report
from .outputs import write_atomic
from .pipeline import ValidationFailed, check_dir, compute_results

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


def parse_as_of(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else dt.date.fromisoformat("x")
    except ValueError:
        raise click.BadParameter(
            "请用 YYYY-MM-DD 格式，例如 2026-01-22 (use YYYY-MM-DD)", param_hint="--as-of"
        ) from None


def require_dir(path: Path) -> None:
    if not path.is_dir():
        raise click.UsageError(f"找不到记录目录 {path} (records folder not found)")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cadre-records")
def main() -> None:
    """能上能下记录管理：校验记录、计算结果、生成公示网站。

    Records-as-code for a county's cadre promotion and demotion mechanism.
    """


@main.command()
@RECORDS
@AS_OF
@FORMAT
def validate(records_dir: Path, as_of: str | None, fmt: str) -> None:
    """校验全部记录 (validate every record: schema, then rules across records)."""
    day = parse_as_of(as_of)
    require_dir(records_dir)
    checked = check_dir(records_dir, day)
    text = report(checked.findings, fmt)
    if text:
        click.echo(text)
    sys.exit(1 if has_errors(checked.findings) else 0)


@main.command()
@RECORDS
@AS_OF
@click.option(
    "--out",
    "out",
    default="-",
    show_default=True,
    help="结果 JSON 写到哪里；- 表示标准输出 (where to write the results JSON).",
)
def compute(records_dir: Path, as_of: str | None, out: str) -> None:
    """计算考核、积分、竞争上岗、处理和任期结果，输出 JSON (compute the results JSON)."""
    day = parse_as_of(as_of)
    require_dir(records_dir)
    try:
        results, findings = compute_results(records_dir, day)
    except ValidationFailed as e:
        click.echo(report(e.findings, "text"), err=True)
        sys.exit(1)
    text = json.dumps(results, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    if out == "-":
        click.echo(text, nl=False)
    else:
        write_atomic(Path(out), text.encode("utf-8"))
    warnings = [f for f in findings if f.severity == "warning"]
    if warnings:
        click.echo(report(warnings, "text"), err=True)


if __name__ == "__main__":
    main()
