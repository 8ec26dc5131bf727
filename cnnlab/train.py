r"""Training loop: :func:`train_step`, :func:`train_epoch`, :func:`fit`, :func:`evaluate` (Chapter 5).

One training step on a mini-batch (Lecture §3, :func:`train_step`): forward
pass, loss, ``backward`` from ``∂E/∂scores`` through every layer (each layer
stores its ``grads``), then the optimiser updates the parameters in place. An
epoch (:func:`train_epoch`) is one step per mini-batch of a shuffled order;
:func:`fit` runs epochs and records a :class:`History`.

Training never goes silently wrong: a batch with NaN or infinite inputs, or a
loss or gradient that becomes non-finite (too high a learning rate, float16),
stops it with :class:`NonFiniteError` naming the epoch, the batch and the likely
cause, before the parameters are updated. Ctrl-C in :func:`fit` keeps the
History of the finished epochs.

Determinism: the order of the mini-batches comes from
``numpy.random.default_rng(seed)``; initial weights and dropout masks are
seeded where the model is built. The same seed on the same machine (and BLAS
thread count) gives the same History.
"""

from __future__ import annotations

import contextlib
import sys
import time
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from ._checks import check_int
from .layers.losses import SoftmaxCrossEntropy, check_labels
from .optim import Adam

__all__ = ["fit", "train_epoch", "train_step", "evaluate", "predict", "predict_proba", "History", "Evaluation",
           "NonFiniteError", "random_shift"]


class NonFiniteError(FloatingPointError):
    """Training met a NaN or an infinity (in the data, the loss or a gradient).

    ``history``: the :class:`History` of the epochs finished before (set by :func:`fit`)."""

    history = None


@dataclass
class History:
    """Per-epoch record of a :func:`fit` run (lists indexed by epoch)."""

    loss: list = field(default_factory=list)          # mean training loss over the epoch's mini-batches
    accuracy: list = field(default_factory=list)      # training accuracy over the epoch (running, as trained)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)  # empty when no validation set was given
    time: list = field(default_factory=list)          # seconds of training per epoch (validation excluded)
    lr: list = field(default_factory=list)
    interrupted: bool = False                         # True when Ctrl-C stopped fit early

    @property
    def epochs(self) -> int:
        return len(self.loss)

    @property
    def total_time(self) -> float:
        return float(sum(self.time))

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
    if x.ndim == 0 or len(x) == 0:
        raise ValueError(f"{name_x} is empty (shape {x.shape}): give at least one sample")
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
    from tqdm.auto import tqdm  # only when a bar is asked for (tqdm.auto looks for Jupyter's widgets)

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


def _check_finite(values, what: str, cause: str) -> None:
    if not np.isfinite(values).all():
        raise NonFiniteError(f"{what} is not finite; likely cause: {cause}")


def train_step(model, xb, yb, criterion, optimizer) -> tuple[float, int]:
    """One step of mini-batch gradient descent on ``(xb, yb)`` (Lecture §3).

    Forward pass, loss, backward pass (every layer stores its ``grads``), then
    ``optimizer.step(model)`` updates the parameters in place.

    Parameters
    ----------
    model : Sequential
    xb : float array (b, D, H, W)
    yb : int array (b,)
    criterion : loss object
    optimizer : Optimizer

    Returns
    -------
    loss : float
        The batch's mean loss (before the update).
    correct : int
        How many of the batch's samples the model classified right (before the update).

    Raises
    ------
    NonFiniteError
        NaN or infinite inputs, loss or gradients; raised before the update, so
        the parameters stay as they were.
    """
    _check_finite(xb, "the input batch", "NaN or infinite values in the data (check how it was loaded "
                                         "and normalised)")
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # checked below, with a clear message
        scores = model.forward(xb, train=True)
        loss = criterion.forward(scores, yb)
        lr = getattr(optimizer, "lr", None)
        _check_finite(loss, f"the loss ({loss})", f"a learning rate too high for this model (lr={lr}: try "
                                                 "10× smaller), or overflow in a low-precision dtype such as float16")
        correct = int((criterion.predict(scores) == yb).sum())
        model.backward(criterion.backward())
    for key, g in model.grads.items():
        _check_finite(g, f"the gradient of {key}", f"exploding gradients (lr={lr}: try a smaller learning "
                                                   "rate) or overflow in a low-precision dtype")
    optimizer.step(model)
    return loss, correct


