"""The small transformer language model (lrlessons.transformer), its runs command
(lrlessons.transformer_runs) and the same task through Hugging Face's Trainer
(lrlessons.hf_trainer). Tiny sizes and few steps: the full runs are a committed command's job."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from lrlessons import transformer as T
from lrlessons import transformer_runs as R
from tests.assertions import assert_bilingual

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing may be downloaded
ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "lrlessons" / "data" / "transformer_tiny"


# --- the data ---------------------------------------------------------------------------------


def test_corpus_files_have_the_recorded_hashes():
    for split, digest in T.CORPUS_SHA256.items():
        data = (T.CORPUS_DIR / f"{split}.txt").read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest
        assert T.corpus(split).encode("ascii") == data
        assert torch.equal(T.tokens(split), torch.tensor(list(data)))
    assert (T.CORPUS_DIR / "LICENSE-PSF.txt").read_text().count("PYTHON SOFTWARE FOUNDATION")


def test_a_changed_corpus_is_refused(tmp_path, monkeypatch):
    for split in T.SPLITS:
        (tmp_path / f"{split}.txt").write_bytes((T.CORPUS_DIR / f"{split}.txt").read_bytes())
    with open(tmp_path / "val.txt", "ab") as f:
        f.write(b"# one more line\n")
    monkeypatch.setattr(T, "CORPUS_DIR", tmp_path)
    T._read.cache_clear()
    try:
        T.corpus("train")  # untouched: still fine
        with pytest.raises(ValueError) as e:
            T.corpus("val")
        assert_bilingual(e, "sha256", T.CORPUS_SHA256["val"])
    finally:
        T._read.cache_clear()


def test_training_and_validation_text_come_from_different_files():
    train, val = T.sources("train"), T.sources("val")
    assert len(train) >= 10 and len(val) >= 3
    assert not set(train) & set(val)
    # each split is exactly its files' text, and holds a few hundred KB / tens of KB
    assert 250_000 < len(T.tokens("train")) < 500_000 and 30_000 < len(T.tokens("val"))


def test_batches_come_from_the_training_text_and_follow_the_seed():
    train = T.corpus("train").encode()
    windows = T.batch(torch.Generator().manual_seed(3), batch_size=8, context=16)
    assert windows.shape == (8, 17)
    assert all(bytes(w.tolist()) in train for w in windows)
    again = T.batch(torch.Generator().manual_seed(3), batch_size=8, context=16)
    other = T.batch(torch.Generator().manual_seed(4), batch_size=8, context=16)
    assert torch.equal(windows, again) and not torch.equal(windows, other)
    val = T.val_windows(context=16, count=5)
    assert all(bytes(w.tolist()) in T.corpus("val").encode() for w in val)


def test_bad_split_is_refused():
    with pytest.raises(ValueError) as e:
        T.corpus("test")
    assert_bilingual(e, "split", "'test'", "'train'", "'val'")


# --- the model --------------------------------------------------------------------------------


def expected_parameters(width, layers, context, layout):
    """Counted from the architecture: embeddings, per layer attention (q, k, v and output
    projections with biases), the feed-forward block (4x width) and two LayerNorms, the head."""
    per_layer = (3 * width * width + 3 * width) + (width * width + width) \
        + (width * 4 * width + 4 * width) + (4 * width * width + width) + 2 * 2 * width
    final_norm = 2 * width if layout == "pre" else 0
    return 256 * width + context * width + layers * per_layer + final_norm + width * 256 + 256


@pytest.mark.parametrize("layout", T.LAYOUTS)
def test_model_shape_and_size(layout):
    model = T.make_lm(0, width=32, layers=2, heads=4, context=16, layout=layout)
    x = torch.randint(0, 256, (3, 16))
    assert model(x).shape == (3, 16, 256)
    assert model(x[:, :5]).shape == (3, 5, 256)  # shorter inputs are fine
    assert sum(p.numel() for p in model.parameters()) == expected_parameters(32, 2, 16, layout)
    # the course's size: about 0.24 M parameters
    assert sum(p.numel() for p in T.make_lm(0).parameters()) == expected_parameters(64, 4, 64,
                                                                                    "post")


@pytest.mark.parametrize("layout", T.LAYOUTS)
@pytest.mark.parametrize("mode", ["train", "eval"])
def test_future_tokens_do_not_change_earlier_logits(layout, mode):
    model = T.make_lm(1, width=32, layers=2, context=24, layout=layout)
    getattr(model, mode)()
    x = torch.randint(0, 256, (2, 24), generator=torch.Generator().manual_seed(0))
    y = x.clone()
    y[:, 10:] = (y[:, 10:] + 1) % 256  # change every token from position 10 on
    with torch.no_grad():
        a, b = model(x), model(y)
    assert torch.allclose(a[:, :10], b[:, :10], atol=1e-6)
    assert (a[:, 10] - b[:, 10]).abs().max() > 1e-3  # position 10 sees its own token


def test_layouts_put_layer_norm_where_they_say():
    """Post-LN ends each layer with a LayerNorm (weight 1, bias 0 at initialisation): every
    token's output has mean 0 and variance 1. Pre-LN's residual stream is not normalised."""
    x = torch.randint(0, 256, (2, 16), generator=torch.Generator().manual_seed(0))
    for layout in T.LAYOUTS:
        model = T.make_lm(0, width=32, layers=2, context=16, layout=layout).eval()
        with torch.no_grad():
            h = model.embed(x) + model.position(torch.arange(16))
            h = model.blocks.layers[0](h, src_mask=model.mask, is_causal=True)
        normalised = torch.allclose(h.mean(-1), torch.zeros(2, 16), atol=1e-5) and \
            torch.allclose(h.var(-1, unbiased=False), torch.ones(2, 16), atol=1e-3)
        assert normalised == (layout == "post"), layout


def test_bad_model_settings_are_refused():
    with pytest.raises(ValueError) as e:
        T.make_lm(layout="middle")
    assert_bilingual(e, "layout", "'middle'", "'post'", "'pre'")
    with pytest.raises(ValueError) as e:
        T.make_lm(width=30, heads=4)
    assert_bilingual(e, "width=30", "heads=4")
    with pytest.raises(ValueError) as e:
        T.make_lm(context=8)(torch.zeros(1, 9, dtype=torch.long))
    assert_bilingual(e, "9", "8")
    with pytest.raises(ValueError) as e:
        T.train_lm(steps=0)
    assert_bilingual(e, "steps", "[1, 1000000]", "0")


# --- a run ------------------------------------------------------------------------------------

SMALL = dict(width=32, layers=2, context=16, batch_size=8, eval_every=4)


def test_a_run_is_a_function_of_its_seed():
    a = T.train_lm("WarmupCosine", steps=10, base_lr=3e-3, seed=5, num_warmup_steps=3, **SMALL)
    b = T.train_lm("WarmupCosine", steps=10, base_lr=3e-3, seed=5, num_warmup_steps=3, **SMALL)
    c = T.train_lm("WarmupCosine", steps=10, base_lr=3e-3, seed=6, num_warmup_steps=3, **SMALL)
    assert np.array_equal(a.losses, b.losses) and np.array_equal(a.val_losses, b.val_losses)
    assert not np.array_equal(a.losses, c.losses)
    assert list(a.val_steps) == [0, 4, 8, 10] and len(a.losses) == len(a.lrs) == 10
    assert torch.get_num_threads() >= 1  # the caller's thread setting was given back


def test_the_lr_of_each_step_is_transformers_schedule(transformers):
    """The lr read from param_groups is what transformers' own cosine schedule gives."""
    run = T.train_lm("WarmupCosine", steps=12, base_lr=2e-3, num_warmup_steps=4,
                     num_training_steps=12, **SMALL)
    opt = torch.optim.AdamW([torch.zeros(1, requires_grad=True)], lr=2e-3)
    sched = transformers.get_cosine_schedule_with_warmup(opt, 4, 12)
    expected = []
    for _ in range(12):
        expected.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    assert np.allclose(run.lrs, expected, rtol=1e-12, atol=0)
    assert np.array_equal(run.lrs, run.scheduled())


