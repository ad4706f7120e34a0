"""The playground's task trained by Keras 3 itself: the same spiral, the same MLP shape, Keras'
own ``model.fit``, so a Keras callback of yours can be tried on real training (lesson 07).

Not a second training loop: Keras runs its loop; this module only builds the model, hands the
data to ``fit`` and reads what happened into the playground's ``Run`` (loss, validation loss and
accuracy per epoch; the lr of every optimizer step, read from ``optimizer.learning_rate`` before
each batch), so ``plot_run`` draws it like any other run. Keras computes in float32 and its runs,
like torch's, differ from seed to seed: train over seeds (``seed=range(5)``) and claim only what
holds for all of them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import numpy as np

from .catalogue import check_base_lr
from .params import Param, fail
from .playground import CLASSES, HIDDEN, MOMENTUM, Run, Runs, _tensors

EPOCHS = 20
BATCH_SIZE = 200  # Keras' fit costs a few ms per step on a small CPU: fewer, larger batches

_EPOCHS = Param("epochs", EPOCHS, "int", "epochs of the run", "训练的 epoch 数", 1, 1000)
_BATCH = Param("batch_size", BATCH_SIZE, "int", "points per batch", "每个 batch 的样本数", 1, None)
_MOMENTUM = Param("momentum", MOMENTUM, "float", "momentum", "动量", 0.0, 1.0, high_open=True)


def keras_model(seed: int = 0, hidden: int = HIDDEN):
    """The playground's 2-hidden-64-hidden-3 MLP in Keras, initialised from ``seed`` (which also
    seeds Keras' shuffling: ``keras.utils.set_random_seed``)."""
    from .keras_bridge import _keras

    keras = _keras()
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(hidden, activation="relu"),
                             keras.layers.Dense(hidden, activation="relu"),
                             keras.layers.Dense(CLASSES)])


def _recorder(keras, lrs: list, held_out: list, x_te, y_te):
    """Records the lr before every batch, and after each epoch the validation loss and accuracy
    from one forward pass (cheaper than fit's validation_data, which runs Keras' evaluate)."""

    class Record(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            lrs.append(float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate)))

        def on_epoch_end(self, epoch, logs=None):
            logits = np.asarray(keras.ops.convert_to_numpy(self.model(x_te, training=False)),
                                dtype=np.float64)
            shifted = logits - logits.max(axis=1, keepdims=True)
            log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            held_out.append((float(-log_p[np.arange(len(y_te)), y_te].mean()),
                             float(np.mean(logits.argmax(axis=1) == y_te))))

    return Record()


def keras_train(callbacks: Callable | None = None, epochs: int = EPOCHS, base_lr: float = 0.5,
                batch_size: int = BATCH_SIZE, momentum: float = MOMENTUM, seed=0) -> Run | Runs:
    """Train the playground's MLP on the spiral with Keras' ``model.fit`` and SGD(``base_lr``,
    ``momentum``). ``callbacks`` is a function returning a fresh list of Keras callbacks for each
    run (a callback keeps its own history, so seeds must not share one): ``lambda:
    [MyCallback()]``. A sequence of seeds returns ``Runs`` (median and range over seeds)."""
    if isinstance(seed, Iterable):
        seeds = [Param("seed", 0, "int", "", "", 0, None).check(s) for s in seed]
        if not seeds:
            raise fail("seed must be a number or a non-empty list of numbers",
                       "seed 必须是一个数或一个非空的数列")
        return Runs([keras_train(callbacks, epochs, base_lr, batch_size, momentum, s)
                     for s in seeds])
    if callbacks is not None and not callable(callbacks):
        raise fail("callbacks must be a function returning a list of Keras callbacks, e.g. "
                   "lambda: [MyCallback()]",
                   "callbacks 必须是一个返回 Keras 回调列表的函数，例如 lambda: [MyCallback()]",
                   TypeError)
    epochs, batch_size = _EPOCHS.check(epochs), _BATCH.check(batch_size)
    momentum, base_lr = _MOMENTUM.check(momentum), check_base_lr(base_lr)
    import torch

    from .keras_bridge import _keras

    keras = _keras()
    x_tr, y_tr, x_te, y_te = (t.numpy() for t in _tensors())
    own = list(callbacks()) if callbacks is not None else []
    lrs: list[float] = []
    held_out: list[tuple[float, float]] = []
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the torch playground: one thread is faster at this size
    try:
        model = keras_model(seed)
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=base_lr, momentum=momentum),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        start = time.perf_counter()
        history = model.fit(x_tr, y_tr, batch_size=batch_size, epochs=epochs, verbose=0,
                            callbacks=[_recorder(keras, lrs, held_out, x_te, y_te),
                                       *own]).history
        seconds = time.perf_counter() - start
    finally:
        torch.set_num_threads(threads)
    loss = np.asarray(history["loss"], dtype=np.float64)
    return Run(schedule=None, params={}, base_lr=base_lr, epochs=epochs, step_per="epoch",
               seed=seed, batches_per_epoch=-(-len(x_tr) // batch_size), loss=loss,
               val_loss=np.array([v for v, _ in held_out]),
               accuracy=np.array([a for _, a in held_out]),
               lrs=np.asarray(lrs, dtype=np.float64), momenta=np.full(len(lrs), momentum),
               diverged=not np.all(np.isfinite(loss)), seconds=seconds,
               rule=type(own[0]).__name__ if own else None)


__all__ = ["keras_model", "keras_train"]
