"""HTML report: golden output, self-contained (no fetches, no scripts), every text escaped."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

import checker.report.html as html_report
from checker.report import render
from report_samples import HOSTILE, check_golden, hostile_result, sample_results

ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "h4", "section", "div", "p",
                "b", "span", "table", "thead", "tbody", "tr", "th", "td", "details", "summary", "a", "footer"}


class Collect(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(doc: str) -> Collect:
    c = Collect()
    c.feed(doc)
    c.close()
    return c


@pytest.fixture(autouse=True)
def fixed_version(monkeypatch):
    monkeypatch.setattr(html_report, "__version__", "0.0.0-test")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_golden(lang):
    check_golden(f"report.{lang}.html", render(sample_results(lang), "html", lang))


def test_self_contained_no_network_no_script():
    doc = render(sample_results(), "html", "zh")
    c = parse(doc)
    tags = {tag for tag, _ in c.tags}
    assert tags <= ALLOWED_TAGS, tags - ALLOWED_TAGS
    for tag, attrs in c.tags:
        assert "src" not in attrs
        assert not any(name.startswith("on") for name in attrs)
        if tag == "a":  # in-page links only: to a file's section, or down to the batch summary
            assert attrs["href"].startswith("#file-") or attrs["href"] == "#summary"
    assert "url(" not in doc and "@import" not in doc and "http://" not in doc and "https://" not in doc
    csp = [a for t, a in c.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]["content"]


def test_grade_badge_figures_and_fixes():
    doc = render(sample_results(), "html", "zh")
    assert '<div class="badge g3">中</div>' in doc and '<div class="badge g1">优</div>' in doc
    text = "".join(parse(doc).text)
    for expected in ("退回修改完善，重新报送审核", "80 / 100", "650.17", "75.00", "21", "第1张表：部门整体支出绩效目标表",
                     "核对资金总额、基本支出和项目支出，使资金总额等于两者之和。", "扣分明细", "各文件结果（由差到好）"):
        assert expected in text, expected


def test_hostile_text_is_shown_as_text():
    doc = render([hostile_result()], "html", "zh")
    c = parse(doc)
    assert {tag for tag, _ in c.tags} <= ALLOWED_TAGS  # no <script>, no <img>, no <b> from the path
    for _, attrs in c.tags:
        assert not any(name.startswith("on") for name in attrs)
    text = "".join(c.text)
    for hostile in HOSTILE[:2]:
        assert hostile in text  # the reader sees exactly what the document says
    assert "evil/<b>x</b>=1+1.xlsx" in text
    assert "\x01" not in doc
