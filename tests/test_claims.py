"""The lessons' sentences about training runs hold on every CPU kernel set this machine has.

torch picks its CPU kernels (ATEN_CPU_CAPABILITY) once, at import, and a chaotic training run
takes another trajectory under each. So every supported kernel set gets its own processes (two,
each training half of the configurations of tests/claims.py for seeds 0-4, two processes at a
time, one torch thread each), and every claim is evaluated on that kernel set's runs. See
tests/claims.py for the claims and benchmarks/claims_sweep.py --claims for their margins over
10 seeds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.claims import CLAIMS, CONFIGS, evaluate, from_records, supported_kernel_sets

ROOT = Path(__file__).resolve().parent.parent
KERNEL_SETS = supported_kernel_sets()
# Each kernel set's configurations in two processes, so 2 cores stay busy whatever the number of
# kernel sets; the claims are evaluated here, on the merged runs.
NAMES = list(CONFIGS)
HALVES = (NAMES[::2], NAMES[1::2])
PROBE = "import json, sys; from tests.claims import train_records; " \
        "print(json.dumps(train_records(sys.argv[1:])))"

pytestmark = pytest.mark.slow


def train_on(kernel_set: str, names: list[str]) -> dict:
    env = dict(os.environ, ATEN_CPU_CAPABILITY=kernel_set, OMP_NUM_THREADS="1",
               MPLBACKEND="Agg")
    done = subprocess.run([sys.executable, "-c", PROBE, *names], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"training on kernel set {kernel_set} crashed:\n{done.stderr[-3000:]}"
    return json.loads(done.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def verdicts() -> dict:
    jobs = [(k, half) for k in KERNEL_SETS for half in HALVES]
    with ThreadPoolExecutor(2) as pool:
        trained = list(pool.map(lambda job: train_on(*job), jobs))
    out = {}
    for (k, _), part in zip(jobs, trained):
        entry = out.setdefault(k, {"ran_as": set(), "runs": {}})
        entry["ran_as"].add(part["kernel_set"])
        entry["runs"].update(part["runs"])
    return {k: {"ran_as": v["ran_as"], "claims": evaluate(from_records(v["runs"]))}
            for k, v in out.items()}


def test_every_kernel_set_ran_as_asked(verdicts):
    # torch silently falls back to a lower kernel set when the CPU lacks one: make sure it didn't.
    assert {k: v["ran_as"] for k, v in verdicts.items()} == {k: {k} for k in KERNEL_SETS}


def test_every_claim_was_evaluated(verdicts):
    for k, v in verdicts.items():
        assert set(v["claims"]) == set(CLAIMS), k


@pytest.mark.parametrize("kernel_set", KERNEL_SETS)
@pytest.mark.parametrize("name", list(CLAIMS))
def test_claim_holds(verdicts, name, kernel_set):
    verdict = verdicts[kernel_set]["claims"][name]
    assert verdict["ok"], (f"claim {name!r} fails on kernel set {kernel_set} "
                           f"(seeds 0-4): {verdict['detail']}\n  lesson text: {CLAIMS[name].text}")
