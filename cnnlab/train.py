r"""Training loop: :func:`fit`, :func:`evaluate`, :func:`predict` (Chapter 5).

One training step on a mini-batch (Lecture §3): forward pass, loss,
``backward`` from ``∂E/∂scores`` through every layer (each layer stores its
``grads``), then the optimiser updates the parameters in place.

Determinism: the order of the mini-batches comes from
``numpy.random.default_rng(seed)``; initial weights and dropout masks are
seeded where the model is built. The same seed on the same machine (and BLAS
thread count) gives the same History.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from .layers.losses import SoftmaxCrossEntropy, check_labels
from .optim import Adam

__all__ = ["fit", "evaluate", "predict", "predict_proba", "History", "Evaluation", "random_shift"]


@dataclass
class History:
    """Per-epoch record of a :func:`fit` run (lists indexed by epoch)."""

    loss: list = field(default_factory=list)          # mean training loss over the epoch's mini-batches
    accuracy: list = field(default_factory=list)      # training accuracy over the epoch (running, as trained)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)  # empty when no validation set was given
    time: list = field(default_factory=list)          # seconds of training per epoch (validation excluded)
    lr: list = field(default_factory=list)

    @property
    def epochs(self) -> int:
        return len(self.loss)

    @property
    def total_time(self) -> float:
        return float(sum(self.time))

    def as_dict(self) -> dict:
        return {k: list(getattr(self, k)) for k in ("loss", "accuracy", "val_loss", "val_accuracy", "time", "lr")}

    def __repr__(self):
        if not self.loss:
            return "History(no epochs)"
        lines = [f"History({self.epochs} epochs, {self.total_time:.1f} s)",
                 " epoch     loss   train acc" + ("   val acc" if self.val_accuracy else "") + "   time"]
        for e in range(self.epochs):
            val = f"   {self.val_accuracy[e]:7.2%}" if self.val_accuracy else ""
            lines.append(f" {e + 1:5d}  {self.loss[e]:7.4f}   {self.accuracy[e]:9.2%}{val}  {self.time[e]:5.1f}s")
        return "\n".join(lines)


class Evaluation(NamedTuple):
    loss: float
    accuracy: float


def _loss_of(model, loss):
    return loss if loss is not None else (getattr(model, "loss", None) or SoftmaxCrossEntropy())


def _prepare(model, x, y, name_x="x", name_y="y", dtype=None):
    if not isinstance(x, np.ndarray):
        x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"{name_x} must be a float array; got dtype {x.dtype} "
                        f"(convert uint8 digits with cnnlab.models.prepare_digits)")
    if dtype is not None:
        x = x.astype(dtype, copy=False)
    if hasattr(model, "check_input"):
        try:
            model.check_input(x[:1])
        except ValueError as e:
            raise ValueError(str(e).replace("x must", f"{name_x} must", 1)) from None
    if y is not None:
        num_classes = getattr(model, "num_classes", None) or int(np.max(y)) + 1
        y = check_labels(y, len(x), num_classes, name_y)
    return x, y


def _progress(total, enabled, desc):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="batch", leave=True)


def random_shift(max_shift: int = 2):
    """Data augmentation for :func:`fit`: move every image by a random whole number of pixels,
    ``−max_shift … +max_shift`` vertically and horizontally (edges repeat the border value, which for
    LeNet-5's padded digits is the background). Returns ``augment(xb, rng) -> xb``."""
    s = int(max_shift)

    def augment(xb, rng):
        B, H, W = xb.shape[0], xb.shape[-2], xb.shape[-1]
        pad = [(0, 0)] * (xb.ndim - 2) + [(s, s), (s, s)]
        big = np.pad(xb, pad, mode="edge")
        dy, dx = rng.integers(0, 2 * s + 1, size=(2, B))
        return np.stack([big[b, ..., dy[b]:dy[b] + H, dx[b]:dx[b] + W] for b in range(B)])

    augment.__name__ = f"random_shift({s})"
    return augment


def _blas_limits(threads):
    """A context that caps BLAS threads (threadpoolctl), or does nothing."""
    if threads is None:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional: cnnlab itself needs only NumPy
        return contextlib.nullcontext()
    return threadpool_limits(limits=int(threads), user_api="blas")


def fit(model, x, y, epochs=10, batch_size=64, optimizer=None, seed=0, x_val=None, y_val=None, progress=True,
        loss=None, dtype=np.float32, lr_schedule=None, augment=None, blas_threads=1) -> History:
    """Train ``model`` on ``(x, y)`` with mini-batch gradient descent.

    Parameters
    ----------
    model : Sequential
        E.g. :func:`cnnlab.models.lenet5`. Its ``loss`` is used unless ``loss`` is given.
    x : float array (n, D, H, W)
        Inputs (for LeNet-5: :func:`cnnlab.models.prepare_digits` of the images).
    y : int array (n,)
        Labels in ``[0, model.num_classes)``.
    epochs, batch_size : int
    optimizer : Optimizer, default ``Adam(lr=1e-3)``
        (Adam works for both LeNet-5 variants; plain SGD with momentum needs a
        smaller rate for the published one, whose RBF distances are large.)
    seed : int
        Seeds the shuffling of every epoch.
    x_val, y_val : optional
        Evaluated after each epoch (``History.val_accuracy``, ``val_loss``).
    progress : bool
        Show a tqdm progress bar (a widget in Jupyter, text elsewhere); ``False`` for tests.
    loss : loss object, optional
    dtype : default float32
        The model and inputs are cast to it (gradient checks use float64).
    lr_schedule : callable ``epoch -> lr``, optional
        Sets ``optimizer.lr`` at the start of each epoch (epochs counted from 0).
    augment : callable ``(xb, rng) -> xb``, optional
        Applied to every training mini-batch, e.g. :func:`random_shift` (seeded by ``seed``).
    blas_threads : int or None, default 1
        BLAS threads while training (through threadpoolctl, when installed). LeNet-sized
        matrix products are too small to gain from threads: on a shared 2-core machine
        (Binder, CI) two OpenBLAS threads made an epoch 3-5x slower than one. ``None``
        leaves the BLAS setting alone.

    Returns
    -------
    History
    """
    epochs, batch_size = int(epochs), int(batch_size)
    if epochs < 1 or batch_size < 1:
        raise ValueError(f"epochs and batch_size must be >= 1; got epochs={epochs}, batch_size={batch_size}")
    if dtype is not None and hasattr(model, "to"):
        model.to(dtype)
    x, y = _prepare(model, x, y, dtype=dtype)
    if (x_val is None) != (y_val is None):
        raise ValueError("give both x_val and y_val, or neither")
    if x_val is not None:
        x_val, y_val = _prepare(model, x_val, y_val, "x_val", "y_val", dtype=dtype)
    crit = _loss_of(model, loss)
    opt = optimizer if optimizer is not None else Adam(lr=1e-3)
    rng = np.random.default_rng(seed)
    n = len(x)
    steps = -(-n // batch_size)
    hist = History()
    bar = _progress(epochs * steps, progress, f"training {getattr(model, 'name', '') or 'model'}")
    with _blas_limits(blas_threads):
        try:
            for epoch in range(epochs):
                if lr_schedule is not None:
                    opt.lr = float(lr_schedule(epoch))
                t0 = time.perf_counter()
                order = rng.permutation(n)
                total_loss = 0.0
                correct = 0
                for k in range(steps):
                    idx = order[k * batch_size:(k + 1) * batch_size]
                    xb, yb = x[idx], y[idx]
                    if augment is not None:
                        xb = augment(xb, rng)
                    scores = model.forward(xb, train=True)
                    total_loss += crit.forward(scores, yb) * len(idx)
                    correct += int((crit.predict(scores) == yb).sum())
                    model.backward(crit.backward())
                    opt.step(model)
                    if bar is not None:
                        bar.update(1)
                hist.time.append(time.perf_counter() - t0)
                hist.loss.append(total_loss / n)
                hist.accuracy.append(correct / n)
                hist.lr.append(opt.lr)
                post = {"epoch": epoch + 1, "loss": f"{hist.loss[-1]:.4f}", "acc": f"{hist.accuracy[-1]:.2%}"}
                if x_val is not None:
                    ev = evaluate(model, x_val, y_val, loss=crit, dtype=None)
                    hist.val_loss.append(ev.loss)
                    hist.val_accuracy.append(ev.accuracy)
                    post["val_acc"] = f"{ev.accuracy:.2%}"
                if bar is not None:
                    bar.set_postfix(post)
        finally:
            if bar is not None:
                bar.close()
    return hist


def _scores(model, x, batch_size):
    outs = [model.forward(x[i:i + batch_size], train=False) for i in range(0, len(x), batch_size)]
    return np.concatenate(outs) if outs else np.zeros((0, getattr(model, "num_classes", 0) or 0))


def evaluate(model, x, y, batch_size=500, loss=None, dtype=np.float32) -> Evaluation:
    """Mean loss and accuracy of ``model`` on ``(x, y)`` in test mode (no dropout, BatchNorm running stats)."""
    x, y = _prepare(model, x, y, dtype=dtype)
    crit = _loss_of(model, loss)
    scores = _scores(model, x, batch_size)
    return Evaluation(crit.forward(scores, y), float((crit.predict(scores) == y).mean()))


def predict(model, x, batch_size=500, loss=None, dtype=np.float32) -> np.ndarray:
    """Predicted class of every input (argmax of logits, or nearest RBF prototype), int64 (n,)."""
    x, _ = _prepare(model, x, None, dtype=dtype)
    return _loss_of(model, loss).predict(_scores(model, x, batch_size)).astype(np.int64)


def predict_proba(model, x, batch_size=500, loss=None, dtype=np.float32) -> np.ndarray:
    """Class probabilities (n, classes): softmax of the logits (or of −distances for RBF outputs)."""
    x, _ = _prepare(model, x, None, dtype=dtype)
    return _loss_of(model, loss).probabilities(_scores(model, x, batch_size))