def test_a_blown_up_run_stops_and_says_so():
    run = T.train_lm(None, steps=30, base_lr=1e3, **SMALL)
    assert run.diverged and len(run.losses) < 30
    assert np.isnan(run.final_val_loss)
    calm = T.train_lm(None, steps=8, base_lr=1e-3, **SMALL)
    assert not calm.diverged and calm.final_val_loss < T.UNIFORM_LOSS + 0.5


def test_a_metric_schedule_is_refused():
    with pytest.raises(ValueError) as e:
        T.train_lm("ReduceLROnPlateau", steps=5)
    assert_bilingual(e, "ReduceLROnPlateau")


# --- the runs command -------------------------------------------------------------------------


def test_every_configuration_is_a_catalogue_schedule():
    import lrlessons

    for preset in R.PRESETS:
        for name, (schedule, params) in R.configs(preset).items():
            if schedule is not None:
                steps = R.PRESETS[preset]["steps"]
                lr = lrlessons.curve(schedule, steps, base_lr=R.PRESETS[preset]["base_lr"],
                                     **params)
                assert lr.max() == pytest.approx(R.PRESETS[preset]["base_lr"]), name
                assert lr[0] == 0.0, name  # every warm-up starts from 0


def test_the_committed_tiny_runs_reproduce():
    result = R.check(TINY, steps=R.CHECK_STEPS)
    assert result["ok"], result
    assert result["steps"] == R.CHECK_STEPS and result["lr_diff"] == 0.0


