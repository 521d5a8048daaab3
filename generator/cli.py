"""`cadre`: the command line over the pipeline. Only the CLI modules print or exit.

Exit codes: 0 clean, 1 findings with errors (or a failed build), 2 usage errors. Every
error of the package (`errors.CadreError`) is turned into its message and exit code in one
place, `CadreGroup.invoke`; a traceback is never a user's answer.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .characters import json_text, printable
from .cli_common import AS_OF, FORMAT, RECORDS, parse_as_of, require_dir
from .cli_site import build, serve
from .errors import CadreError
from .findings import has_errors, report
from .outputs import json_chunks, open_atomic, write_atomic
from .pipeline import check_and_compute, check_dir, open_source


class CadreGroup(click.Group):
    """The command group; the one place where the package's errors become messages."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CadreError as e:
            for line in e.lines():
                click.echo(f"错误 error: {line}" if e.exit_code == 2 else line, err=True)
            ctx.exit(e.exit_code)


@click.group(cls=CadreGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
    """校验全部记录 (validate every record: schema, then rules across records).

    When the records pass, the rules are also computed, because some are only known then
    (the procedure's windows and order, F6; the outcome's fit, F7; a promotion inside a
    no-promotion period, A5); their findings are reported the same way.
    """
    from .incremental import validated

    day = parse_as_of(as_of)
    require_dir(records_dir)
    findings = validated(open_source(records_dir), day)
    text = report(findings, fmt)
    if text:
        click.echo(text)
    sys.exit(1 if has_errors(findings) else 0)


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
@click.option(
    "--year",
    type=click.IntRange(2000, 2100),
    default=None,
    help="只输出该年度的结果 (only that year's results).",
)
def compute(records_dir: Path, as_of: str | None, out: str, year: int | None) -> None:
    """计算考核、积分、竞争上岗、处理和任期结果，输出 JSON (compute the results JSON)."""
    day = parse_as_of(as_of)
    require_dir(records_dir)
    results, findings = check_and_compute(open_source(records_dir), day)
    if results is None:
        click.echo(report(findings, "text"), err=True)
        sys.exit(1)
    if year is not None:
        from .compute import for_year

        results = for_year(results, year)
    if out == "-":
        sys.stdout.writelines(json_chunks(results))
        sys.stdout.write("\n")
    else:
        with open_atomic(Path(out)) as fh:
            fh.writelines(json_chunks(results))
            fh.write("\n")
    if findings:
        click.echo(report(findings, "text"), err=True)
    sys.exit(1 if has_errors(findings) else 0)


@main.command()
@click.argument("base")
@click.argument("head")
@AS_OF
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
    help="输出格式 (output format).",
)
@click.option(
    "--link-base",
    default=None,
    help="记录文件链接的前缀，例如 https://git.example/county/blob/<head> (prefix for links to record files).",
)
def diff(base: str, head: str, as_of: str | None, fmt: str, link_base: str | None) -> None:
    """比较两个版本计算结果的变化，供审核 (outcome changes between two git revisions, for review).

    Reads both revisions from git without touching the working tree. Both sides are computed
    as of the same date: --as-of, or the latest event date in HEAD's records. Exit 0 whatever
    changed; 1 only when HEAD has validation errors.
    """
    from . import gitstore
    from .diff import to_json, to_markdown
    from .review import names, revision_diff

    day = parse_as_of(as_of)
    root = gitstore.toplevel(Path.cwd())
    cache = open_source(root / "records").cache
    d, base_side, head_side = revision_diff(root, base, head, day, cache)
    if fmt == "json":
        click.echo(json_text(to_json(d)))
    else:
        click.echo(
            to_markdown(
                d,
                names(base_side, head_side),
                base_side.source["commit"],
                head_side.source["commit"],
                link_base,
            ),
            nl=False,
        )
    sys.exit(1 if d.head_errors else 0)


@main.command()
@click.argument("record_id")
@RECORDS
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="输出格式 (output format).",
)
def log(record_id: str, records_dir: Path, fmt: str) -> None:
    """一条记录的修改历史 (the git history of one record: commit, author, date, message, changed fields).

    RECORD_ID is a record id (person, unit, case, ...) or a path under the records folder.
    Changed fields are named, never their values.
    """
    from . import gitstore
    from .history import record_log, record_paths

    require_dir(records_dir)
    paths = record_paths(records_dir, record_id)
    if not paths:
        raise click.UsageError(f"找不到编号为 {record_id} 的记录 (no record with this id)")
    root = gitstore.toplevel(records_dir)
    relpaths = [p.resolve().relative_to(root).as_posix() for p in paths]
    logs = {rel: record_log(root, rel) for rel in relpaths}
    if fmt == "json":
        click.echo(json_text(logs))
        return
    for path, entries in logs.items():
        click.echo(printable(path))
        if not entries:
            click.echo("  （尚未提交 not committed yet）")
        for e in entries:
            fields = (
                "、".join(e["fields"])
                if e["fields"]
                else {"created": "新建", "deleted": "删除"}.get(e["change"], "")
            )
            who, what = printable(e["author"]), printable(e["subject"])
            click.echo(f"  {e['commit'][:10]} {e['date'][:10]} {who}: {what}")
            if fields:
                click.echo(f"      {printable(fields)}")


