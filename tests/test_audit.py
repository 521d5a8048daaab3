"""The privacy audit finds private values however the site encodes them, and passes a clean site."""

from __future__ import annotations

import json
import shutil

import pytest

from generator.audit import audit_site
from generator.pipeline import check_dir


def records(repo):
    return check_dir(repo / "records").records


def rel(source: str) -> str:
    """A leak's source from the records folder on (the repository sits in a temporary folder)."""
    return source[source.find("records/") :] if "records/" in source else source


def test_clean_pages_pass(mini_repo, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(
        "<p>赵小明 2025 年度 称职；受理电话 0745-6212380</p>", encoding="utf-8"
    )
    assert audit_site(site, records(mini_repo)) == []


def test_birth_date_in_html_is_found_and_named_by_field(mini_repo, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "p.html").write_text("<td>1990-02-01</td>", encoding="utf-8")
    leaks = audit_site(site, records(mini_repo))
    assert [(leak.site_file, rel(leak.source)) for leak in leaks] == [
        ("p.html", "records/people/hx-003.yaml birth_date")
    ]
    assert "1990-02-01" not in leaks[0].text()


def test_private_facts_escaped_in_a_search_index_are_found(mini_repo, tmp_path):
    site = tmp_path / "site"
    (site / "search").mkdir(parents=True)
    index = {"docs": [{"text": "摘要：内部掌握的考核排名明细。"}]}
    (site / "search" / "search_index.json").write_text(
        json.dumps(index, ensure_ascii=True), encoding="utf-8"
    )
    leaks = audit_site(site, records(mini_repo))
    assert [rel(leak.source) for leak in leaks] == ["records/incidents/2025/i-002.yaml facts"]


def test_html_entities_do_not_hide_a_value(mini_repo, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text(
        "<p>&#20869;&#37096;&#26680;&#26597;&#35760;&#24405;&#30340;&#20855;&#20307;&#32463;&#36807;</p>",
        encoding="utf-8",
    )
    assert [rel(leak.source) for leak in audit_site(site, records(mini_repo))] == [
        "records/incidents/2025/i-001.yaml facts"
    ]


def test_id_and_mobile_like_numbers_are_found(mini_repo, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text("11010519491231002X 与 13912345678", encoding="utf-8")
    sources = sorted(leak.source for leak in audit_site(site, records(mini_repo)))
    assert sources == [
        "疑似手机号码 (mobile-like number)",
        "疑似身份证号码 (resident-ID-like number)",
    ]


def test_audit_command_exits_one_on_a_leak(mini_repo, tmp_path, cli):
    site = tmp_path / "site"
    site.mkdir()
    (site / "p.html").write_text("<td>1970-04-12</td>", encoding="utf-8")
    result = cli("audit-site", str(site), "--records", str(mini_repo / "records"))
    assert result.exit_code == 1
    assert "records/people/hx-001.yaml birth_date" in result.output


def test_audit_passes_a_built_site_and_fails_once_a_private_value_is_planted(
    demo_repo, demo_site, tmp_path
):
    recs = records(demo_repo)
    assert audit_site(demo_site, recs) == []
    site = tmp_path / "site"
    shutil.copytree(demo_site, site)  # the built site is shared: plant the leak in a copy
    page = site / "postings" / "appraisal-2025-shiqiao-zhen.html"
    text = page.read_text(encoding="utf-8")
    assert "柏玉兰" in text
    # as if a template bug published a birth date in a public table cell
    page.write_text(text.replace("柏玉兰", "柏玉兰（1991-03-21）", 1), encoding="utf-8")
    leaks = audit_site(site, recs)
    assert [(leak.site_file, rel(leak.source)) for leak in leaks] == [
        ("postings/appraisal-2025-shiqiao-zhen.html", "records/people/bai-yulan.yaml birth_date")
    ]


# hx-003's birth date, 1990-02-01, planted in every form the site (or a template bug) could
# write it; each is found and named by its record and field.
BIRTH_DATE = [
    "<td>1990-2-1</td>",
    "<td>1990年2月1日</td>",  # the site's own date format
    "<td>1990年02月01日</td>",
    "<td>1990 年 2 月 1 日</td>",
    "<td>1990/02/01</td>",
    "<td>1990/2/1</td>",
    "<td>1990.02.01</td>",
    "<td>1990.2.1</td>",
    "<td>19900201</td>",
    "<td>一九九〇年二月一日</td>",
    "<td>1990-0\u200b2-01</td>",  # split by a zero-width space
    "<td>1990年\u2060２月\u200d1日</td>",
    "<td>１９９０年２月１日</td>",  # full-width digits
    "<td>&#49;990-02-01</td>",  # HTML entities
    "<td>1990&#x5e74;2&#x6708;1&#x65e5;</td>",
    "<td>1990&amp;#x5e74;2&amp;#x6708;1&amp;#x65e5;</td>",  # escaped twice
    "<td>1990年<b>2</b>月1日</td>",  # split by markup
    '<a href="/p?d=1990%E5%B9%B42%E6%9C%881%E6%97%A5">x</a>',  # percent-encoded
    '<td title="1990/2/1">赵小明</td>',  # in an attribute
]


@pytest.mark.parametrize("page", BIRTH_DATE)
def test_a_private_date_is_found_in_any_form(mini_repo, tmp_path, page):
    site = tmp_path / "site"
    site.mkdir()
    (site / "p.html").write_text(page, encoding="utf-8")
    leaks = audit_site(site, records(mini_repo))
    assert [(leak.site_file, rel(leak.source)) for leak in leaks] == [
        ("p.html", "records/people/hx-003.yaml birth_date")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "1990\\u5e742\\u67081\\u65e5",  # JSON escapes
        "\\u0031\\u0039\\u0039\\u0030/2/1",
        "1990\\/02\\/01",
    ],
)
def test_a_private_date_escaped_in_json_is_found(mini_repo, tmp_path, text):
    site = tmp_path / "site"
    (site / "search").mkdir(parents=True)
    (site / "search" / "search_index.json").write_text(
        '{"docs": [{"text": "' + text + '"}]}', encoding="utf-8"
    )
    leaks = audit_site(site, records(mini_repo))
    assert [rel(leak.source) for leak in leaks] == ["records/people/hx-003.yaml birth_date"]


@pytest.mark.parametrize(
    "name", ["sitemap.xml.gz", "assets/bundle.js", "double.gz"], ids=["gz", "misnamed", "twice"]
)
def test_a_private_value_inside_a_compressed_file_is_found(mini_repo, tmp_path, name):
    import gzip

    site = tmp_path / "site"
    path = site / name
    path.parent.mkdir(parents=True)
    data = gzip.compress(b"<lastmod>1990/2/1</lastmod>")
    path.write_bytes(gzip.compress(data) if name == "double.gz" else data)
    leaks = audit_site(site, records(mini_repo))
    assert [(leak.site_file, rel(leak.source)) for leak in leaks] == [
        (name, "records/people/hx-003.yaml birth_date")
    ]


def test_a_compressed_file_too_large_to_read_is_reported(mini_repo, tmp_path, monkeypatch):
    import gzip

    import generator.audit

    monkeypatch.setattr(generator.audit, "MAX_INFLATED", 1000)
    site = tmp_path / "site"
    site.mkdir()
    (site / "big.gz").write_bytes(gzip.compress(b" " * 1001))
    (site / "bad.gz").write_bytes(b"\x1f\x8b not really gzip")
    leaks = audit_site(site, records(mini_repo))
    assert [leak.site_file for leak in leaks] == ["bad.gz", "big.gz"]


@pytest.mark.parametrize(
    "page",
    [
        "<p>内部核\u200b查记录的具体经过</p>",  # split by a zero-width space
        "<p>内部核查\n记录的具体经过</p>",  # a line break
        "<p>内部核查<br>记录的具体经过</p>",
        "<p>内部&#26680;查记录的<span>具体</span>经过</p>",
    ],
)
def test_a_private_text_split_or_escaped_is_found(mini_repo, tmp_path, page):
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text(page, encoding="utf-8")
    assert [rel(leak.source) for leak in audit_site(site, records(mini_repo))] == [
        "records/incidents/2025/i-001.yaml facts"
    ]


def test_id_and_mobile_like_numbers_in_full_width_or_split_are_found(mini_repo, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text("１１０１０５１９４９１２３１００２Ｘ", encoding="utf-8")
    (site / "b.html").write_text("139\u200b1234\u200b5678", encoding="utf-8")
    sources = [(leak.site_file, leak.source) for leak in audit_site(site, records(mini_repo))]
    assert sources == [
        ("a.html", "疑似身份证号码 (resident-ID-like number)"),
        ("b.html", "疑似手机号码 (mobile-like number)"),
    ]


def test_dates_that_are_not_private_pass(mini_repo, tmp_path):
    # hx-003's birthday in another year, an impossible date, a posting date, a phone extension.
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text(
        "<p>1991年2月1日 1990/2/30 2026年1月20日 19900231 0745-6212380</p>", encoding="utf-8"
    )
    assert audit_site(site, records(mini_repo)) == []
