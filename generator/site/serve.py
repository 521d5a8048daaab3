"""Previewing a built site: a static file server whose errors are pages in Chinese.

Python's own server answers a missing page with an English error page; a reader of the
preview should see what the published site shows instead: the site's 404 page.
"""

from __future__ import annotations

import http.server
from pathlib import Path


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """The files of one built site; a missing page gets the site's own 404 page."""

    error_message_format = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        "<title>出错了（%(code)d）</title></head>"
        "<body><h1>出错了（%(code)d）</h1><p>服务器无法完成这个请求。</p>"
        '<p><a href="/index.html">回到首页</a></p></body></html>\n'
    )
    error_content_type = "text/html; charset=utf-8"

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