@main.group("export")
def export_group() -> None:
    """导出 Excel 工作簿，供经办人填写 (export workbooks for clerks)."""


@export_group.command("sheet")
@RECORDS
@click.option("--unit", required=True, help="单位编号 (unit id).")
@click.option("--year", required=True, type=int, help="年度 (year).")
@click.option(
    "--month",
    type=click.IntRange(1, 12),
    default=None,
    help="月份：给出时导出月度积分表，否则导出年度考核表 (month: a points sheet; otherwise an appraisal sheet).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="输出文件，默认 exports/<单位>-<年度>[-<月份>].xlsx，该文件夹不纳入 git (output file; default in exports/, which git ignores).",
)
def export_sheet(
    records_dir: Path, unit: str, year: int, month: int | None, out: Path | None
) -> None:
    """导出考核或积分工作簿 (one row per person or item, the item columns of each category, drop-down lists and maxima)."""
    from .sheets import SheetError, export_appraisal, export_points

    require_dir(records_dir)
    checked = check_dir(open_source(records_dir))
    try:
        data = (
            export_points(checked.records, unit, year, month)
            if month
            else export_appraisal(checked.records, unit, year)
        )
    except SheetError as e:  # an unknown unit or year is the caller's mistake
        raise click.UsageError("\n".join(e.messages)) from None
    name = f"{unit}-{year}" + (f"-{month:02d}" if month else "") + ".xlsx"
    out = out or records_dir.resolve().parent / "exports" / name
    write_atomic(out, data)
    click.echo(f"已导出 {out} (exported)；填写后运行 cadre import sheet {out}")


@main.group("import")
def import_group() -> None:
    """把填好的 Excel 工作簿写回记录 (import filled workbooks into the records)."""


@import_group.command("sheet")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@RECORDS
def import_sheet(file: Path, records_dir: Path) -> None:
    """把工作簿中的数据写回 YAML，只改动有变化的值 (write the values back, changing only what changed).

    Nothing is written when a cell is wrong or the resulting records would not validate;
    every problem is listed as `sheet!B7: message`, with the column's header.
    """
    from .sheets import SheetError, import_workbook
    from .sheets.layout import MAX_FILE_BYTES

    require_dir(records_dir)
    source = open_source(records_dir)
    checked = check_dir(source)
    try:
        with file.open("rb") as fh:  # never more than the limit, which is then refused
            raw = fh.read(MAX_FILE_BYTES + 1)
        imported = import_workbook(source, checked, raw, file.stat().st_size)
    except SheetError as e:
        click.echo("\n".join(f"{file.name}:{m}" for m in e.messages), err=True)
        click.echo("未写入任何文件 (nothing written)", err=True)
        sys.exit(1)
    if imported.new is None:
        click.echo(f"{imported.target} 没有变化，未改动 (no change)")
        return
    write_atomic(imported.target, imported.new)
    click.echo(f"已写入 {imported.target} (written)；请运行 cadre validate 并提交拉取请求")


@main.command()
@click.argument("kind", type=click.Choice(["person", "incident", "case", "selection"]))
@RECORDS
@click.option("--unit", default=None, help="单位编号（person、selection 需要）(unit id).")
@click.option("--name", default=None, help="姓名（person 需要；编号按姓名拼音生成）(name).")
@click.option("--person", default=None, help="人员编号（incident、case 需要）(person id).")
@click.option(
    "--date",
    "day",
    default=None,
    help="日期 YYYY-MM-DD（incident 发现日期、case 开始核实日期；编号中的年份取自它）(the record's date).",
)
def new(
    kind: str,
    records_dir: Path,
    unit: str | None,
    name: str | None,
    person: str | None,
    day: str | None,
) -> None:
    """新建一条带注释的记录骨架，按编号规则取下一个编号 (write a commented skeleton with the next id of the convention)."""
    from .scaffold import scaffold

    require_dir(records_dir)
    date = parse_as_of(day, "--date")
    checked = check_dir(open_source(records_dir))
    try:
        path, text = scaffold(kind, checked.records, records_dir, unit, person, name, date)
    except ValueError as e:
        raise click.UsageError(str(e)) from None
    if path.exists():
        raise click.UsageError(f"{path} 已存在 (already exists)")
    write_atomic(path, text.encode("utf-8"))
    click.echo(
        f"已新建 {path}：填写留空的字段后运行 cadre validate (created; fill the blanks, then validate)"
    )


