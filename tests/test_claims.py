"""The lessons' sentences about training runs hold on every machine this one can simulate.

A chaotic training run takes another trajectory on another machine. This test simulates several:
every CPU kernel set torch can run here (ATEN_CPU_CAPABILITY, read once at import), alone and with
MKL's compatible code path (MKL_CBWR=COMPATIBLE), as tests.claims.machines() lists them. Each
machine trains the configurations of tests/claims*.py for TEST_SEEDS (seeds the lessons never
quote and the bounds were not set on) in two processes, two processes at a time, one torch thread
each; every claim is then evaluated on each machine's runs. A simulated machine that changes no
run simulates nothing, and fails the test. See benchmarks/claims_sweep.py --claims for the
margins in noise units over seeds 0-9.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.claims import CLAIMS, CONFIGS, TEST_SEEDS, evaluate, from_records, machines

ROOT = Path(__file__).resolve().parent.parent
MACHINES = machines()
# Each machine's configurations in two processes, so 2 cores stay busy; the claims are evaluated
# here, on the merged runs.
NAMES = list(CONFIGS)
HALVES = (NAMES[::2], NAMES[1::2])
PROBE = ("import json, sys; from tests.claims import train_records; "
         "print(json.dumps(train_records(sys.argv[2:], seeds=json.loads(sys.argv[1]))))")

pytestmark = pytest.mark.slow


def train_on(machine: str, names: list[str]) -> dict:
    kernel_set, extra = MACHINES[machine]
    env = dict(os.environ, ATEN_CPU_CAPABILITY=kernel_set, OMP_NUM_THREADS="1",
               MPLBACKEND="Agg", **extra)
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(TEST_SEEDS), *names],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, f"training on {machine} crashed:\n{done.stderr[-3000:]}"
    return json.loads(done.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def trained() -> dict:
    jobs = [(m, half) for m in MACHINES for half in HALVES]
    with ThreadPoolExecutor(2) as pool:
        parts = list(pool.map(lambda job: train_on(*job), jobs))
    out: dict = {}
    for (m, _), part in zip(jobs, parts):
        entry = out.setdefault(m, {"ran_as": set(), "runs": {}})
        entry["ran_as"].add(part["kernel_set"])
        entry["runs"].update(part["runs"])
    return out


@pytest.fixture(scope="module")
def verdicts(trained) -> dict:
    return {m: evaluate(from_records(v["runs"])) for m, v in trained.items()}


def test_every_kernel_set_ran_as_asked(trained):
    # torch silently falls back to a lower kernel set when the CPU lacks one: make sure it didn't.
    assert {m: v["ran_as"] for m, v in trained.items()} == \
        {m: {MACHINES[m][0]} for m in MACHINES}


@pytest.mark.parametrize("machine", list(MACHINES)[1:])
def test_every_simulated_machine_changes_some_run(trained, machine):
    # Against the first machine (the lowest kernel set, plain): identical runs everywhere would
    # mean the switch did nothing here, and the claims were tested on one machine only.
    first = trained[next(iter(MACHINES))]["runs"]
    runs = trained[machine]["runs"]
    changed = [n for n in runs if any(a["loss"] != b["loss"] for a, b in zip(runs[n], first[n]))]
    assert changed, f"{machine} trained every configuration exactly as {next(iter(MACHINES))}"


def test_every_claim_was_evaluated_and_names_its_metric(verdicts):
    for m, v in verdicts.items():
        assert set(v) == set(CLAIMS), m
    assert all(c.metric for c in CLAIMS.values()), [c.name for c in CLAIMS.values() if not c.metric]


@pytest.mark.parametrize("machine", list(MACHINES))
@pytest.mark.parametrize("name", list(CLAIMS))
def test_claim_holds(verdicts, name, machine):
    verdict = verdicts[machine][name]
    assert verdict["ok"], (f"claim {name!r} fails on {machine} (seeds {TEST_SEEDS}): "
                           f"{verdict['detail']}\n  lesson text: {CLAIMS[name].text}")
