"""The static website (`make site`, site/build.py), built here from the committed notebooks and
opened in Debian's chromium over a local HTTP server.

Checked against the notebooks themselves (every figure, table and explorer picture they carry)
and against what the browser does: no script error on any page, every image decoded, every
internal link and anchor present, MathJax's output on every page with math, Chinese drawn with
a CJK font (not tofu), the language switch landing on the same lesson, search finding Chinese
words, and no request leaving the machine (MathJax and every asset are served by the site).
"""

from __future__ import annotations

import base64
import functools
import html.parser
import http.server
import importlib.util
import json
import os
import re
import subprocess
import sys
import threading
import urllib.parse
from pathlib import Path

import pytest

from lrlessons.explorers import FALLBACK
from lrlessons.i18n import in_language
from tests import browser_support as bs

REPO = bs.REPO
SITE = REPO / "site"
# site/languages.py by path: a module named `languages` on sys.path could shadow another.
_spec = importlib.util.spec_from_file_location("lrlessons_site_languages", SITE / "languages.py")
languages = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(languages)

pytestmark = [pytest.mark.site]
LANGS = languages.present()
PAGES = [(code, name) for code in LANGS for name in languages.pages(code)]
CDN = re.compile(r"cdn\.jsdelivr|cdnjs|unpkg\.com|googleapis|mathjax\.org|polyfill\.io", re.I)
# MathJax's vendored speech engine names its own defaults on jsDelivr; MathJax 3.2 points it at
# its local copy (_mathjax/sre/mathmaps), and the browser test below sees no outside request.
VENDOR_DEFAULTS = {"tex-mml-chtml.js", "menu.js", "sre.js"}