@main.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--county", default=None, help="县名，例如 某某县 (the county's name).")
@click.option("--title", default=None, help="公示网站的标题 (the site's title).")
@click.option("--office", default=None, help="受理异议的机构 (who takes objections).")
@click.option("--phone", default=None, help="受理异议的办公电话 (its office phone).")
@click.option("--address", default=None, help="受理异议的地址 (its address).")
@click.option(
    "--year",
    type=click.IntRange(2000, 2100),
    default=None,
    help="政策年度，默认今年 (the policy's year; this year by default).",
)
def init(
    directory: Path,
    county: str | None,
    title: str | None,
    office: str | None,
    phone: str | None,
    address: str | None,
    year: int | None,
) -> None:
    """新建一个县的记录仓库：政策参数、网站设置、审核分工和说明 (a new county's repository from nothing).

    Asks for what is not given as an option when run in a terminal; whatever is left blank
    is listed with its file and line, and `cadre validate` names it until it is filled.
    """
    import datetime as dt

    from .init import County, init_repository

    asked = {"county": county, "title": title, "office": office, "phone": phone}
    asked["address"] = address
    if sys.stdin.isatty():
        questions = {
            "county": "县名（例如 某某县）",
            "title": "公示网站标题",
            "office": "受理异议的机构",
            "phone": "受理异议的办公电话",
            "address": "受理异议的地址",
        }
        for key, question in questions.items():
            if asked[key] is None:
                default = f"{asked['county']}干部能上能下公示" if key == "title" else ""
                asked[key] = click.prompt(question, default=default, show_default=bool(default))
    if asked["title"] is None and asked["county"]:
        asked["title"] = f"{asked['county']}干部能上能下公示"
    values = {k: (v or "").strip() or None for k, v in asked.items()}
    day = dt.date.today()  # only the policy's default year; no rule reads the clock
    blanks = init_repository(
        directory,
        Path(__file__).resolve().parent.parent,
        County(
            year or day.year,
            values["county"],
            values["title"],
            values["office"],
            values["phone"],
            values["address"],
        ),
    )
    click.echo(f"已新建仓库 {directory} (repository created)")
    if blanks:
        click.echo("还需填写 (still to fill):")
        for line in blanks:
            click.echo(f"  {line}")
    click.echo(f"下一步：cd {directory}，按 README.md 安装，填写后运行 cadre validate")


@main.command("audit-site")
@click.argument("site_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@RECORDS
def audit_site_command(site_dir: Path, records_dir: Path) -> None:
    """检查已生成的网站中是否有不应公开的内容 (search a built site for private values and ID- or phone-like numbers).

    Exit 1 and name each file and the record field whose private value it holds.
    """
    from .audit import audit_site
    from .site.build import MARKERS

    require_dir(records_dir)
    internal = [m for m, who in MARKERS.items() if who == "internal" and (site_dir / m).exists()]
    if internal:
        click.echo(
            f"{site_dir}: 这是组织部内部工作台，含个人信息，不得公开 "
            "(this is the internal view: it must never be published)"
        )
    checked = check_dir(open_source(records_dir))
    leaks = audit_site(site_dir, checked.records)
    for leak in leaks:
        click.echo(leak.text())
    click.echo(f"{len(leaks)} 处问题 (leak(s)) in {site_dir}")
    sys.exit(1 if leaks or internal else 0)


@main.command()
@click.option(
    "--people",
    "people",
    type=click.IntRange(1, 2_000_000),
    required=True,
    help="人数 (number of people).",
)
@click.option(
    "--units",
    "units",
    type=click.IntRange(1, 100_000),
    default=None,
    help="单位数，默认每 80 人一个 (units; default one per 80 people).",
)
@click.option(
    "--years",
    "years",
    type=click.IntRange(1, 10),
    default=2,
    show_default=True,
    help="考核年度数 (appraisal years).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="输出目录 (output folder).",
)
def synth(people: int, units: int | None, years: int, out: Path) -> None:
    """生成合成的县或省数据，用于性能测试 (write a deterministic synthetic repository for benchmarks)."""
    from .synth import write_repository

    count = write_repository(out, people, units, years, Path(__file__).resolve().parent.parent)
    click.echo(f"已生成 {count} 个记录文件于 {out} (record files written)")


main.add_command(build)
main.add_command(serve)


if __name__ == "__main__":
    main()
