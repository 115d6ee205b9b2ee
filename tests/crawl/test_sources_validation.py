"""Sources validation: every kind of mistake names file, line, key and what is expected, and
`gongkai run` / `gongkai sources check` exit 2 before anything starts."""

import os
import textwrap

import pytest

from pipelines.core.sources import load_sources
from pipelines.core.sources_schema import KEYS, SourcesError
from pipelines.crawl.options import CrawlOptions
from tests.conftest import REPO, gongkai

GOOD = '[[source]]\ncounty = "孝义市"\nstart_urls = ["https://www.xiaoyi.gov.cn/nb/index.html"]\n'


def _problems(tmp_path, text: str) -> list[str]:
    path = tmp_path / "sources.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(SourcesError) as err:
        load_sources(path)
    return err.value.problems


CASES = [  # (file text after a good first source, the one expected problem: line and words)
    ("min_interval_second = 1\n", ":8: [[source]] #2 (沭阳县): unknown key 'min_interval_second'; "
     "did you mean 'min_interval_seconds'?"),
    ('max_list_pages = "20"\n', ":8: [[source]] #2 (沭阳县): key 'max_list_pages': expected an "
     "integer ≥ 1, got '20' (str)"),
    ("obey_robots = 1\n", ":8: [[source]] #2 (沭阳县): key 'obey_robots': expected true or false, got 1 (int)"),
    ("revalidate_days = -1\n", ":8: [[source]] #2 (沭阳县): key 'revalidate_days': Input should be "
     "greater than or equal to 0"),
    ("agencies = \"沭阳县教育局\"\n", ":8: [[source]] #2 (沭阳县): key 'agencies': expected a list of agency names"),
    ("verify_tls = \"no\"\n", "key 'verify_tls': expected true or false, got 'no' (str)"),
    ("allowed_hosts = [\"www.shuyang.gov.cn:port\"]\n", "key 'allowed_hosts'"),
    ('list_api = { url = "http://x.gov.cn/api", items = "data.list", title = "title", lnk = "url" }\n',
     ":8: [[source]] #2 (沭阳县): unknown key 'list_api.lnk'; did you mean 'link'?"),
    ('list_api = { url = "http://x.gov.cn/api", items = "data.list", title = "title" }\n',
     "key 'list_api': with items as an expression, link must be given"),
    ('list_api = { url = "http://x.gov.cn/api", items = "data[", title = "t", link = "u" }\n',
     "key 'list_api.items': not a JMESPath expression"),
    ('list_api = { url = "http://x.gov.cn/api", method = "PUT", items = "a", title = "t", link = "u" }\n',
     "key 'list_api.method': expected \"GET\" or \"POST\", got 'PUT' (str)"),
    ('[source.list_api]\nurl = "ftp://x"\nitems = "a"\ntitle = "t"\nlink = "u"\n',
     ":9: [[source]] #2 (沭阳县): key 'list_api.url': not an http(s) URL"),
]


@pytest.mark.parametrize("extra,expected", CASES, ids=[c[0].split("=")[0].strip() for c in CASES])
def test_each_mistake_names_file_line_key_and_expectation(tmp_path, extra, expected):
    text = GOOD + '\n[[source]]\ncounty = "沭阳县"\nstart_urls = ["https://www.shuyang.gov.cn/nb/"]\n' + extra
    (problem,) = _problems(tmp_path, text)
    assert problem.startswith(str(tmp_path / "sources.toml") + ":")
    assert expected in problem, problem


def test_missing_keys_wrong_container_toml_errors_and_empty_files(tmp_path):
    (p,) = _problems(tmp_path, GOOD + '[[source]]\ncounty = "沭阳县"\n')
    assert p.endswith(":4: [[source]] #2 (沭阳县): missing required key 'start_urls': expected a "
                      "non-empty list of http(s):// or file: URLs (strings)")
    (p,) = _problems(tmp_path, '[[source]]\nstart_urls = ["http://a.gov.cn/"]\n')
    assert ":1: [[source]] #1: missing required key 'county'" in p
    (p,) = _problems(tmp_path, '[[source]]\ncounty = "a"\nstart_urls = "http://a.gov.cn/"\n')
    assert ":3: [[source]] #1 (a): key 'start_urls': expected a non-empty list" in p
    (p,) = _problems(tmp_path, '[[source]]\ncounty = "a"\nstart_urls = []\n')
    assert "key 'start_urls'" in p and "at least 1 item" in p
    (p,) = _problems(tmp_path, '[[source]]\ncounty = "a"\nstart_urls = ["www.a.gov.cn"]\n')
    assert "'www.a.gov.cn' is not an http(s):// or file: URL" in p
    (p,) = _problems(tmp_path, GOOD + 'max_list_pages = 5\nmax_list_pages = 6\n')
    assert ":5: not valid TOML: " in p  # the line TOML gives
    (p,) = _problems(tmp_path, '[[sources]]\ncounty = "a"\n')
    assert "unknown top-level key 'sources'; did you mean [[source]]?" in p
    (p,) = _problems(tmp_path, "# nothing yet\n")
    assert "no [[source]] table" in p


def test_every_problem_of_a_file_at_once(tmp_path):
    problems = _problems(tmp_path, '[[source]]\ncounty = 3\nstart_urls = ["http://a.gov.cn/"]\n'
                                   'min_interval_second = 1\nmax_attempts = 0\n')
    assert [p.split(": ", 1)[0].rsplit(":", 1)[1] for p in problems] == ["2", "4", "5"]


def test_good_file_keeps_options_and_every_crawl_option_is_a_known_key(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(GOOD + 'revalidate_days = 3\nagencies = ["孝义市教育局"]\nmin_interval_seconds = 0\n'
                    'list_api = { url = "https://www.xiaoyi.gov.cn/api", params = { p = "{page}" }, '
                    'items = { path = "data", title = "t", url = "u" } }\n', encoding="utf-8")
    (s,) = load_sources(path)
    assert s.options["revalidate_days"] == 3 and s.options["list_api"]["items"]["path"] == "data"
    from dataclasses import fields
    assert {f.name for f in fields(CrawlOptions)} <= set(KEYS)


def _cli(*args, cwd=None):
    return gongkai(*args, env=dict(os.environ), cwd=cwd or REPO, timeout=None)


def test_cli_run_exits_2_before_anything_starts_and_sources_check(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD + "min_interval_second = 0\n", encoding="utf-8")
    data = tmp_path / "data"
    run = _cli("run", "--sources", str(bad), "--data-dir", str(data))
    assert run.returncode == 2
    assert f"{bad}:4: [[source]] #1 (孝义市): unknown key 'min_interval_second'" in run.stderr
    assert "Traceback" not in run.stderr and not data.exists()  # nothing started
    check = _cli("sources", "check", str(bad))
    assert check.returncode == 2 and "did you mean 'min_interval_seconds'?" in check.stderr
    good = _cli("sources", "check", str(REPO / "data" / "sources.toml"))
    assert good.returncode == 0 and "1 source(s) ok" in good.stdout
