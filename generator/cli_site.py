"""`cadre build` and `cadre serve`: the public-posting site from the command line.

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

_out = click.option(
    "--out",
    "out",
    default="site",
    show_default=True,
    type=click.Path(path_type=Path),
    help="网站输出目录；构建成功后才替换 (the site folder; replaced only after a successful build).",
)


def _build(records_dir: Path, out: Path, as_of: str | None) -> None:
    """Build, or print why not and exit 1; the previous site stays as it was."""
    from .site.build import build_site

    day = parse_as_of(as_of)
    if not records_dir.is_dir():
        raise click.UsageError(f"找不到记录目录 {records_dir} (records folder not found)")
    try:
        built = build_site(open_source(records_dir), out, day)
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
    click.echo(
        f"网站已生成 {built.out}：{built.pages} 个页面，{built.postings} 项公示，"
        f"其中 {built.open_postings} 项公示中；{built.reused} 个公示页面沿用上次构建 (site built)"
    )


@click.command()
@RECORDS
@_out
@AS_OF
def build(records_dir: Path, out: Path, as_of: str | None) -> None:
    """生成公示网站 (build the public-posting site).

    Validates the records, computes the results, renders the public postings and runs
    mkdocs; the new site replaces --out only when all of it succeeded.
    """
    _build(records_dir, out, as_of)


@click.command()
@RECORDS
@_out
@AS_OF
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="端口 (port)."
)
@click.option(
    "--no-build", is_flag=True, help="不重新生成，直接预览现有网站 (serve the existing site)."
)
def serve(records_dir: Path, out: Path, as_of: str | None, port: int, no_build: bool) -> None:
    """生成并在本机预览公示网站 (build, then serve the site on 127.0.0.1)."""
    if not no_build:
        _build(records_dir, out, as_of)
    if not (out / "index.html").is_file():
        raise click.UsageError(f"{out} 中没有网站，请先运行 cadre build (no site in {out})")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
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