def need_site_tools() -> None:
    missing = []
    try:
        import myst_nb  # noqa: F401
        import sphinx_book_theme  # noqa: F401
    except ImportError as exc:
        missing.append(f"the `site` extra ({exc}): pip install -e '.[site]'")
    if not (SITE / "node_modules" / "mathjax" / "es5" / "tex-mml-chtml.js").is_file():
        missing.append("MathJax from npm: npm ci --prefix site")
    if missing:
        why = "site test cannot build the site: " + "; ".join(missing) + " (make site installs both)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(why, pytrace=False)
        pytest.skip(why)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site, built as `make site` builds it (Sphinx warnings fail the build)."""
    need_site_tools()
    work = tmp_path_factory.mktemp("site")
    out = work / "html"
    subprocess.run([sys.executable, str(SITE / "build.py"), "--out", str(out), "--src",
                    str(work / "src")], check=True, cwd=REPO)
    return out


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


class Page(html.parser.HTMLParser):
    """Links, ids, images, tables and script/link sources of one HTML file."""

    def __init__(self, text: str):
        super().__init__()
        self.hrefs, self.ids, self.imgs, self.assets = [], set(), [], []
        self.tables = 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        if tag == "img":
            self.imgs.append(a.get("src", ""))
        if tag == "table":
            self.tables += 1
        if tag in ("script", "link", "img", "iframe") and (a.get("src") or a.get("href")):
            self.assets.append(a.get("src") or a.get("href"))


def parsed(site: Path, rel: str) -> Page:
    return Page((site / rel).read_text(encoding="utf-8"))


def notebook(code: str, name: str) -> dict:
    return json.loads((REPO / "notebooks" / code / f"{name}.ipynb").read_text(encoding="utf-8"))


def notebook_title(code: str, name: str) -> str:
    for cell in notebook(code, name)["cells"]:
        m = re.search(r"^#\s+(.+)$", "".join(cell["source"]), re.M)
        if cell["cell_type"] == "markdown" and m:
            return m.group(1).strip()
    raise AssertionError(f"{code}/{name} has no title")


def outputs(nb: dict):
    for cell in nb["cells"]:
        yield from cell.get("outputs", [])


# ---- the build, read as files -------------------------------------------------------------------

def test_a_language_folder_joins_the_site_by_itself(tmp_path):
    """notebooks/zh-Hant/ (issue 22's Traditional edition) is built once it exists, labelled
    繁體中文, with Sphinx's zh_TW; no other change needed."""
    for code in ("en", "zh", "zh-Hant"):
        (tmp_path / code).mkdir()
        (tmp_path / code / "index.ipynb").write_text("{}")
    (tmp_path / "zh-Hant" / "00_learning_rate.ipynb").write_text("{}")
    assert languages.present(tmp_path) == ["en", "zh", "zh-Hant"]
    assert languages.pages("zh-Hant", tmp_path) == ["index", "00_learning_rate"]
    assert languages.KNOWN["zh-Hant"]["label"] == "繁體中文"
    assert languages.KNOWN["zh-Hant"]["sphinx"] == "zh_TW"
    (tmp_path / "zh-Hant" / "index.ipynb").unlink()
    assert languages.present(tmp_path) == ["en", "zh"]


def test_one_page_per_lesson_and_language_and_a_root_choosing_the_language(site):
    assert LANGS[:2] == ["en", "zh"]
    root = parsed(site, "index.html")
    assert {h for h in root.hrefs} == {f"{code}/index.html" for code in LANGS}
    for code, name in PAGES:
        assert (site / code / f"{name}.html").is_file(), (code, name)
        assert (site / code / "searchindex.js").is_file()
    assert (site / ".nojekyll").is_file()  # GitHub Pages serves _static/ as it is


def test_every_figure_table_and_explorer_of_the_notebooks_is_on_its_page(site):
    for code, name in PAGES:
        nb, text = notebook(code, name), (site / code / f"{name}.html").read_text(encoding="utf-8")
        page = Page(text)
        pngs = sum("image/png" in o.get("data", {}) for o in outputs(nb))
        assert len([s for s in page.imgs if "/_images/" in "/" + s]) == pngs, (code, name)
        md_tables = sum(bool(re.search(r"^\|[-:| ]+\|\s*$", "".join(c["source"]), re.M))
                        for c in nb["cells"] if c["cell_type"] == "markdown")
        out_tables = sum(bool(re.search(r"^\|[-:| ]+\|\s*$", "".join(o["data"]["text/markdown"]),
                                        re.M))
                         for o in outputs(nb) if "text/markdown" in o.get("data", {}))
        assert page.tables >= md_tables + out_tables, (code, name)
        shown = {(site / code / urllib.parse.unquote(s)).resolve().read_bytes()
                 for s in page.imgs if "/_images/" in "/" + s}
        explorer = in_language(dict(zip(("en", "zh"), FALLBACK)), code)
        for o in outputs(nb):
            data = o.get("data", {})
            if "application/vnd.jupyter.widget-view+json" in data \
                    and "".join(data.get("text/plain", "")).startswith(explorer):
                # A static page shows the explorer's picture (its initial state, the controls'
                # values under it), not an empty widget (issue 22 item 2).
                assert "image/png" in data, f"{code}/{name}: explorer output without a picture"
                assert base64.b64decode("".join(data["image/png"])) in shown, (code, name)


def test_no_page_loads_anything_from_a_cdn(site):
    for f in site.rglob("*"):
        if f.suffix not in (".html", ".js", ".css") or not f.is_file():
            continue
        text = f.read_text(encoding="utf-8", errors="replace")
        if f.suffix == ".html":
            for src in Page(text).assets:
                assert not urllib.parse.urlsplit(src).netloc, (f, src)
        if CDN.search(text):
            assert "_mathjax" in f.parts and f.name in VENDOR_DEFAULTS, f
    math_pages = [p for p in site.glob("*/*.html") if 'class="math' in p.read_text(encoding="utf-8")]
    assert len(math_pages) >= len(LANGS) * 5, math_pages
    for p in math_pages:  # MathJax from the site's own copy
        assert 'src="_static/../../_mathjax/tex-mml-chtml.js' in p.read_text(encoding="utf-8"), p


def test_every_internal_link_and_anchor_exists(site):
    # The pages: the root and each language's (its _static/ holds theme templates, not pages).
    pages = {p: Page(p.read_text(encoding="utf-8"))
             for p in [site / "index.html", *site.glob("*/*.html")]}
    for path, page in pages.items():
        for href in page.hrefs + page.assets:
            parts = urllib.parse.urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
                continue
            target = (path.parent / urllib.parse.unquote(parts.path)).resolve() if parts.path \
                else path
            assert target.is_file() and site in target.parents, (path, href)
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in pages[target].ids, (path, href)


def test_each_lesson_links_to_binder_colab_and_its_notebook(site):
    for code, name in PAGES:
        page = parsed(site, f"{code}/{name}.html")
        path = f"notebooks/{code}/{name}.ipynb"
        assert any(h.startswith("https://mybinder.org/v2/gh/lrlessons/lrlessons/main?")
                   and urllib.parse.quote(path, safe="") in urllib.parse.quote(h, safe="")
                   or (h.startswith("https://mybinder.org/") and path in urllib.parse.unquote(h))
                   for h in page.hrefs), (code, name)
        assert f"https://colab.research.google.com/github/lrlessons/lrlessons/blob/main/{path}" \
            in page.hrefs, (code, name)
        download = [h for h in page.hrefs if h.endswith(f"_sources/{name}.ipynb")]
        assert download, (code, name)
        served = json.loads((site / code / download[0]).read_text(encoding="utf-8"))
        assert [c["source"] for c in served["cells"] if c["cell_type"] == "code"] == \
            [c["source"] for c in notebook(code, name)["cells"] if c["cell_type"] == "code"]


def test_the_language_switch_names_the_same_page_in_every_other_language(site):
    for code, name in PAGES:
        page = parsed(site, f"{code}/{name}.html")
        for other in LANGS:
            if other != code:
                assert f"../{other}/{name}.html" in page.hrefs, (code, name, other)


# ---- the site in chromium -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def tab(browser, server):
    context = browser.new_context(viewport=bs.VIEWPORT)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.on("request", lambda r: problems.append(f"outside request: {r.url}")
            if not r.url.startswith((server, "data:", "blob:")) else None)
    page.problems = problems
    yield page
    context.close()


def open_page(tab, server, rel: str) -> None:
    # Leave the previous page first: requests it still had in flight (the search page fetches
    # summaries of its results) are aborted on navigation and must not count against this page.
    tab.goto("about:blank")
    tab.problems.clear()
    tab.goto(f"{server}/{rel}", wait_until="load")


@pytest.mark.browser
@pytest.mark.parametrize("code", LANGS)
def test_every_page_loads_cleanly_with_its_images_and_math(tab, server, site, code):
    for name in languages.pages(code):
        rel = f"{code}/{name}.html"
        open_page(tab, server, rel)
        has_math = 'class="math' in (site / rel).read_text(encoding="utf-8")
        if has_math:
            tab.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise"
                                  " && document.querySelectorAll('mjx-container').length > 0",
                                  timeout=30_000)
            tab.evaluate("MathJax.startup.promise")
            # Every math element became MathJax output, none left as raw TeX with an error.
            left = tab.evaluate("""() => [...document.querySelectorAll('.math')]
                .filter(e => !e.querySelector('mjx-container') && e.tagName !== 'MJX-CONTAINER')
                .length""")
            assert left == 0, (rel, left)
            assert tab.locator("mjx-merror").count() == 0, rel
        broken = tab.evaluate("""() => Promise.all([...document.images].map(i => i.decode()
                .then(() => null, () => i.currentSrc || i.src)))
            .then(r => r.filter(Boolean).concat([...document.images]
                .filter(i => i.complete && i.naturalWidth === 0).map(i => i.src)))""")
        assert broken == [], (rel, broken)
        assert tab.locator("button.copybtn").count() > 0, rel  # sphinx-copybutton on code
        assert tab.problems == [], (rel, tab.problems)


