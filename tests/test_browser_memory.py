"""Memory on a Binder seat: the lessons one after another, each tab closed before the next.

A seat has 2 GB; a lesson kernel peaks at 400 to 520 MB, and a kernel JupyterLab kept running
after its tab closed would add up to an out-of-memory kill by about the fourth lesson. With the
settings learners get (.jupyter/overrides.json5: kernelShutdown), closing a notebook's tab shuts
its kernel down. Here chromium opens every English notebook in turn, runs all cells, saves and
closes the tab with JupyterLab's own Close Tab command (not the REST API), and the server must
then report no running kernel and have no kernel process left. The resident memory of the server
and its kernels is printed after each lesson; only a generous ceiling is asserted.

Marked `browser`: skips without /usr/bin/chromium or playwright, fails instead with
REQUIRE_BROWSER=1 (CI), like tests/test_browser.py.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests import browser_support as bs

pytestmark = pytest.mark.browser

LANG = "en"
ROOT = bs.notebooks_root()
NOTEBOOKS = [f"{lang}/{name}.ipynb" for lang, name in bs.lesson_notebooks(ROOT) if lang == LANG]
# A Binder seat has 2048 MB; the server with one lesson's kernel needs about a third of it.
CEILING_MB = 1500
KERNEL_GONE_S = 30


def _status_mb(pid: int, field: str) -> float:
    """VmRSS (resident now) or VmHWM (peak resident) of a process, in MB; 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0.0


def _memory(server: bs.LabServer) -> tuple[float, dict[int, tuple[float, float]]]:
    """The server's RSS, and {pid: (RSS, peak RSS)} of every process it started (the kernels)."""
    kids = {pid: (_status_mb(pid, "VmRSS"), _status_mb(pid, "VmHWM"))
            for pid in bs._children(server.proc.pid)}
    return _status_mb(server.proc.pid, "VmRSS"), {p: m for p, m in kids.items() if m[0] > 0}


def _kernel_ids(server: bs.LabServer) -> list[str]:
    return [k["id"] for k in server.api("GET", "/api/kernels")]


def test_closing_each_lesson_tab_frees_its_kernel(browser, tmp_path, capsys):
    assert len(NOTEBOOKS) >= 4, NOTEBOOKS
    server = bs.LabServer(bs.copy_notebooks(tmp_path, ROOT), tmp_path)
    rows: list[str] = []
    closed_kernels_mb = 0.0
    try:
        server.start()
        page = browser.new_page(viewport=bs.VIEWPORT)
        try:
            for notebook in NOTEBOOKS:
                lesson = bs.Lesson(page, server, notebook)
                lesson.open()
                lesson.run_all()
                kernel = page.evaluate(
                    "(p) => window.__lrlPanel(p).sessionContext.session.kernel.id", notebook)
                assert _kernel_ids(server) == [kernel], "a kernel of an earlier tab is running"
                server_mb, kernels = _memory(server)
                open_mb = server_mb + sum(rss for rss, _ in kernels.values())
                assert open_mb < CEILING_MB, (notebook, server_mb, kernels)
                closed_kernels_mb += sum(rss for rss, _ in kernels.values())

                # Save (autosave is off in tests: no "Save your work?" dialog), then Close Tab.
                lesson.command("docmanager:save")
                page.wait_for_function("(p) => !window.__lrlPanel(p).context.model.dirty",
                                       arg=notebook, timeout=30_000)
                lesson.command("application:close")
                page.wait_for_function("(p) => !window.__lrlPanel(p)", arg=notebook,
                                       timeout=30_000)
                deadline = time.monotonic() + KERNEL_GONE_S
                while (_kernel_ids(server) or _memory(server)[1]) and time.monotonic() < deadline:
                    time.sleep(0.2)
                assert _kernel_ids(server) == [], f"{notebook}: its kernel outlived its tab"
                after_mb, left = _memory(server)
                assert left == {}, f"{notebook}: kernel processes left: {left}"
                assert not lesson.js_errors, lesson.js_errors
                rows.append(
                    f"  {notebook:28s} tab open: server {server_mb:4.0f} + kernel "
                    + " + ".join(f"{rss:.0f} (peak {peak:.0f})" for rss, peak in kernels.values())
                    + f" = {open_mb:4.0f} MB;  tab closed: {after_mb:4.0f} MB, no kernel")
        finally:
            page.close()
    finally:
        server.stop()
    with capsys.disabled():
        print("\nbrowser memory (RSS of the Jupyter server and its kernels, one lesson after another):")
        print("\n".join(rows))
        print(f"  kept running, the closed lessons' kernels would hold {closed_kernels_mb:.0f} MB "
              f"(their RSS when the tab closed)")
