"""Sphinx configuration of the course's static site, one project per language.

site/build.py (`make site`) runs sphinx-build once per language with this directory as the
configuration directory and LRLESSONS_SITE_LANG set; the sources are staged copies of the
committed, executed notebooks/<lang>/*.ipynb (never executed again here).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import languages  # noqa: E402  (site/languages.py, beside this file)

LANG = os.environ.get("LRLESSONS_SITE_LANG", "en")
INFO = languages.KNOWN[LANG]
PRESENT = languages.present()
REPOSITORY = "https://github.com/lrlessons/lrlessons"

project = "lrlessons"
author = "lrlessons"
copyright = "lrlessons contributors"
language = INFO["sphinx"]
html_title = os.environ.get("LRLESSONS_SITE_TITLE", project)

extensions = ["myst_nb", "sphinx_copybutton"]

# The committed notebooks already carry their outputs: nothing runs while the site builds.
nb_execution_mode = "off"
myst_enable_extensions = ["dollarmath", "amsmath"]
# Markdown outputs (describe()'s formula and symbol table, show_table's tables) as MyST, like
# the cells: CommonMark, the default, has no tables and no $ math.
nb_render_markdown_format = "myst"
# Explorers are ipywidgets: a static page cannot run them, so drop the widget type and let
# myst-nb's priority pick the next one in the same output, the explorer's picture (image/png:
# its initial state with the controls' values drawn under it, before text/plain's "Live
# explorer: run this cell in Jupyter"), instead of an empty widget placeholder; and never add
# the widget manager's scripts (myst-nb loads them from a CDN).
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]
nb_ipywidgets_js = {}

# MathJax 3 from npm (site/package.json), copied once to _build/html/_mathjax/ by build.py and
# shared by the languages: every page sits at the top of its language folder.
# Sphinx puts a relative mathjax_path under _static/, hence the two steps up.
mathjax_path = "../../_mathjax/tex-mml-chtml.js"

# Chinese search: Sphinx's zh search splits words with jieba when it is installed (the site extra).
html_search_language = "zh" if LANG.startswith("zh") else "en"
# The glossary's terms as words (build.py writes the list from docs/glossary.md).
if LANG.startswith("zh") and os.environ.get("LRLESSONS_SITE_WORDS"):
    html_search_options = {"dict": os.environ["LRLESSONS_SITE_WORDS"]}

html_theme = "sphinx_book_theme"
# Light, as the figures are drawn: without it the theme's script logs "invalid theme mode" on a
# first visit (no stored choice); a reader can still switch to dark.
html_context = {"default_mode": "light"}
html_static_path = ["_static"]
html_css_files = ["lrlessons.css"]
html_favicon = "_static/favicon.svg"
templates_path = ["_templates"]
html_copy_source = True  # the download button serves _sources/<page>.ipynb
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "repository_url": REPOSITORY,
    "repository_branch": "main",
    "path_to_docs": f"notebooks/{LANG}",
    "use_download_button": True,
    "use_fullscreen_button": False,
    "launch_buttons": {
        "binderhub_url": "https://mybinder.org",
        "colab_url": "https://colab.research.google.com",
        "notebook_interface": "jupyterlab",
    },
    "article_header_end": ["lang-switch.html", "article-header-buttons.html"],
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
}


def language_links(app, pagename, templatename, context, doctree):
    """lang-switch.html's entries: this page in every language of the site (the language's index
    when that language lacks the page), as relative links across the language folders."""
    up = "../" * (pagename.count("/") + 1)
    entries = []
    for code in PRESENT:
        has = pagename in languages.pages(code) or pagename in ("search", "genindex")
        entries.append({
            "code": code,
            "label": languages.KNOWN[code]["label"],
            "html_lang": languages.KNOWN[code]["sphinx"].replace("_", "-"),
            "url": f"{up}{code}/{pagename if has else 'index'}.html",
            "current": code == LANG,
        })
    context["lrl_languages"] = entries
    context["lrl_language_word"] = INFO["word"]


def chinese_search():
    """Sphinx's Chinese search (jieba words, English stemming of Latin words), fixed: Sphinx 9.0
    ships english-stemmer.js for it but names the class after the language, so the page's
    `window.Stemmer = ChineseStemmer` throws and search breaks. Sphinx 9.1+ needs Python 3.12."""
    from sphinx.search.zh import SearchChinese

    class Search(SearchChinese):
        language_name = "English"  # the stemmer class english-stemmer.js defines

    return Search


def setup(app):
    app.connect("html-page-context", language_links)
    if LANG.startswith("zh"):
        app.add_search_language(chinese_search())
