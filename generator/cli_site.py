"""`cadre build` and `cadre serve`: the public-posting site, or the department's internal
view (`--audience internal`), from the command line.

Registered on the main group by `generator.cli`. Kept apart from it (and not importing
it) so that the group can import these commands without a cycle.
"""

from __future__ import annotations

import functools
import http.server
import sys
from pathlib import Path

import click

from .cli_common import AS_OF, RECORDS, parse_as_of
from .errors import CadreError
from .findings import report
from .pipeline import ValidationFailed, open_source
from .site.escape import cn_date

LOOPBACK = "127.0.0.1"  # the only address `cadre serve` listens on

_out = click.option(
    "--out",
    "out",
    default=None,
    type=click.Path(path_type=Path),
    help="输出目录，默认 site/（内部工作台为 internal-site/）；构建成功后才替换 "
    "(the output folder, site/ or internal-site/ by default; replaced only after a successful build).",
)
_audience = click.option(
    "--audience",
    type=click.Choice(["public", "internal"]),
    default="public",
    show_default=True,
    help="public 公示网站；internal 组织部内部工作台，含个人信息，不得公开 "
    "(the public site, or the department's internal view, which holds personal data).",
)


def _audience_of(name: str):
    if name == "internal":
        from .internal.audience import INTERNAL

        return INTERNAL
    from .site.build import PUBLIC

    return PUBLIC


def _build(records_dir: Path, out: Path | None, as_of: str | None, audience: str) -> Path:
    """Build, or print why not and exit 1; the previous site stays as it was."""
    from .site.build import build_site

    day = parse_as_of(as_of)
    if not records_dir.is_dir():
        raise click.UsageError(f"找不到记录目录 {records_dir} (records folder not found)")
    who = _audience_of(audience)
    out = out or Path(who.default_out)
    try:
        built = build_site(open_source(records_dir), out, day, who)
    except ValidationFailed as e:
        click.echo(report(e.findings, "text"), err=True)
        click.echo(
            "记录有错误，未生成网站，原有网站未改动 (records have errors; site left unchanged)",
            err=True,
        )
        sys.exit(1)
    except CadreError as e:
        click.echo(f"错误 error: {e}", err=True)
        click.echo("原有网站未改动 (the previous site is unchanged)", err=True)
        sys.exit(e.exit_code)
    except Exception as e:  # a bug must still leave the old site and a readable message
        click.echo(f"错误 error: 构建失败 (build failed): {type(e).__name__}: {e}", err=True)
        click.echo("原有网站未改动 (the previous site is unchanged)", err=True)
        sys.exit(1)
    warnings = [f for f in built.findings if f.severity == "warning"]
    if warnings:
        click.echo(report(warnings, "text"), err=True)
    if who.name == "internal":
        click.echo(
            f"内部工作台已生成 {built.out}：{built.pages} 个页面，{built.reused} 个沿用上次构建。"
            "内含个人信息，只在内网经登录后查看，"
            "不得公开或复制到公示网站 (internal view built; it holds personal data: never publish it)"
        )
    else:
        click.echo(
            f"网站已生成 {built.out}：{built.pages} 个页面，{built.postings} 项公示，"
            f"按 {cn_date(built.as_of)}，其中 {built.open_postings} 项公示中（网页按读者当天的日期显示状态）；"
            f"{built.reused} 个页面沿用上次构建 (site built)"
        )
    return built.out


@click.command()
@RECORDS
@_out
@AS_OF
@_audience
def build(records_dir: Path, out: Path | None, as_of: str | None, audience: str) -> None:
    """生成公示网站或内部工作台 (build the public-posting site, or the internal view).

    Validates the records, computes the results, renders the pages and runs mkdocs; the
    new site replaces --out only when all of it succeeded. The internal view (待办, 预警,
    人员档案) holds personal data: it is never written where a public build lives, and the
    publish workflow never builds it.
    """
    _build(records_dir, out, as_of, audience)


@click.command()
@RECORDS
@_out
@AS_OF
@_audience
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="端口 (port)."
)
@click.option(
    "--no-build", is_flag=True, help="不重新生成，直接预览现有网站 (serve the existing site)."
)
def serve(
    records_dir: Path, out: Path | None, as_of: str | None, audience: str, port: int, no_build: bool
) -> None:
    """生成并在本机预览 (build, then serve the site on 127.0.0.1 only).

    Either audience is served on the loopback address alone; the internal view belongs
    behind the intranet's own sign-in (see the README), never on an open port.
    """
    out = out or Path(_audience_of(audience).default_out)
    if not no_build:
        out = _build(records_dir, out, as_of, audience)
    if not (out / "index.html").is_file():
        raise click.UsageError(f"{out} 中没有网站，请先运行 cadre build (no site in {out})")
    from .site.serve import SiteHandler

    handler = functools.partial(SiteHandler, directory=str(out))
    try:
        server = http.server.ThreadingHTTPServer((LOOPBACK, port), handler)
    except OSError as e:
        raise click.UsageError(
            f"无法监听端口 {port} (cannot listen on port {port}): {e.strerror}"
        ) from None
    host, bound = server.server_address[:2]
    click.echo(f"预览地址 http://{host}:{bound}/ ，按 Ctrl+C 停止 (serving; Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
