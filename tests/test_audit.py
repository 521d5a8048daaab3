"""The privacy audit finds private values however the site encodes them, and passes a clean site."""

from __future__ import annotations

import json
import shutil

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
