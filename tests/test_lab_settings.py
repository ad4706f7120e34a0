"""The JupyterLab settings learners get (.jupyter/), read back the way JupyterLab reads them.

`make lab` installs .jupyter/overrides.json5 into JupyterLab's app settings directory and
.jupyter/jupyter_server_config.py into the venv's config directory; postBuild does the same on
Binder. Here the Makefile's own rule installs them into a private prefix, a JupyterLab server runs
on it (tests/browser_support.LabServer, no browser needed), and its settings REST API must report
the composite values the page uses: no news prompt or update check, a kernel shut down when its
tab closes. The server must run the idle-kernel culler with the shipped timeout.
"""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import browser_support as bs

REPO = bs.REPO
SHIPPED = REPO / ".jupyter"
CULL = {"cull_idle_timeout": 1800, "cull_connected": False, "cull_interval": 120}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    work = tmp_path_factory.mktemp("lab-settings")
    (work / "root").mkdir()
    server = bs.LabServer(work / "root", work)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def composite(server: bs.LabServer, plugin: str) -> dict:
    """What the page sees for ``plugin``: the schema defaults (overrides applied by the server),
    under the user's own settings, as JupyterLab's settings registry merges them."""
    reply = server.api("GET", f"/lab/api/settings/{plugin}")
    defaults = {k: v["default"] for k, v in reply["schema"]["properties"].items() if "default" in v}
    return {**defaults, **reply["settings"]}


def test_makefile_installs_where_jupyterlab_and_the_server_look():
    """The layout `make lab-settings` writes under a prefix is where this venv's JupyterLab and
    Jupyter server look under sys.prefix, so `make lab` (VENV=.venv) is read by default."""
    from jupyter_core.paths import ENV_CONFIG_PATH
    from jupyterlab.commands import get_app_dir

    prefix = Path(sys.prefix)
    assert (Path(get_app_dir()) / "settings").relative_to(prefix) == bs.LAB_SETTINGS_DIR
    assert Path(ENV_CONFIG_PATH[0]).relative_to(prefix) == Path("etc", "jupyter")


def test_makefile_copies_the_shipped_files(tmp_path):
    bs.install_lab_settings(tmp_path)
    assert filecmp.cmp(SHIPPED / "overrides.json5",
                       tmp_path / bs.LAB_SETTINGS_DIR / "overrides.d" / "lrlessons.json5",
                       shallow=False)
    assert filecmp.cmp(SHIPPED / "jupyter_server_config.py",
                       tmp_path / "etc" / "jupyter" / "jupyter_server_config.py", shallow=False)


@pytest.mark.parametrize("repo_is_home", [True, False], ids=["repo-in-home", "repo-elsewhere"])
def test_postbuild_installs_the_settings_where_binder_reads_them(tmp_path, repo_is_home):
    """postBuild as repo2docker runs it (from the repository, which it copies into $HOME by
    default): the overrides land in JupyterLab's app directory, the server config in ~/.jupyter.
    pip is a stub here; JUPYTERLAB_DIR stands for the image's app directory."""
    home, bin_dir = tmp_path / "home", tmp_path / "bin"
    repo = home if repo_is_home else tmp_path / "repo"
    repo.mkdir(parents=True)
    home.mkdir(exist_ok=True)
    shutil.copy2(REPO / "postBuild", repo)
    shutil.copytree(SHIPPED, repo / ".jupyter")
    bin_dir.mkdir()
    (bin_dir / "pip").write_text('#!/bin/sh\necho "$*" >> "$HOME/pip-calls"\n')
    (bin_dir / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    for stub in bin_dir.iterdir():
        stub.chmod(0o755)
    app_dir = tmp_path / "prefix" / "share" / "jupyter" / "lab"
    env = {**os.environ, "HOME": str(home), "PATH": f"{bin_dir}:{os.environ['PATH']}",
           "JUPYTERLAB_DIR": str(app_dir), "MPLCONFIGDIR": str(tmp_path / "mpl")}
    subprocess.run(["bash", "postBuild"], cwd=repo, env=env, check=True, timeout=300,
                   capture_output=True)
    assert (home / "pip-calls").read_text().split("\n")[0] == "install --no-deps -e ."
    assert filecmp.cmp(SHIPPED / "overrides.json5",
                       app_dir / "settings" / "overrides.d" / "lrlessons.json5", shallow=False)
    assert filecmp.cmp(SHIPPED / "jupyter_server_config.py",
                       home / ".jupyter" / "jupyter_server_config.py", shallow=False)


def test_no_news_prompt_and_no_update_check(lab):
    settings = composite(lab, "@jupyterlab/apputils-extension:notification")
    # "none" (the default) is what asks "Would you like to get notified about official news?"
    assert settings["fetchNews"] == "false"
    assert settings["checkForUpdates"] is False
    assert "Failed loading overrides" not in lab.log_tail(400)


def test_closing_a_notebook_tab_shuts_its_kernel_down(lab):
    settings = composite(lab, "@jupyterlab/notebook-extension:tracker")
    assert settings["kernelShutdown"] is True
    # The test-only user setting still applies on top of the learners' defaults.
    assert settings["windowingMode"] == "none"


def test_the_server_culls_idle_kernels_without_a_tab(lab):
    """The culler starts with the first kernel and logs the values it runs with."""
    kernel = lab.api("POST", "/api/kernels")
    try:
        expected = (f"Culling kernels with idle durations > {CULL['cull_idle_timeout']} seconds "
                    f"at {CULL['cull_interval']} second intervals")
        deadline = time.monotonic() + 30
        while expected not in lab.log_tail(400) and time.monotonic() < deadline:
            time.sleep(0.2)
        log = lab.log_tail(400)
        assert expected in log, log
        assert "Culling kernels even with connected clients" not in log
        assert "Culling kernels even if busy" not in log
    finally:
        lab.api("DELETE", f"/api/kernels/{kernel['id']}")


def test_server_config_as_the_server_loads_it(lab, tmp_path):
    """`jupyter server --show-config-json` on the same config path: the three culling values."""
    env = {**os.environ,
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
           "JUPYTER_CONFIG_PATH": str(lab.settings_prefix / "etc" / "jupyter"),
           "JUPYTER_DATA_DIR": str(tmp_path / "data"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    out = subprocess.run([sys.executable, "-m", "jupyter", "server", "--show-config-json"],
                         env=env, capture_output=True, text=True, check=True, timeout=120).stdout
    config = json.loads(out[out.index("{"):])
    assert config["MappingKernelManager"] == CULL
