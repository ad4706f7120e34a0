"""Drive the course in a real JupyterLab with Debian's headless chromium.

Shared by tests/test_browser.py and benchmarks/bench_browser.py. Nothing here downloads anything:
the browser is /usr/bin/chromium (never Playwright's own build), the server listens on 127.0.0.1
only, and JupyterLab's news, update check and extension manager are switched off.

    server = LabServer(copy_notebooks(workdir), workdir); server.start()
    with chromium() as browser:
        lesson = Lesson(browser.new_page(...), server, "zh/00_learning_rate.ipynb")
        lesson.open(); lesson.run_all(); lesson.slider_latencies(10)
    server.stop()
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCREENSHOTS = REPO / "tests" / "screenshots"
CHROMIUM = os.environ.get("LRLESSONS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
# A laptop with JupyterLab's file browser open: a notebook column of about 850 px.
VIEWPORT = {"width": 1280, "height": 720}
# Where the explorers must stay usable: (viewport, file browser open). "narrow" stands in for a
# Colab cell or a half-screen window: no side panel, a notebook column of about 620 px.
LAYOUTS = {
    "1280x720": ({"width": 1280, "height": 720}, True),
    "1366x768": ({"width": 1366, "height": 768}, True),
    "1920x1080": ({"width": 1920, "height": 1080}, True),
    "narrow": ({"width": 800, "height": 800}, False),
}
MIN_CONTROL_PX = 100  # the least visible width of a slider's track, a dropdown or a text box
LANGS = ("en", "zh")
# The course in order: the index, then every lesson notebooks/en/ holds (NN_name.ipynb).
LESSONS = ("index", *sorted(p.stem for p in (REPO / "notebooks" / "en").glob("[0-9][0-9]_*.ipynb")))

# Generous: the first kernel start imports numpy/matplotlib cold on a 2-core machine.
KERNEL_READY_MS = 120_000
RUN_ALL_MS = 240_000
WIDGETS_MS = 60_000
REDRAW_MS = 30_000

CJK = re.compile(r"[\u4e00-\u9fff]")


def notebooks_root() -> Path:
    """The lesson notebooks: notebooks/ of the repo, or $LRLESSONS_NOTEBOOKS (a stand-in tree)."""
    return Path(os.environ.get("LRLESSONS_NOTEBOOKS") or REPO / "notebooks")


def lesson_notebooks(root: Path | None = None) -> list[tuple[str, str]]:
    """(lang, name) of every lesson notebook present, in course order."""
    root = root or notebooks_root()
    return [(lang, name) for lang in LANGS for name in LESSONS
            if (root / lang / f"{name}.ipynb").is_file()]


def browser_missing() -> str | None:
    """Why a browser test cannot run here, or None when it can."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return (f"no chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk, "
                "or `make sysdeps`)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"the playwright Python package is missing ({exc}); pip install -e '.[dev]'"
    return None


def need_browser() -> None:
    """Skip when no browser test can run here; fail instead under REQUIRE_BROWSER=1 (CI)."""
    import pytest

    reason = browser_missing()
    if reason is None:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but the browser test cannot run: {reason}", pytrace=False)
    pytest.skip(f"browser test skipped: {reason}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_notebooks(dest: Path, root: Path | None = None) -> Path:
    """A private copy of the notebooks tree: Run All (and autosave) never touch committed files."""
    target = dest / "notebooks"
    shutil.copytree(root or notebooks_root(), target,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return target


def _write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1))


def _children(pid: int) -> list[int]:
    """All descendants of ``pid`` (kernels run in their own session, so killpg misses them)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


# JupyterLab's default app_settings_dir relative to sys.prefix (jupyterlab.commands.get_app_dir).
LAB_SETTINGS_DIR = Path("share", "jupyter", "lab", "settings")


def install_lab_settings(prefix: Path) -> None:
    """Install the learners' JupyterLab settings into ``prefix`` with the Makefile's own rule."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    subprocess.run(["make", "-s", "-C", str(REPO), f"VENV={prefix}", "lab-settings"], env=env,
                   check=True, stdout=subprocess.DEVNULL)


