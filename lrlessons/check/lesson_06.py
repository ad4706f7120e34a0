"""Lesson 06's exercises: predict ReduceLROnPlateau's drops; choose a patience against noise."""

from __future__ import annotations

from .core import Exercise, Result, given, mistake, whole


def _epochs(answer) -> list[int] | None:
    if isinstance(answer, (str, bytes, bool)) or not hasattr(answer, "__iter__"):
        return None
    out = [whole(v) for v in answer]
    return None if None in out else sorted(out)


def _plateau_drops(metrics, base_lr: float, **params) -> list[int]:
    from ..plateau import drops
    from ..torch_bridge import torch_curve

    return drops(torch_curve("ReduceLROnPlateau", len(metrics), base_lr=base_lr,
                             metrics=list(metrics), **params))


PLATEAU_DROPS = Exercise(
    "06.1", "plateau_drops",
    {"en": "`drops_at = [...]`: the epochs at which `ReduceLROnPlateau(factor=0.5, patience=2, "
           "cooldown=2)` drops the lr on an 18-value validation loss printed in the exercise (a "
           "prediction; answer `[9, 14]`)",
     "zh": "`drops_at = [...]`：练习中给出 18 个验证损失值，`ReduceLROnPlateau(factor=0.5, "
           "patience=2, cooldown=2)` 在哪些 epoch 降低学习率（一道预测题；答案 `[9, 14]`）"},
    {"en": "`lrlessons.check.plateau_drops`: torch's own scheduler stepped on the sequence "
           "(`torch_curve`), drops = epochs training lower than the epoch before",
     "zh": "`lrlessons.check.plateau_drops`：在这串指标上运行 torch 自己的调度器"
           "（`torch_curve`），下降 = 比上一个 epoch 学习率更低的 epoch"},
    (mistake("keras", "`[5, 8, 12, 17]`", "`[5, 8, 12, 17]`",
             "You cut after {patience} bad epochs in a row, as Keras counts. PyTorch cuts when "
             "the count EXCEEDS patience: after {patience_1}.",
             "你在连续 {patience} 个不改善的 epoch 后就降了，这是 Keras 的数法。PyTorch 要等计数"
             "超过 patience，即连续 {patience_1} 个之后才降。"),
     mistake("early", "`[8, 13]`", "`[8, 13]`",
             "Each of your epochs is one early: you gave the epoch whose value triggered the cut. "
             "The cut is made after that value, so the next epoch is the first at the lower lr.",
             "你的每个 epoch 都早了一个：你给的是触发下降的那个值所在的 epoch。下降发生在这个值"
             "之后，所以下一个 epoch 才第一次使用较低的学习率。"),
     mistake("late", "`[10, 15]`", "`[10, 15]`",
             "Each of your epochs is one late: the value measured at the end of epoch e already "
             "decides the lr of epoch e + 1.",
             "你的每个 epoch 都晚了一个：第 e 个 epoch 结束时测得的值已经决定了第 e + 1 个 epoch "
             "的学习率。"),
     mistake("cooldown", "`[9, 13]`", "`[9, 13]`",
             "You left out the cooldown: for {cooldown} epochs after a cut the bad-epoch count "
             "stays at 0 (a better value is still recorded as the best).",
             "你漏掉了冷却期：每次下降之后的 {cooldown} 个 epoch 里，不改善的计数保持为 0（但更好"
             "的值仍会被记为最好值）。"),
     mistake("trace", "anything else", "其他答案",
             "Trace it step by step: keep the best value so far and the count of epochs without a "
             "better one (a value equal to the best is not better); cut when the count exceeds "
             "patience, then reset it.",
             "一步一步推：记下迄今最好的值和连续没有更好值的 epoch 数（与最好值相等不算更好）；计数"
             "超过 patience 时下降，然后把计数清零。"),
     mistake("epochs", "not a list of whole numbers", "不是由整数组成的列表",
             "Expected a list of epochs (whole numbers).", "需要一个由 epoch（整数）组成的列表。")),
    example={"patience": 2, "patience_1": 3, "cooldown": 2})


