"""Build the course's static site (`make site`): _build/html/<lang>/ per language, one Sphinx
project each (its own search index, Chinese segmented with jieba), and _build/html/index.html
choosing a language.

    python site/build.py [--out _build/html]

Sources are the committed, executed notebooks/<lang>/*.ipynb, staged (copied) into
_build/site-src/<lang>/ with two changes the site needs and the notebooks must not carry: the
index gets a hidden table of contents (Sphinx's navigation), and links to another language's
notebook (../zh/index.ipynb) point at that language's page. A Sphinx warning fails the build
(conf.py filters the ones we accept, each with its reason).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

SITE = Path(__file__).resolve().parent
sys.path.insert(0, str(SITE))
import languages  # noqa: E402

REPO = languages.REPO
MATHJAX = SITE / "node_modules" / "mathjax" / "es5"
# What MathJax 3's tex-mml-chtml component loads: itself, then on demand TeX extensions, its CHTML
# fonts, the context menu and accessibility parts. The rest of the npm package is not served.
MATHJAX_PARTS = ("tex-mml-chtml.js", "input", "output/chtml", "ui", "a11y", "sre", "adaptors")
CROSS_LINK = re.compile(r"\[([^\]]+)\]\(\.\./(" + "|".join(map(re.escape, languages.KNOWN))
                        + r")/([\w-]+)\.ipynb\)")


def title(nb: dict) -> str:
    """A notebook's first Markdown heading."""
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            m = re.search(r"^#\s+(.+)$", "".join(cell["source"]), re.M)
            if m:
                return m.group(1).strip()
    raise ValueError("notebook without a # title")


def stage(code: str, dest: Path) -> str:
    """Copy notebooks/<code>/ into dest for Sphinx; returns the index's title."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    names = languages.pages(code)
    for name in names:
        nb = json.loads((languages.NOTEBOOKS / code / f"{name}.ipynb").read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            for out in cell.get("outputs", []):
                # A self-check's structured Result is for graders; the page shows its text/plain
                # message (myst-nb warns on, and -W fails for, a MIME type it cannot render).
                out.get("data", {}).pop("application/vnd.lrlessons.result+json", None)
            if cell["cell_type"] == "markdown":
                src = "".join(cell["source"])
                # Raw HTML: Sphinx resolves Markdown links only inside its own project.
                cell["source"] = CROSS_LINK.sub(
                    lambda m: f'<a href="../{m[2]}/{m[3]}.html">{m[1]}</a>', src)
        if name == "index":
            toc = "```{toctree}\n:hidden:\n:maxdepth: 1\n\n" + "\n".join(names[1:]) + "\n```\n"
            nb["cells"].append({"cell_type": "markdown", "id": "lrl-site-toc", "metadata": {},
                               "source": toc})
            index_title = title(nb)
        (dest / f"{name}.ipynb").write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    return index_title


def search_words(dest: Path) -> Path:
    """A jieba user dictionary of the glossary's Chinese terms (docs/glossary.md), so that the
    Chinese search index holds 学习率 or 余弦退火 as words: Sphinx's search page looks a query's
    Chinese up as one word, and jieba's own dictionary would cut such terms apart."""
    terms = set()
    for line in (REPO / "docs" / "glossary.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) > 1:
            # the chosen term and its 繁體中文 form (the zh-Hant pages' words)
            terms.update(re.findall(r"[\u4e00-\u9fff]{2,}", " ".join(cells[1:3])))
    dest.write_text("".join(f"{t}\n" for t in sorted(terms)), encoding="utf-8")
    return dest


def copy_mathjax(out: Path) -> None:
    if not (MATHJAX / "tex-mml-chtml.js").is_file():
        sys.exit(f"site: MathJax is missing at {MATHJAX}: run `npm ci --prefix site` (make site does)")
    dest = out / "_mathjax"
    shutil.rmtree(dest, ignore_errors=True)
    for part in MATHJAX_PARTS:
        src = MATHJAX / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        else:
            (dest / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / part)


def root_page(out: Path, titles: dict[str, str]) -> None:
    """_build/html/index.html: one link per language, each in its own language."""
    codes = list(titles)
    items = "\n".join(
        f'    <li><a href="{code}/index.html" hreflang="{languages.KNOWN[code]["sphinx"].replace("_", "-")}"'
        f' lang="{languages.KNOWN[code]["sphinx"].replace("_", "-")}">'
        f'<strong>{html.escape(languages.KNOWN[code]["label"])}</strong> · {html.escape(t)}</a></li>'
        for code, t in titles.items())
    (out / "index.html").write_text(f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="icon" href="{codes[0]}/_static/favicon.svg" type="image/svg+xml">
  <title>lrlessons · learning-rate schedules · 学习率调度</title>
  <style>
    body {{ font-family: system-ui, sans-serif, "Noto Sans CJK SC", "Noto Sans CJK TC";
           max-width: 40em; margin: 4em auto; padding: 0 1em; line-height: 1.6; }}
    li {{ margin: 0.6em 0; font-size: 1.2em; }}
  </style>
</head>
<body>
  <h1>lrlessons</h1>
  <p>Choose a language · 选择语言</p>
  <ul class="lrl-languages">
{items}
  </ul>
</body>
</html>
""", encoding="utf-8")
    # GitHub Pages: serve _static/ and _mathjax/ as they are (Jekyll would drop _-folders).
    (out / ".nojekyll").write_text("")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=REPO / "_build" / "html")
    ap.add_argument("--src", type=Path, default=REPO / "_build" / "site-src")
    args = ap.parse_args()
    start = time.perf_counter()
    codes = languages.present()
    if not codes:
        sys.exit("site: no notebooks/<lang>/index.ipynb found")
    args.out.mkdir(parents=True, exist_ok=True)
    args.src.mkdir(parents=True, exist_ok=True)
    copy_mathjax(args.out)
    titles = {}
    words = search_words(args.src / "search-words.txt")
    for code in codes:
        titles[code] = stage(code, args.src / code)
        env = {**os.environ, "LRLESSONS_SITE_LANG": code, "LRLESSONS_SITE_TITLE": titles[code],
               "LRLESSONS_SITE_WORDS": str(words)}
        # -W --keep-going: every warning is reported and then fails the build; -E: no stale pages.
        subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", "-W",
                        "--keep-going", "-c", str(SITE), str(args.src / code),
                        str(args.out / code)], env=env, check=True)
    # myst-nb copies each rendered notebook to <outdir>/../jupyter_execute (a fixed place):
    # not part of the site.
    shutil.rmtree(args.out / "jupyter_execute", ignore_errors=True)
    root_page(args.out, titles)
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"site: {', '.join(codes)} built into {args.out} in {time.perf_counter() - start:.0f} s, "
          f"{size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