def test_check_fails_when_the_data_drifted(tmp_path):
    for f in TINY.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    name = R.CHECK_CONFIG
    doc = json.loads((tmp_path / f"{name}.json").read_text())
    doc["seeds"]["0"]["losses"][5] += 0.01
    (tmp_path / f"{name}.json").write_text(json.dumps(doc))
    result = R.check(tmp_path, steps=10)
    assert not result["ok"] and result["loss_diff"] == pytest.approx(0.01, abs=1e-3)
    assert result["per_step"][4] < 1e-3  # the steps before the change still agree


def test_committed_tiny_runs_say_how_they_were_made():
    meta = json.loads((TINY / "meta.json").read_text())
    assert meta["command"].startswith("python -m lrlessons.transformer_runs")
    assert meta["versions"]["torch"].startswith("2.13.0") and meta["seconds"] > 0
    assert meta["corpus_sha256"] == T.CORPUS_SHA256
    for name in meta["configs"]:
        doc = json.loads((TINY / f"{name}.json").read_text())
        assert len(doc["lrs"]) == doc["settings"]["steps"]
        for record in doc["seeds"].values():
            assert len(record["losses"]) == len(doc["lrs"])
            assert record["val_steps"][0] == 0 and record["val_steps"][-1] == len(doc["lrs"])


def test_write_then_check_round_trip(tmp_path, monkeypatch):
    monkeypatch.setitem(R.PRESETS, "tiny", dict(R.PRESETS["tiny"], steps=6, warmup=2, decay=2,
                                                 eval_every=3))
    R.write(tmp_path, "tiny", seeds=(0, 1), workers=1, only=["wsd"], argv=["--out", "x"])
    doc = json.loads((tmp_path / "wsd.json").read_text())
    assert set(doc["seeds"]) == {"0", "1"} and len(doc["lrs"]) == 6
    assert R.check(tmp_path, steps=6)["ok"]


def kernel_sets():
    from tests.claims import supported_kernel_sets

    return supported_kernel_sets()