@dataclass
class LabServer:
    """JupyterLab from this venv on 127.0.0.1, isolated from the user's Jupyter config."""

    root_dir: Path
    workdir: Path
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    port: int = 0
    proc: subprocess.Popen | None = None
    # Where the settings learners get (.jupyter/) are installed, laid out as `make lab-settings`
    # lays them out in .venv; None: that Makefile rule installs them into workdir/prefix.
    settings_prefix: Path | None = None
    # JupyterLab's app settings directory; None: the default one under settings_prefix. `make lab
    # COURSE=zh` uses a sibling per display language (settings-zh_CN).
    app_settings_dir: Path | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.workdir / "jupyterlab.log"

    def _prepare(self) -> dict:
        w = self.workdir
        # The kernel is this interpreter, whatever kernelspecs the machine has elsewhere.
        _write_json(w / "jupyter-path" / "kernels" / "python3" / "kernel.json", {
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (lrlessons venv)", "language": "python",
            "metadata": {"debugger": True}})
        if self.settings_prefix is None:
            self.settings_prefix = w / "prefix"
            install_lab_settings(self.settings_prefix)
        # Test-only user settings, on top of the learners' (which switch news and updates off).
        settings = w / "user-settings" / "@jupyterlab"
        # Every cell in the DOM (no virtual scrolling), so counting outputs counts them all.
        _write_json(settings / "notebook-extension" / "tracker.jupyterlab-settings",
                    {"windowingMode": "none"})
        # Nothing that reaches for the network: the extension manager.
        _write_json(settings / "extensionmanager-extension" / "plugin.jupyterlab-settings",
                    {"enabled": False})
        _write_json(settings / "docmanager-extension" / "plugin.jupyterlab-settings",
                    {"autosave": False})
        env = dict(os.environ)
        # The kernel must keep its inline backend: under Agg, figures never reach the page.
        env.pop("MPLBACKEND", None)
        env.update({
            "JUPYTER_PATH": str(w / "jupyter-path"),
            "JUPYTER_CONFIG_DIR": str(w / "jupyter-config"),
            # The learners' server config (kernel culling), as .venv/etc/jupyter is for make lab.
            "JUPYTER_CONFIG_PATH": str(self.settings_prefix / "etc" / "jupyter"),
            "JUPYTER_DATA_DIR": str(w / "jupyter-data"),
            "JUPYTER_RUNTIME_DIR": str(w / "jupyter-runtime"),
            "JUPYTER_PLATFORM_DIRS": "1",
            "IPYTHONDIR": str(w / "ipython"),
            "KERAS_BACKEND": env.get("KERAS_BACKEND", "torch"),
            "OMP_NUM_THREADS": env.get("OMP_NUM_THREADS", "1"),
            "PYTHONUNBUFFERED": "1",
        })
        return env

    def start(self, timeout: float = 120) -> LabServer:
        env = self._prepare()
        self.port = free_port()
        args = [
            sys.executable, "-m", "jupyter", "lab", "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0", f"--ServerApp.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}",
            f"--LabApp.user_settings_dir={self.workdir / 'user-settings'}",
            f"--LabApp.app_settings_dir={self.app_settings_dir or self.settings_prefix / LAB_SETTINGS_DIR}",
            f"--LabApp.workspaces_dir={self.workdir / 'workspaces'}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
            # window.jupyterapp: run commands (Run All) the way the menu does.
            "--LabApp.expose_app_in_browser=True",
        ]
        if os.geteuid() == 0:
            args.append("--ServerApp.allow_root=True")
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "wb")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                status = self.api("GET", "/api/status", timeout=5)
                if "started" in status:
                    return self
            except (OSError, urllib.error.URLError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"JupyterLab did not answer in {timeout} s:\n{self.log_tail()}")
            time.sleep(0.25)

    def api(self, method: str, path: str, timeout: float = 10):
        req = urllib.request.Request(self.base + path, method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def url(self, notebook: str, workspace: str) -> str:
        # A workspace of its own per page: no tab (and kernel) of an earlier page is restored.
        return f"{self.base}/lab/workspaces/{workspace}/tree/{notebook}?token={self.token}"

    def shutdown_kernels(self) -> None:
        """Stop every kernel (the next notebook should not share two cores with idle ones)."""
        with contextlib.suppress(OSError, urllib.error.URLError):
            for session in self.api("GET", "/api/sessions"):
                self.api("DELETE", f"/api/sessions/{session['id']}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """Shut the server and its kernels down; kill what is left, by pid."""
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        if proc.poll() is not None:
            return
        pids = _children(proc.pid)
        with contextlib.suppress(OSError, urllib.error.URLError):
            self.api("POST", "/api/shutdown", timeout=5)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        for pid in pids:  # kernels that outlived their server
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def chromium():
    """Debian's headless chromium under Playwright; closed however the block ends."""
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        pw.stop()


# --- in-page JavaScript -------------------------------------------------------------------------

_JS_PANEL = """
window.__lrlPanel = (path) => {
  const app = window.jupyterapp;
  if (!app || !app.shell) return null;
  for (const w of app.shell.widgets('main')) {
    if (w.context && w.context.path === path && w.content && w.content.widgets) return w;
  }
  return null;
};
"""

_JS_KERNEL_IDLE = """(path) => {
  const p = window.__lrlPanel && window.__lrlPanel(path);
  if (!p || !p.context.isReady || !p.sessionContext.isReady) return false;
  const k = p.sessionContext.session && p.sessionContext.session.kernel;
  return !!k && k.status === 'idle';
}"""

_JS_ALL_EXECUTED = """(path) => {
  const p = window.__lrlPanel(path);
  const k = p.sessionContext.session && p.sessionContext.session.kernel;
  if (!k || k.status !== 'idle') return false;
  const failed = (m) => Array.from({length: m.outputs.length}, (_, i) => m.outputs.get(i))
    .some((o) => o.type === 'error');
  // Run All stops at a cell that raised: the cells after it never run, so stop waiting.
  if (p.content.widgets.some((c) => c.model.type === 'code' && failed(c.model))) return true;
  for (const cell of p.content.widgets) {
    const m = cell.model;
    if (m.type !== 'code') continue;
    if (m.executionState === 'running') return false;
    if (m.sharedModel.getSource().trim() && m.executionCount == null) return false;
    const prompt = cell.node.querySelector('.jp-InputPrompt');
    if (prompt && prompt.textContent.includes('*')) return false;
  }
  return true;
}"""

_JS_WIDGETS_SETTLED = """() => !/Loading widget|Error displaying widget/.test(
  Array.from(document.querySelectorAll('.jp-Notebook .jp-OutputArea')).map(n => n.innerText).join('\\n'))"""

# One record per cell, in notebook order (windowingMode none keeps every cell in the DOM).
_JS_CELLS = """() => Array.from(document.querySelectorAll('.jp-Notebook .jp-Cell')).map((cell) => {
  const outs = Array.from(cell.querySelectorAll('.jp-OutputArea-output'));
  const top = (el) => !el.closest('.jupyter-widgets');
  return {
    kind: cell.classList.contains('jp-CodeCell') ? 'code'
        : cell.classList.contains('jp-MarkdownCell') ? 'markdown' : 'raw',
    prompt: (cell.querySelector('.jp-InputPrompt') || {}).textContent || '',
    source: (cell.querySelector('.jp-InputArea-editor .cm-content') || {}).innerText || '',
    staticImages: Array.from(cell.querySelectorAll('.jp-OutputArea-output img')).filter(top)
        .filter((img) => img.complete && img.naturalWidth > 0).length,
    widgetImages: Array.from(cell.querySelectorAll('.jupyter-widgets img'))
        .filter((img) => img.naturalWidth > 0).length,
    widgets: cell.querySelectorAll('.jupyter-widgets').length,
    sliders: cell.querySelectorAll('.widget-slider').length,
    buttons: cell.querySelectorAll('.jupyter-widgets .widget-button').length,
    errors: outs.filter((o) => o.getAttribute('data-mime-type') === 'application/vnd.jupyter.error'
        || o.querySelector('[data-mime-type="application/vnd.jupyter.error"]')
        || (o.getAttribute('data-mime-type') === 'application/vnd.jupyter.stderr'
            && /Traceback/.test(o.innerText))).map((o) => o.innerText.slice(0, 2000)),
    outputText: outs.map((o) => o.innerText).join('\\n'),
    markdown: cell.classList.contains('jp-MarkdownCell')
        ? (cell.querySelector('.jp-RenderedMarkdown') || {}).innerText || '' : '',
  };
})"""

# Arm a watcher on one cell's output: the time of the next key press, of the first mutation that
# gives the cell a different set of picture sources (Image widget: new blob URL; Output widget:
# new <img> with a data URL) and of the first frame after the new pictures decoded.
_JS_ARM = """(index) => {
  const cell = document.querySelectorAll('.jp-Notebook .jp-Cell')[index];
  const area = cell.querySelector('.jp-Cell-outputArea') || cell;
  const sig = () => Array.from(area.querySelectorAll('img')).map((i) => i.src).join('|');
  const st = window.__lrlMove = {before: sig(), t0: null, tSrc: null, tFrame: null, done: false};
  document.addEventListener('keydown', () => { if (st.t0 === null) st.t0 = performance.now(); },
                            {capture: true, once: true});
  const obs = new MutationObserver(() => {
    if (st.tSrc !== null) return;
    const imgs = Array.from(area.querySelectorAll('img'));
    const s = sig();
    if (!imgs.length || s === st.before) return;
    st.tSrc = performance.now();
    obs.disconnect();
    Promise.all(imgs.map((i) => i.decode().catch(() => null))).then(() =>
      requestAnimationFrame(() => { st.tFrame = performance.now(); st.done = true; }));
  });
  obs.observe(area, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
}"""

# Where every explorer control and picture really is, for the layout checks. A control's visible
# width is its rect cut by the viewport and by every ancestor that clips (overflow not visible):
# what the learner can see and grab. Controls of a hidden tab (display: none) are not rendered.
_JS_LAYOUT = """(only) => {
  const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
  const nr = nb.getBoundingClientRect();
  const panel = [nr.left + nb.clientLeft, nr.left + nb.clientLeft + nb.clientWidth];
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    let left = Math.max(r.left, 0), right = Math.min(r.right, window.innerWidth);
    for (let a = el.parentElement; a; a = a.parentElement) {
      if (getComputedStyle(a).overflowX === 'visible') continue;
      const ar = a.getBoundingClientRect();
      left = Math.max(left, ar.left + a.clientLeft);
      right = Math.min(right, ar.left + a.clientLeft + a.clientWidth);
    }
    return Math.max(0, right - left);
  };
  const shown = (el) => el.getClientRects().length > 0;
  const box = (el) => { const r = el.getBoundingClientRect();
                        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
  const out = {panel, innerWidth: window.innerWidth, output: null, controls: [], whole: [],
               labels: [], pictures: [], scrollers: [], overlaps: []};
  document.querySelectorAll('.jp-Notebook .jp-Cell').forEach((cell, index) => {
    if (only !== null && index !== only) return;
    const area = cell.querySelector('.jp-Cell-outputArea');
    if (!area || !area.querySelector('.jupyter-widgets')) return;
    out.output = out.output || area.querySelector('.jp-OutputArea-output').clientWidth;
    const picked = [];
    const take = (kind, selector, owner) => area.querySelectorAll(selector).forEach((el) => {
      if (!shown(el)) return;
      const w = el.closest(owner);
      const label = w && w.querySelector(':scope > .widget-label');
      const rec = {cell: index, kind, label: label ? label.textContent : el.textContent.trim(),
                   width: el.getBoundingClientRect().width, visible: visible(el), rect: box(el)};
      picked.push(rec);
    });
    take('slider', '.widget-hslider .slider-container', '.widget-hslider');
    take('dropdown', '.widget-dropdown > select', '.widget-dropdown');
    take('text', '.widget-text input', '.widget-text');
    picked.forEach((c) => out.controls.push(c));
    // Buttons and checkboxes are small: all of each must show.
    const small = [];
    const takeSmall = (kind, selector) => area.querySelectorAll(selector).forEach((el) => {
      if (shown(el)) small.push({cell: index, kind, label: (el.closest('label') || el).textContent.trim(),
                                 width: el.getBoundingClientRect().width, visible: visible(el), rect: box(el)});
    });
    takeSmall('button', 'button.jupyter-button');
    takeSmall('checkbox', 'input[type=checkbox]');
    small.forEach((c) => out.whole.push(c));
    area.querySelectorAll('.widget-label, .widget-label-basic span').forEach((lab) => {
      if (!shown(lab) || !lab.textContent.trim()) return;
      const w = lab.getBoundingClientRect().width;
      if (lab.scrollWidth > lab.clientWidth + 1 || visible(lab) < w - 1)
        out.labels.push({cell: index, text: lab.textContent, needs: lab.scrollWidth,
                         has: lab.clientWidth, visible: visible(lab)});
    });
    const pictures = Array.from(area.querySelectorAll('.jupyter-widgets img')).filter(shown);
    pictures.forEach((img) => {
      const r = img.getBoundingClientRect();
      out.pictures.push({cell: index, width: r.width, height: r.height, natural: img.naturalWidth,
                         visible: visible(img), rect: box(img)});
    });
    area.querySelectorAll('.jupyter-widgets').forEach((el) => {
      if (shown(el) && getComputedStyle(el).overflowX !== 'visible'
          && el.scrollWidth > el.clientWidth + 1)
        out.scrollers.push({cell: index, className: el.className, needs: el.scrollWidth,
                            has: el.clientWidth});
    });
    const cross = (a, b) => a.left < b.right - 1 && b.left < a.right - 1
                         && a.top < b.bottom - 1 && b.top < a.bottom - 1;
    for (const c of [...picked, ...small])
      for (const p of pictures)
        if (cross(c.rect, box(p))) out.overlaps.push({cell: index, control: c.label});
  });
  return out;
}"""

# Resizing re-lays the shell out over a few frames: wait until the notebook stops moving.
_JS_SETTLED = """() => new Promise((resolve) => {
  const nb = () => document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
  let last = '', same = 0;
  const tick = () => {
    const r = nb().getBoundingClientRect();
    const now = [r.left, r.width, window.innerWidth].join();
    same = now === last ? same + 1 : 0;
    last = now;
    if (same >= 3) resolve(); else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})"""

# Which fonts chromium really drew a node's text with (CSS.getPlatformFontsForNode needs a node id).
_CJK_FONT = re.compile(r"Noto (Sans|Serif) CJK", re.I)


@dataclass
class Move:
    src_ms: float  # key press -> new picture source in the DOM
    frame_ms: float  # key press -> first frame after the new picture decoded


class Lesson:
    """One notebook opened in JupyterLab in one page."""

    def __init__(self, page, server: LabServer, notebook: str):
        self.page, self.server, self.notebook = page, server, notebook
        self.js_errors: list[str] = []
        page.on("pageerror", lambda exc: self.js_errors.append(str(exc)))

    def open(self, timeout_ms: int = KERNEL_READY_MS) -> None:
        workspace = "t" + secrets.token_hex(4)
        self.page.goto(self.server.url(self.notebook, workspace), wait_until="domcontentloaded")
        self.page.wait_for_function("() => !!(window.jupyterapp && window.jupyterapp.shell)",
                                    timeout=timeout_ms)
        self.page.evaluate(_JS_PANEL)
        self.page.wait_for_function(_JS_KERNEL_IDLE, arg=self.notebook, timeout=timeout_ms)
        self.show(VIEWPORT, file_browser=True)

    def show(self, viewport: dict, file_browser: bool) -> None:
        """Resize the window and open the file browser on the left (set here, never left to
        JupyterLab's default) or close every side panel; returns once the layout settled."""
        self.page.set_viewport_size(viewport)
        if file_browser:
            self.command("filebrowser:activate")
        else:
            self.page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
        self.page.evaluate("() => window.jupyterapp.shell.collapseRight()")
        self.page.evaluate(_JS_SETTLED)

    def command(self, name: str) -> None:
        self.page.evaluate("(c) => window.jupyterapp.commands.execute(c)", name)

    def run_all(self, timeout_ms: int = RUN_ALL_MS) -> float:
        """Clear outputs (so old execution counts cannot pass for new ones), Run All, wait."""
        self.page.evaluate("(p) => window.jupyterapp.shell.activateById(window.__lrlPanel(p).id)",
                           self.notebook)
        self.command("notebook:clear-all-cell-outputs")
        start = time.perf_counter()
        self.command("notebook:run-all-cells")
        # Let the first cell leave idle before polling, else the predicate can see the old state.
        self.page.wait_for_function(
            "(p) => window.__lrlPanel(p).content.widgets.some((c) => c.model.type === 'code' && "
            "(c.model.executionState === 'running' || c.model.executionCount != null))",
            arg=self.notebook, timeout=timeout_ms)
        self.page.wait_for_function(_JS_ALL_EXECUTED, arg=self.notebook, timeout=timeout_ms,
                                    polling=200)
        self.page.wait_for_function(_JS_WIDGETS_SETTLED, timeout=WIDGETS_MS, polling=200)
        return time.perf_counter() - start

    def cells(self) -> list[dict]:
        return self.page.evaluate(_JS_CELLS)

    def screenshot_all(self, path: Path, max_height: int = 16_000) -> None:
        """The whole notebook in one picture: grow the viewport to the notebook's height."""
        path.parent.mkdir(parents=True, exist_ok=True)
        # JupyterLab 4 scrolls the notebook inside .jp-WindowedPanel-outer, not the page.
        height = self.page.evaluate("""() => {
          const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
          const scroller = nb.querySelector('.jp-WindowedPanel-outer') || nb;
          scroller.scrollTop = 0;
          const status = document.querySelector('#jp-main-statusbar');
          return Math.ceil(nb.getBoundingClientRect().top + scroller.scrollHeight
                           + (status ? status.offsetHeight : 0) + 20);
        }""")
        self.page.set_viewport_size({"width": VIEWPORT["width"],
                                     "height": max(VIEWPORT["height"], min(height, max_height))})
        try:
            self.page.evaluate("() => new Promise((r) => requestAnimationFrame(() => "
                               "requestAnimationFrame(r)))")
            self.page.screenshot(path=str(path))
        finally:
            self.page.set_viewport_size(VIEWPORT)

    def layout(self) -> dict:
        """Every rendered control, label and widget picture of the explorers (see _JS_LAYOUT),
        the controls of every tab included: each tab is shown in turn, then the first again."""
        report = self.page.evaluate(_JS_LAYOUT, None)
        cells = self.page.locator(".jp-Notebook .jp-Cell")
        tabbed = {i for i in {c["cell"] for c in report["controls"]}
                  if cells.nth(i).locator(".jp-Cell-outputArea .lm-TabBar-tab").count() > 1}
        for i in sorted(tabbed):
            tabs = cells.nth(i).locator(".jp-Cell-outputArea .lm-TabBar-tab")
            for k in [*range(1, tabs.count()), 0]:
                tabs.nth(k).click()
                self.page.evaluate(_JS_SETTLED)
                if k:
                    more = self.page.evaluate(_JS_LAYOUT, i)
                    for key in ("controls", "whole", "labels", "scrollers", "overlaps"):
                        report[key] += [r for r in more[key] if r not in report[key]]
        return report

    def screenshot_widgets(self, prefix: Path) -> list[Path]:
        """The window scrolled to each cell that shows widgets, and that cell's output alone."""
        paths = []
        cells = self.page.locator(".jp-Notebook .jp-Cell")
        for i in sorted({p["cell"] for p in self.page.evaluate(_JS_LAYOUT, None)["pictures"]}):
            area = cells.nth(i).locator(".jp-Cell-outputArea")
            area.evaluate("(e) => e.scrollIntoView({block: 'start'})")
            self.page.evaluate(_JS_SETTLED)
            for path, target in ((Path(f"{prefix}_cell{i}.png"), area),
                                 (Path(f"{prefix}_cell{i}_window.png"), self.page)):
                path.parent.mkdir(parents=True, exist_ok=True)
                target.screenshot(path=str(path))
                paths.append(path)
        return paths

    def explorer_cell(self) -> int | None:
        """Index of the first cell whose picture redraws as its slider moves: a slider and a
        picture, and no button (the training explorer and the range test redraw only when
        their button is pressed)."""
        for i, cell in enumerate(self.cells()):
            if cell["sliders"] and (cell["widgetImages"] or cell["staticImages"]) \
                    and not cell["buttons"]:
                return i
        return None

    def slider_latencies(self, index: int, moves: int = 10, shots: tuple[Path, Path] | None = None,
                         ) -> list[Move]:
        """Press an arrow key on the explorer's first slider ``moves`` times; time each redraw."""
        cell = self.page.locator(".jp-Notebook .jp-Cell").nth(index)
        handle = cell.locator(".widget-slider .noUi-handle").first
        handle.scroll_into_view_if_needed()
        if shots:
            shots[0].parent.mkdir(parents=True, exist_ok=True)
            cell.screenshot(path=str(shots[0]))

        def aria(name: str) -> float:
            return float(handle.get_attribute(f"aria-value{name}"))

        key = "ArrowRight" if aria("max") - aria("now") >= aria("now") - aria("min") else "ArrowLeft"
        result = []
        for _ in range(moves):
            if aria("now") in (aria("min"), aria("max")) and result:
                key = "ArrowLeft" if key == "ArrowRight" else "ArrowRight"
            self.page.evaluate(_JS_ARM, index)
            handle.focus()
            handle.press(key)
            self.page.wait_for_function("() => window.__lrlMove.done", timeout=REDRAW_MS,
                                        polling="raf")
            st = self.page.evaluate("() => window.__lrlMove")
            result.append(Move(st["tSrc"] - st["t0"], st["tFrame"] - st["t0"]))
            # The kernel has answered the move completely before the next one is armed.
            self.page.wait_for_function(_JS_KERNEL_IDLE, arg=self.notebook, timeout=REDRAW_MS)
        if shots:
            cell.screenshot(path=str(shots[1]))
        return result

    def cjk_fonts(self, selector: str = ".jp-RenderedMarkdown") -> list[dict]:
        """Platform fonts chromium used for the first ``selector`` element with Chinese text."""
        index = self.page.evaluate("""(sel) => Array.from(document.querySelectorAll(sel))
            .findIndex((n) => /[\\u4e00-\\u9fff]/.test(n.innerText))""", selector)
        if index < 0:
            return []
        return platform_fonts(self.page, selector, index)


def platform_fonts(page, selector: str, index: int = 0) -> list[dict]:
    """[{familyName, glyphCount, ...}] chromium rendered the element's text with (DevTools)."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        ids = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]
        fonts: list[dict] = []
        # The text sits in descendants (headings, paragraphs): ask for each of them.
        for nid in [ids[index], *cdp.send("DOM.querySelectorAll",
                                          {"nodeId": ids[index], "selector": "*"})["nodeIds"]]:
            fonts += cdp.send("CSS.getPlatformFontsForNode", {"nodeId": nid})["fonts"]
        return fonts
    finally:
        cdp.detach()


def has_cjk_font(fonts: list[dict]) -> bool:
    return any(_CJK_FONT.search(f["familyName"]) and f["glyphCount"] > 0 for f in fonts)


def committed_png_counts(path: Path) -> list[int | None]:
    """Per cell of the committed notebook: how many image/png outputs (None: not compared)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    counts: list[int | None] = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "nbval-ignore-output" in cell.metadata.get("tags", []):
            counts.append(None)
            continue
        counts.append(sum("image/png" in out.get("data", {}) for out in cell.get("outputs", [])))
    return counts


def explorer_cells(path: Path) -> list[int]:
    """Cells of the committed notebook that show a live widget (tagged nbval-ignore-output)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    return [i for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and "nbval-ignore-output" in c.metadata.get("tags", [])]


def summarize(ms: list[float]) -> str:
    if not ms:
        return "no moves"
    ordered = sorted(ms)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return (f"median {statistics.median(ordered):.0f} ms, p90 {p90:.0f} ms, "
            f"min {ordered[0]:.0f} ms, max {ordered[-1]:.0f} ms (n={len(ordered)})")
