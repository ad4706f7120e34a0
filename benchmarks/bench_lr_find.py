"""What lr_find costs, how far each suggestion rule moves, and what training at it gives.

Models the course does not train: a small CNN (conv-BatchNorm-ReLU twice, a linear head) and an
MLP without normalisation, on scikit-learn's 8x8 digits (1,400 to train on, 397 held out),
batches of 64, the learner's usual optimizers (SGD with momentum 0.9, Adam).

1. Bands: for each optimizer and smoothing ``beta``, ``SEEDS`` sweeps of the CNN (the seed sets
   the weights and the batch order) of ``NUM_STEPS`` steps from 1e-6 to 10; per rule the lowest,
   median and highest suggestion over the seeds and their ratio: the band lesson 05 shows.
2. Start: the same with the sweep starting at 1e-4: a rule that reads the length of the descent
   (valley) moves with where the sweep starts.
3. Outcome: for each model, optimizer, seed and rule, ``EPOCHS`` epochs of OneCycleLR with
   ``max_lr`` = the suggestion; the held-out accuracy, median and lowest over the seeds.
4. Cost: the seconds of one lr_find against the same number of plain training steps (the price
   of the snapshot, the restore and the stop check).

    python benchmarks/bench_lr_find.py
"""

from __future__ import annotations

import functools
import time

import numpy as np
import torch
from torch import nn

import lrlessons
from lrlessons.lr_finder import RULES

SEEDS = 5
NUM_STEPS = 100
BETAS = (0.9, 0.95, 0.98)


EPOCHS = 3


@functools.cache
def digits():
    """(train, held out): 1,400 and 397 of scikit-learn's digits, one fixed split."""
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    x = torch.tensor(x / 16.0, dtype=torch.float32).reshape(-1, 1, 8, 8)
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(0))
    return (x[order[:1400]], torch.tensor(y)[order[:1400]]), \
        (x[order[1400:]], torch.tensor(y)[order[1400:]])


def loader(seed: int):
    return torch.utils.data.DataLoader(torch.utils.data.TensorDataset(*digits()[0]), batch_size=64,
                                       shuffle=True,
                                       generator=torch.Generator().manual_seed(seed))


def cnn(seed: int) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
                         nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
                         nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(128, 10))


def mlp(seed: int) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Flatten(), nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 128),
                         nn.ReLU(), nn.Linear(128, 10))


MODELS = {"CNN with BatchNorm": cnn, "MLP": mlp}
OPTIMIZERS = {
    "SGD(momentum=0.9)": lambda params: torch.optim.SGD(params, lr=0.1, momentum=0.9),
    "Adam": lambda params: torch.optim.Adam(params, lr=1e-3),
}


def sweep(build, make_optimizer, seed: int, beta: float = 0.98, start_lr: float = 1e-6):
    model = build(seed)
    return lrlessons.lr_find(model, make_optimizer(model.parameters()),
                             nn.functional.cross_entropy, loader(seed), start_lr=start_lr,
                             end_lr=10.0, num_steps=NUM_STEPS, beta=beta)


def band(results, rule: str) -> str:
    values = np.array([r.suggestions[rule] for r in results])
    return (f"{values.min():9.2e} {np.median(values):9.2e} {values.max():9.2e}   "
            f"(x{values.max() / values.min():.1f})")


def accuracy_after_one_cycle(build, make_optimizer, seed: int, max_lr: float) -> float:
    model, data = build(seed), loader(seed + 100)
    opt = make_optimizer(model.parameters())
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=max_lr,
                                                   total_steps=EPOCHS * len(data))
    model.train()
    for _ in range(EPOCHS):
        for xb, yb in data:
            opt.zero_grad()
            nn.functional.cross_entropy(model(xb), yb).backward()
            opt.step()
            schedule.step()
    model.eval()
    x, y = digits()[1]
    with torch.no_grad():
        return float((model(x).argmax(1) == y).float().mean())


def main() -> None:
    torch.set_num_threads(1)
    print(f"1. Bands: the CNN, {NUM_STEPS} steps from 1e-6 to 10, {SEEDS} seeds; per rule the "
          f"lowest / median / highest suggestion (highest / lowest)")
    for name, make in OPTIMIZERS.items():
        for beta in BETAS:
            results = [sweep(cnn, make, seed, beta) for seed in range(SEEDS)]
            stops = [float(r.lrs[-1]) for r in results if r.stopped]
            print(f"{name}, beta {beta:g}: stopped {len(stops)} of {SEEDS}"
                  + (f" at lr {min(stops):.2g}-{max(stops):.2g}" if stops else ""))
            for rule in RULES:
                print(f"  {rule:8s} {band(results, rule)}")
    print("\n2. Start: the same at beta 0.98, the sweep from 1e-4 instead of 1e-6")
    for name, make in OPTIMIZERS.items():
        results = [sweep(cnn, make, seed, start_lr=1e-4) for seed in range(SEEDS)]
        print(name)
        for rule in RULES:
            print(f"  {rule:8s} {band(results, rule)}")
    print(f"\n3. Outcome: held-out accuracy after {EPOCHS} epochs of OneCycleLR at max_lr = the "
          f"suggestion (beta 0.98, from 1e-6), median and lowest of {SEEDS} seeds")
    for model_name, build in MODELS.items():
        for name, make in OPTIMIZERS.items():
            found = [sweep(build, make, seed) for seed in range(SEEDS)]
            line = []
            for rule in RULES:
                acc = [accuracy_after_one_cycle(build, make, seed, r.suggestions[rule])
                       for seed, r in enumerate(found)]
                lrs = [r.suggestions[rule] for r in found]
                line.append(f"{rule} {np.median(acc):.3f} (lowest {min(acc):.3f}; "
                            f"lr {np.median(lrs):.2g})")
            print(f"{model_name}, {name}: " + "; ".join(line))
    # The price of the guarantees: one sweep against the same steps of a bare loop.
    make = OPTIMIZERS["SGD(momentum=0.9)"]
    model = cnn(0)
    data, opt = loader(0), make(model.parameters())
    start = time.perf_counter()
    lrlessons.lr_find(model, opt, nn.functional.cross_entropy, data, start_lr=1e-6,
                      end_lr=1e-3, num_steps=NUM_STEPS)  # small lrs: all NUM_STEPS steps run
    swept = time.perf_counter() - start
    start, done = time.perf_counter(), 0
    while done <= NUM_STEPS:
        for xb, yb in data:
            opt.zero_grad()
            nn.functional.cross_entropy(model(xb), yb).backward()
            opt.step()
            done += 1
            if done > NUM_STEPS:
                break
    plain = time.perf_counter() - start
    print(f"\n4. Cost: one lr_find of {NUM_STEPS} steps: {swept:.2f} s; {NUM_STEPS + 1} plain "
          f"training steps: {plain:.2f} s (x{swept / plain:.2f}); one thread")


if __name__ == "__main__":
    main()