CJK_PROBE = """(el) => {
    // Two different characters in the element's own font: real glyphs differ, tofu boxes do not.
    const font = getComputedStyle(el).fontWeight + ' 40px ' + getComputedStyle(el).fontFamily;
    const draw = (ch) => { const c = document.createElement('canvas'); c.width = c.height = 60;
        const g = c.getContext('2d'); g.font = font; g.fillText(ch, 5, 45);
        return Array.from(g.getImageData(0, 0, 60, 60).data.filter((v, i) => i % 4 === 3)); };
    const a = draw('学'), b = draw('習');
    return {ink: a.filter(v => v > 0).length, differ: a.some((v, i) => v !== b[i])};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("code", [c for c in LANGS if c.startswith("zh")])
def test_chinese_is_drawn_with_a_cjk_font(tab, server, code):
    open_page(tab, server, f"{code}/00_learning_rate.html")
    h1 = tab.locator("h1").first
    assert bs.CJK.search(h1.inner_text())
    probe = h1.evaluate(CJK_PROBE)
    assert probe["ink"] > 50 and probe["differ"], probe
    # The page asks for the Noto CJK face .ci/sysdeps.sh installs, and chromium has it: drawn
    # with that family alone, the heading's characters come out exactly as the page draws them.
    family = h1.evaluate("e => getComputedStyle(e).fontFamily")
    assert "Noto Sans CJK" in family, family
    face = re.search(r'"(Noto Sans CJK \w+)"', family).group(1)
    same = h1.evaluate("""(el, face) => {
        const s = getComputedStyle(el), text = el.textContent.replace(/[^\\u4e00-\\u9fff]/g, '');
        const draw = (fam) => { const c = document.createElement('canvas'); c.width = 800;
            c.height = 60; const g = c.getContext('2d'); g.font = s.fontWeight + ' 40px ' + fam;
            g.fillText(text, 0, 45); return c.toDataURL(); };
        return draw(s.fontFamily) === draw('"' + face + '"');
    }""", face)
    assert same, family


@pytest.mark.browser
def test_the_language_switch_lands_on_the_same_lesson(tab, server):
    for code in LANGS:
        for name in ("index", "02_cosine"):
            for other in LANGS:
                if other == code:
                    continue
                open_page(tab, server, f"{code}/{name}.html")
                tab.locator(f"a.lrl-lang-link[data-lang='{other}']").click()
                tab.wait_for_load_state("load")
                assert tab.url == f"{server}/{other}/{name}.html", tab.url
                shown = tab.locator("h1").first.inner_text().strip().rstrip("#").strip()
                assert shown == notebook_title(other, name), (other, name, shown)


@pytest.mark.browser
@pytest.mark.parametrize("code,query,page", [("en", "cosine", "02_cosine"),
                                             ("zh", "余弦", "02_cosine"),
                                             ("zh", "学习率", "00_learning_rate")])
def test_search_finds_the_lesson(tab, server, code, query, page):
    if code not in LANGS:
        pytest.skip(f"no {code} notebooks")
    open_page(tab, server, f"{code}/search.html?q={urllib.parse.quote(query)}")
    tab.wait_for_selector("#search-results li", timeout=30_000)
    found = tab.eval_on_selector_all("#search-results li a", "as => as.map(a => a.href)")
    assert any(f"/{code}/{page}.html" in h for h in found), found
    assert tab.problems == [], tab.problems