def train_epoch(model, x, y, batch_size, criterion, optimizer, rng, augment=None, epoch=0,
                on_batch=None) -> tuple[float, float]:
    """One pass over ``(x, y)`` in the shuffled order ``rng.permutation(len(x))``.

    Parameters
    ----------
    model, criterion, optimizer
        As for :func:`train_step`.
    x : float array (n, D, H, W)
    y : int array (n,)
    batch_size : int
    rng : numpy.random.Generator
        Shuffles the samples (and drives ``augment``).
    augment : callable ``(xb, rng) -> xb``, optional
    epoch : int, default 0
        Counted from 0; used in error messages.
    on_batch : callable, optional
        Called after every step (e.g. a progress bar's ``update``).

    Returns
    -------
    loss : float
        Mean training loss over the epoch's samples.
    accuracy : float
        Training accuracy over the epoch (running, as trained).

    Raises
    ------
    NonFiniteError
        Naming the epoch and the batch (see :func:`train_step`).
    """
    n = len(x)
    steps = -(-n // batch_size)
    order = rng.permutation(n)
    total_loss, correct = 0.0, 0
    for k in range(steps):
        idx = order[k * batch_size:(k + 1) * batch_size]
        xb, yb = x[idx], y[idx]
        if augment is not None:
            xb = augment(xb, rng)
        try:
            loss, right = train_step(model, xb, yb, criterion, optimizer)
        except NonFiniteError as err:
            raise NonFiniteError(f"epoch {epoch + 1}, batch {k + 1} of {steps}: {err}; the parameters are those "
                                 "from before this batch") from None
        total_loss += loss * len(idx)
        correct += right
        if on_batch is not None:
            on_batch(1)
    return total_loss / n, correct / n


def fit(model, x, y, epochs=10, batch_size=64, optimizer=None, seed=0, x_val=None, y_val=None, progress=True,
        loss=None, dtype=np.float32, lr_schedule=None, augment=None, blas_threads=1) -> History:
    """Train ``model`` on ``(x, y)`` with mini-batch gradient descent: :func:`train_epoch` per epoch.

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
        BLAS threads while training (through threadpoolctl, when installed):
        LeNet-sized matrix products run best on one thread (``bench/``).
        ``None`` leaves the BLAS setting alone.

    Returns
    -------
    History
        Of every finished epoch. Ctrl-C (KeyboardInterrupt) stops training
        and returns the History of the epochs finished so far, with
        ``interrupted=True``.

    Raises
    ------
    NonFiniteError
        NaN or infinity in a batch, the loss or a gradient (naming epoch, batch
        and likely cause); its ``history`` holds the finished epochs.
    ValueError
        Empty data, bad shapes or labels, epochs or batch_size below 1.
    """
    epochs = check_int(epochs, "epochs", 1)
    batch_size = check_int(batch_size, "batch_size", 1)
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
    hist = History()
    bar = _progress(epochs * -(-len(x) // batch_size), progress, f"training {getattr(model, 'name', '') or 'model'}")
    epoch = 0
    with _blas_limits(blas_threads):
        try:
            for epoch in range(epochs):
                if lr_schedule is not None:
                    opt.lr = float(lr_schedule(epoch))
                t0 = time.perf_counter()
                mean_loss, accuracy = train_epoch(model, x, y, batch_size, crit, opt, rng, augment, epoch,
                                                  None if bar is None else bar.update)
                seconds = time.perf_counter() - t0
                ev = None if x_val is None else evaluate(model, x_val, y_val, loss=crit, dtype=None)
                # the epoch is recorded all at once: an interruption never leaves the lists uneven
                hist.time.append(seconds)
                hist.loss.append(mean_loss)
                hist.accuracy.append(accuracy)
                hist.lr.append(opt.lr)
                post = {"epoch": epoch + 1, "loss": f"{mean_loss:.4f}", "acc": f"{accuracy:.2%}"}
                if ev is not None:
                    hist.val_loss.append(ev.loss)
                    hist.val_accuracy.append(ev.accuracy)
                    post["val_acc"] = f"{ev.accuracy:.2%}"
                if bar is not None:
                    bar.set_postfix(post)
        except KeyboardInterrupt:
            hist.interrupted = True
            print(f"training interrupted in epoch {epoch + 1}: the History keeps the {hist.epochs} finished "
                  f"epoch(s)", file=sys.stderr)
        except NonFiniteError as err:
            err.history = hist
            raise
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
