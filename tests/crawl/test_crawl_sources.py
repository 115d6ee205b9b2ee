import pytest

from pipelines.core.lake import RawStore
from pipelines.core.sources import Source, load_sources


def test_load_sources_resolves_relative_file_urls(tmp_path):
    (tmp_path / "sample" / "portal").mkdir(parents=True)
    path = tmp_path / "sources.toml"
    path.write_text(
        '[[source]]\ncounty = "孝义市"\nprefecture = "吕梁市"\ndivision_code = 141181\n'
        'start_urls = ["file:sample/portal/index.html"]\nmax_list_pages = 5\n'
        '[[source]]\ncounty = "沭阳县"\nstart_urls = ["https://www.shuyang.gov.cn/xxgk/nb/index.html", "file:///abs/x.html"]\n',
        encoding="utf-8")
    first, second = load_sources(path)
    assert first.start_urls == ((tmp_path / "sample/portal/index.html").resolve().as_uri(),)
    assert first.division_code == "141181" and first.prefecture == "吕梁市"
    assert first.options == {"max_list_pages": 5}
    assert first.allows(first.start_urls[0])
    assert first.allows((tmp_path / "sample/portal/a/b.pdf").as_uri())
    assert not first.allows((tmp_path / "secret.txt").as_uri())
    assert second.start_urls[1] == "file:///abs/x.html"
    assert set(second.allowed_hosts) >= {"www.shuyang.gov.cn", "shuyang.gov.cn", "*.shuyang.gov.cn"}


@pytest.mark.parametrize("missing", ["county", "start_urls"])
def test_missing_required_key_names_file_and_index(tmp_path, missing):
    entry = {"county": 'county = "孝义市"', "start_urls": 'start_urls = ["http://x.gov.cn/"]'}
    del entry[missing]
    path = tmp_path / "s.toml"
    path.write_text('[[source]]\ncounty = "a"\nstart_urls = ["http://a.gov.cn/"]\n[[source]]\n'
                    + "\n".join(entry.values()) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"s\.toml:4: \[\[source\]\] #2.*missing required key '{missing}'"):
        load_sources(path)


def test_default_allowed_hosts_cover_the_site():
    s = Source(county="x", start_urls=("https://www.xiaoyi.gov.cn/xxgk/index.html",))
    assert s.allows("https://www.xiaoyi.gov.cn/a.pdf")
    assert s.allows("http://xxgk.xiaoyi.gov.cn:8080/a.pdf")  # other hosts of the site, any port
    assert s.allows("https://xiaoyi.gov.cn/a.pdf")
    assert not s.allows("https://www.lvliang.gov.cn/a.pdf")
    assert not s.allows("https://mirror-xiaoyi.gov.cn.example.com/a.pdf")
    assert not s.allows("javascript:void(0)")


def test_explicit_allowed_hosts_and_ports():
    s = Source(county="x", start_urls=("http://127.0.0.1:8000/",), allowed_hosts=("127.0.0.1:8000", "*.cdn.gov.cn"))
    assert s.allows("http://127.0.0.1:8000/x")
    assert not s.allows("http://127.0.0.1:8001/x")
    assert s.allows("https://a.cdn.gov.cn/x.pdf") and s.allows("https://cdn.gov.cn/x.pdf")
    ip = Source(county="x", start_urls=("http://127.0.0.1:8000/",))
    assert ip.allows("http://127.0.0.1:9/") and not ip.allows("http://localhost:8000/")


def test_raw_store_is_content_addressed(tmp_path):
    store = RawStore(tmp_path)
    sha = store.put(b"abc")
    assert sha == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert store.path(sha).path == str(tmp_path / "raw" / "ba" / sha)
    assert store.relpath(sha) == f"raw/ba/{sha}"
    assert store.has(sha) and store.read(sha) == b"abc"
    assert store.put(b"abc") == sha and not list(store.path(sha).parent.glob("*.tmp"))


def test_crawler_never_imports_dagster():
    import subprocess
    import sys
    code = "import sys, pipelines.crawl, pipelines.core.sources, pipelines.core.lake; assert 'dagster' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=__file__.rsplit("/tests/", 1)[0])
