"""The benchmark scripts still run against today's library.

The figures they print are read by people, not asserted (no timed tests); but a script that
crashes prints nothing, and a renamed library table broke one before anyone noticed. Each cheap
script runs here once with its sizes cut down; the notebook and browser benchmarks, which start
kernels, are only imported.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

import lrlessons

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", sorted(p.stem for p in BENCH.glob("*.py")))
def test_every_benchmark_imports(name):
    assert callable(load(name).main)


@pytest.mark.slow  # ~23 s: trains the playground's whole benchmark
def test_bench_playground_runs(monkeypatch, capsys):
    bench = load("bench_playground")
    monkeypatch.setattr(bench, "REPEAT", 1)  # full-length runs: suggested values assume them
    bench.main()
    out = capsys.readouterr().out
    assert "slowest median" in out
    assert "OneCycleLR" in out and "per iteration" in out


def test_bench_curves_runs(monkeypatch, capsys):
    bench = load("bench_curves")
    monkeypatch.setattr(bench, "STEPS", 200)
    bench.main()
    out = capsys.readouterr().out
    assert all(name in out for name in lrlessons.SCHEDULES)
    assert "import lrlessons" in out


def test_bench_widgets_runs(monkeypatch, capsys):
    bench = load("bench_widgets")
    monkeypatch.setattr(bench, "MOVES", 3)
    bench.main()
    assert "worst median" in capsys.readouterr().out


@pytest.mark.slow  # ~23 s: training runs in subprocesses
def test_claims_sweep_runs(tmp_path):
    # One configuration that holds a function (an on_epoch_end rule), one seed, one kernel set.
    out = tmp_path / "sweep.json"
    done = subprocess.run([sys.executable, str(BENCH / "claims_sweep.py"), "--only", "calm_down",
                           "--seeds", "0", "--kernel-sets", "default", "--json", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "07 calm_down" in done.stdout and out.stat().st_size > 0
