"""`make lab COURSE=zh` / `COURSE=zh-Hant`: JupyterLab itself in Simplified / Traditional Chinese.

The Makefile's own rule (`make lab-settings`, as `make lab` runs it) lays the per-language app
settings directories out in a private prefix; a JupyterLab server runs on each, as `make lab`
would start it (--LabApp.app_settings_dir), and must report the locale through its settings API,
serve the installed language pack through its translations API, and draw its menu bar in that
language in chromium (the Settings Editor is 设置 in zh_CN and 設定 in zh_TW: a string both packs
translate).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import urllib.parse

import pytest

from tests import browser_support as bs

REPO = bs.REPO
PLUGIN = "@jupyterlab/translation-extension:plugin"
# COURSE -> (JupyterLab locale, the "Settings" menu in that language)
LOCALES = {"zh": ("zh_CN", "设置"), "zh-Hant": ("zh_TW", "設定")}


def make_lab(*args: str, lang: str | None = None) -> list[str]:
    """The `jupyter lab` command `make lab` would run, as arguments."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env.pop("COURSE", None)
    if lang is not None:
        env["LANG"] = lang
    out = subprocess.run(["make", "-n", "-B", "-C", str(REPO), "lab", *args], env=env, text=True,
                         capture_output=True, check=True).stdout
    command = out[out.index("/bin/jupyter lab"):].replace("\\\n", " ").splitlines()[0]
    return shlex.split(command)


def option(argv: list[str], name: str) -> str | None:
    values = [a.split("=", 1)[1] for a in argv if a.startswith(f"--{name}=")]
    assert len(values) <= 1, argv
    return values[0] if values else None


@pytest.mark.parametrize("course,locale", [("zh", "zh_CN"), ("zh-Hant", "zh_TW"), ("en", None)])
def test_make_lab_chooses_the_display_language_per_run(course, locale):
    argv = make_lab(f"COURSE={course}")
    settings = option(argv, "LabApp.app_settings_dir")
    if locale is None:  # English: JupyterLab's default settings directory and its own choice
        assert settings is None, argv
    else:
        assert settings == f".venv/share/jupyter/lab/settings-{locale}", argv
    tree = re.fullmatch(r"/lab/tree/(.+)/index.ipynb", option(argv, "LabApp.default_url")).group(1)
    assert tree == course if (REPO / "notebooks" / course).is_dir() else tree == "zh"


@pytest.mark.parametrize("lang,locale", [("zh_TW.UTF-8", "zh_TW"), ("zh_HK.UTF-8", "zh_TW"),
                                         ("zh_CN.UTF-8", "zh_CN"), ("C.UTF-8", None)])
def test_the_learners_locale_chooses_when_course_is_not_given(lang, locale):
    settings = option(make_lab(lang=lang), "LabApp.app_settings_dir")
    assert settings == (f".venv/share/jupyter/lab/settings-{locale}" if locale else None)


@pytest.fixture(scope="module")
def prefix(tmp_path_factory):
    """`make lab-settings` into a private prefix: what `make lab` installs into .venv."""
    where = tmp_path_factory.mktemp("lab-language-prefix")
    bs.install_lab_settings(where)
    return where


@pytest.fixture(scope="module", params=list(LOCALES))
def lab(request, prefix, tmp_path_factory):
    course = request.param
    locale, settings_label = LOCALES[course]
    work = tmp_path_factory.mktemp(f"lab-{locale}")
    (work / "root").mkdir()
    server = bs.LabServer(work / "root", work, settings_prefix=prefix,
                          app_settings_dir=prefix / "share" / "jupyter" / "lab" / f"settings-{locale}")
    try:
        server.start()
        yield server, locale, settings_label
    finally:
        server.stop()


def test_the_settings_api_reports_the_locale_and_the_course_overrides(lab):
    server, locale, _ = lab
    reply = server.api("GET", f"/lab/api/settings/{PLUGIN}")
    assert reply["schema"]["properties"]["locale"]["default"] == locale
    assert "locale" not in reply["settings"]  # a default, not the learner's own setting
    # The course's other settings still apply in this directory (.jupyter/overrides.json5).
    tracker = server.api("GET", "/lab/api/settings/@jupyterlab/notebook-extension:tracker")
    assert tracker["schema"]["properties"]["kernelShutdown"]["default"] is True


def test_the_language_pack_translates_settings(lab):
    server, locale, settings_label = lab
    packs = server.api("GET", "/lab/api/translations/")["data"]
    assert {"zh_CN", "zh_TW"} <= set(packs), sorted(packs)
    strings = server.api("GET", f"/lab/api/translations/{locale}")["data"]["jupyterlab"]
    assert strings["Settings"] == [settings_label]


@pytest.mark.browser
def test_jupyterlab_draws_settings_in_that_language(lab, browser):
    """The Settings Editor's tab (its title is the plain "Settings" string, which the zh-TW pack
    translates too; the menu bar's "Settings" has a context only the zh-CN pack covers)."""
    server, locale, settings_label = lab
    context = browser.new_context(viewport=bs.VIEWPORT)
    try:
        page = context.new_page()
        page.goto(f"{server.base}/lab?token={urllib.parse.quote(server.token)}")
        page.wait_for_function("window.jupyterapp && window.jupyterapp.commands"
                               ".hasCommand('settingeditor:open')", timeout=bs.KERNEL_READY_MS)
        page.evaluate("window.jupyterapp.commands.execute('settingeditor:open')")
        tabs = page.locator("#jp-main-dock-panel .lm-TabBar-tabLabel")
        page.wait_for_function(
            "label => [...document.querySelectorAll('#jp-main-dock-panel .lm-TabBar-tabLabel')]"
            ".some(e => e.textContent.trim() === label)", arg=settings_label, timeout=60_000)
        labels = [t.strip() for t in tabs.all_inner_texts()]
        assert settings_label in labels and "Settings" not in labels, (locale, labels)
    finally:
        context.close()