def plateau_drops(answer, metrics, base_lr: float = 0.1, **params) -> Result:
    """Check ``answer``: the epochs (counted from 0) that first train at a lower lr, when torch's
    ``ReduceLROnPlateau(**params)`` is stepped with ``metrics[e]`` at the end of each epoch e
    (``len(metrics)`` epochs). torch's own scheduler gives the answer."""
    ex = PLATEAU_DROPS
    if not given(answer):
        return ex.not_written()
    got = _epochs(answer)
    if got is None:
        return ex.wrong(f"Got {answer!r}.", f"你给出的是 {answer!r}。", "epochs")
    want = _plateau_drops(metrics, base_lr, **params)
    shown = ", ".join(f"{k}={v}" for k, v in params.items())
    if got == want:
        return ex.ok(f"Right: with {shown} the lr drops at epochs {want}, as torch's "
                     f"ReduceLROnPlateau does.",
                     f"正确：{shown} 时学习率在编号为 {want} 的 epoch 下降，与 torch 的 "
                     f"ReduceLROnPlateau 一致。")
    patience, cooldown = params.get("patience", 10), params.get("cooldown", 0)
    keras_like = _plateau_drops(metrics, base_lr, **{**params, "patience": patience - 1,
                                                     "cooldown": max(cooldown - 1, 0)}) \
        if patience > 0 else None
    no_cooldown = _plateau_drops(metrics, base_lr, **{**params, "cooldown": 0}) \
        if cooldown else None
    key = ("keras" if got == keras_like else
           "early" if got == [e - 1 for e in want] else
           "late" if got == [e + 1 for e in want] else
           "cooldown" if got == no_cooldown else "trace")
    # torch's drops are not printed: they are the answer.
    return ex.wrong(f"torch does not drop the lr at epochs {got}.",
                    f"torch 并不是在编号为 {got} 的 epoch 降低学习率。", key,
                    patience=patience, patience_1=patience + 1, cooldown=cooldown)


PLATEAU_PATIENCE = Exercise(
    "06.2", "plateau_patience",
    {"en": "`patience = ...`: a patience with which the lr first drops only after the metric's "
           "plateau begins (epoch 28) and still within the 60 epochs, for `metric_shape(\"descent, "
           "then flat\", seed=14)` (a choice, derived from the longest run of epochs without a "
           "new best in the descent, 4)",
     "zh": "`patience = ...`：对 `metric_shape(\"descent, then flat\", seed=14)` 选一个耐心值，使"
           "学习率第一次下降发生在平台期开始（编号为 28 的 epoch）之后，并且仍在 60 个 epoch 之内（一道"
           "选择题，由下降阶段最长连续没有新最好值的 epoch 数 4 推出）"},
    {"en": "`lrlessons.check.plateau_patience`: torch's scheduler on the sequence; 4 to 10 pass",
     "zh": "`lrlessons.check.plateau_patience`：在这串指标上运行 torch 的调度器；4 到 10 都通过"},
    (mistake("noise", "3 or less", "3 或更小",
             "Count the longest run of epochs without a new best before epoch {plateau_start}: "
             "patience must be at least that long.",
             "数一数编号为 {plateau_start} 的 epoch 之前最长有多少个 epoch 连续没有出现新的最好值："
             "patience 至少要这么大。"),
     mistake("never", "11 or more", "11 或更大",
             "On the plateau a new best still turns up now and then, and {run} bad epochs in a "
             "row never come. Choose a smaller patience.",
             "平台期上仍会偶尔出现新的最好值，连续 {run} 个不改善的 epoch 始终没有出现。请选小一些"
             "的 patience。"),
     mistake("whole", "not a whole number, or negative", "不是整数，或为负数",
             "patience must be a whole number of epochs, 0 or more.",
             "patience 必须是不小于 0 的整数个 epoch。")),
    example={"plateau_start": 28, "run": 12})


def plateau_patience(patience, metrics, plateau_start: int, base_lr: float = 0.1,
                     **params) -> Result:
    """Check a choice of ``patience`` for torch's ReduceLROnPlateau stepped with ``metrics``:
    the first drop must come after the metric's real plateau begins (epoch ``plateau_start``),
    and within the run."""
    ex = PLATEAU_PATIENCE
    if not given(patience):
        return ex.not_written()
    p = whole(patience)
    if p is None or p < 0:
        return ex.wrong(f"Got {patience!r}.", f"你给出的是 {patience!r}。", "whole")
    found = _plateau_drops(metrics, base_lr, patience=p, **params)
    n = len(metrics)
    if found and found[0] > plateau_start:
        return ex.ok(f"Right: with patience={p} the first drop comes at epoch {found[0]}, "
                     f"after the plateau begins at epoch {plateau_start}; during the descent the "
                     f"noise never gives {p + 1} bad epochs in a row.",
                     f"正确：patience={p} 时第一次下降在编号为 {found[0]} 的 epoch，在编号为 "
                     f"{plateau_start} 的 epoch 开始的平台期之后；下降阶段的噪声从没有连续造成 "
                     f"{p + 1} 个不改善的 epoch。")
    if found:
        return ex.wrong(f"With patience={p} the lr first drops at epoch {found[0]}, while the "
                        f"metric is still falling: noise alone gave {p + 1} bad epochs in a row.",
                        f"patience={p} 时学习率第一次下降在编号为 {found[0]} 的 epoch，那时指标还在"
                        f"下降：仅凭噪声就出现了连续 {p + 1} 个不改善的 epoch。", "noise",
                        plateau_start=plateau_start)
    return ex.wrong(f"With patience={p} the lr never drops in {n} epochs.",
                    f"patience={p} 时，{n} 个 epoch 里学习率一次也没有下降。", "never", run=p + 1)


EXERCISES = (PLATEAU_DROPS, PLATEAU_PATIENCE)