@pytest.mark.slow  # ~7 s per kernel set: `make check` runs one kernel set
@pytest.mark.parametrize("kernel_set", kernel_sets())
def test_check_holds_on_every_kernel_set(kernel_set):
    """The committed data's first steps reproduce under each CPU kernel set torch can use here,
    with MKL's reproducible mode: the command CI runs."""
    env = dict(os.environ, ATEN_CPU_CAPABILITY=kernel_set, MKL_CBWR="COMPATIBLE",
               OMP_NUM_THREADS="1")
    done = subprocess.run([sys.executable, "-m", "lrlessons.transformer_runs", "--check",
                           str(TINY), "--json"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["ok"] and result["kernel_set"].lower() == kernel_set


# --- Hugging Face Trainer ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def hf():
    pytest.importorskip("transformers")
    pytest.importorskip("accelerate")
    from lrlessons import hf_trainer

    return hf_trainer


def trainer_args(tmp_path, **kw):
    from transformers import TrainingArguments

    base = dict(output_dir=str(tmp_path), per_device_train_batch_size=8, learning_rate=3e-3,
                report_to="none", save_strategy="no", logging_strategy="no", disable_tqdm=True,
                use_cpu=True, seed=0)
    return TrainingArguments(**{**base, **kw})


@pytest.mark.parametrize("kw", [
    # 13 batches, 3 per optimizer step: 5 steps an epoch (the last takes one batch); 10 steps;
    # a warm-up of 15 % of 10 rounds up to 2 steps
    dict(lr_scheduler_type="cosine", gradient_accumulation_steps=3, num_train_epochs=2,
         warmup_steps=0.15),
    # max_steps wins over epochs; an int warm-up is taken as it is
    dict(lr_scheduler_type="linear", max_steps=7, num_train_epochs=50, warmup_steps=3),
    # half an epoch of 7 optimizer steps is 4 steps; 30 % of 4 is 1.2, so 2 steps
    dict(lr_scheduler_type="inverse_sqrt", gradient_accumulation_steps=2, num_train_epochs=0.5,
         warmup_steps=0.3),
    # WSD: the stable phase is what warm-up and decay leave of max_steps
    dict(lr_scheduler_type="warmup_stable_decay", max_steps=12, warmup_steps=0.25,
         lr_scheduler_kwargs={"num_decay_steps": 3}),
], ids=["cosine-accumulation-ratio", "linear-max-steps", "inverse-sqrt-half-epoch", "wsd"])
def test_trainer_lr_is_the_catalogue_curve(hf, tmp_path, kw):
    args = trainer_args(tmp_path, **kw)
    trainer, recorder = hf.lm_trainer(args, windows=100, width=32, layers=2)
    trainer.train()
    batches = len(trainer.get_train_dataloader())
    counts = hf.trainer_steps(args, batches)
    assert batches == 13 and trainer.state.global_step == counts["max_steps"]
    assert recorder.steps == list(range(counts["max_steps"]))
    assert np.allclose(recorder.lrs, hf.trainer_curve(args, batches), rtol=1e-12, atol=1e-15)


def test_trainer_step_counts(hf, tmp_path):
    counts = hf.trainer_steps(trainer_args(tmp_path, gradient_accumulation_steps=3,
                                           num_train_epochs=2, warmup_steps=0.15), 13)
    assert counts == {"per_epoch": 5, "max_steps": 10, "warmup_steps": 2}
    counts = hf.trainer_steps(trainer_args(tmp_path, max_steps=7, warmup_steps=3), 13)
    assert counts == {"per_epoch": 13, "max_steps": 7, "warmup_steps": 3}


def test_resuming_from_a_checkpoint_continues_the_schedule(hf, tmp_path):
    kw = dict(max_steps=12, warmup_steps=4, lr_scheduler_type="warmup_stable_decay",
              lr_scheduler_kwargs={"num_decay_steps": 4}, save_strategy="steps", save_steps=5)
    args = trainer_args(tmp_path, **kw)
    trainer, whole = hf.lm_trainer(args, windows=64, width=32, layers=2)
    trainer.train()
    # a new Trainer (another initialisation, overwritten by the checkpoint) picks up at step 5
    again, resumed = hf.lm_trainer(args, windows=64, seed=1, width=32, layers=2)
    again.train(resume_from_checkpoint=str(tmp_path / "checkpoint-5"))
    assert resumed.steps == list(range(5, 12))
    assert resumed.lrs == whole.lrs[5:]
    assert np.allclose(whole.lrs, hf.trainer_curve(args, len(trainer.get_train_dataloader())),
                       rtol=1e-12, atol=1e-15)


def test_unknown_scheduler_type_is_refused(hf, tmp_path):
    with pytest.raises(ValueError) as e:
        hf.trainer_schedule(trainer_args(tmp_path, lr_scheduler_type="cosine_with_restarts"), 10)
    assert_bilingual(e, "lr_scheduler_type", "cosine_with_restarts", "warmup_stable_decay")


def test_trainer_schedules_are_catalogue_entries_with_a_transformers_line(hf):
    import lrlessons

    for kind, name in hf.SCHEDULER_TYPES.items():
        assert lrlessons.get(name).owner == "transformers", kind
        assert lrlessons.code(name, "transformers").startswith("transformers.get_"), kind


def test_trainer_windows_are_the_training_text(hf):
    data = hf.Windows(count=4, context=16)
    train = T.corpus("train").encode()
    assert len(data) == 4
    for i in range(4):
        item = data[i]
        assert torch.equal(item["input_ids"][1:], item["labels"][:-1])  # labels: the next bytes
        assert bytes(item["input_ids"].tolist()) == train[16 * i:16 * i + 16]
    with pytest.raises(ValueError) as e:
        hf.Windows(count=0)
    assert_bilingual(e, "count", "0")
