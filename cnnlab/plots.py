r"""Figures for Chapter 5: learning curves, confusion matrix, misclassified digits, filters, feature maps.

Every function returns a :class:`matplotlib.figure.Figure` built without pyplot
(no global state; a notebook displays the returned figure once; save it with
``fig.savefig(...)``). Labels are in English only (no CJK font is installed).
"""

from __future__ import annotations

import numpy as np

__all__ = ["plot_history", "plot_confusion_matrix", "confusion_matrix", "plot_misclassified", "plot_filters",
           "plot_feature_maps", "plot_prototypes"]


def _figure(figsize):
    from matplotlib.figure import Figure

    return Figure(figsize=figsize, layout="constrained")


def plot_history(history, title="Learning curves"):
    """Loss (left) and accuracy (right, training and validation) per epoch of a :class:`cnnlab.train.History`."""
    fig = _figure((9, 3.4))
    ax1, ax2 = fig.subplots(1, 2)
    ep = np.arange(1, history.epochs + 1)
    ax1.plot(ep, history.loss, "o-", label="training")
    if history.val_loss:
        ax1.plot(ep, history.val_loss, "s--", label="validation")
    ax1.set(xlabel="epoch", ylabel="loss", title="Loss")
    ax2.plot(ep, np.asarray(history.accuracy) * 100, "o-", label="training")
    if history.val_accuracy:
        ax2.plot(ep, np.asarray(history.val_accuracy) * 100, "s--", label="validation")
    ax2.set(xlabel="epoch", ylabel="accuracy (%)", title="Accuracy")
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3)
        ax.legend()
        ax.xaxis.get_major_locator().set_params(integer=True)
    fig.suptitle(title)
    return fig


def confusion_matrix(y_true, y_pred, num_classes=None) -> np.ndarray:
    """``C[i, j]`` = number of samples of true class ``i`` predicted as ``j``."""
    y_true, y_pred = np.asarray(y_true, np.int64), np.asarray(y_pred, np.int64)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same shape; got {y_true.shape} and {y_pred.shape}")
    k = num_classes or int(max(y_true.max(initial=0), y_pred.max(initial=0))) + 1
    return np.bincount(y_true * k + y_pred, minlength=k * k).reshape(k, k)


def plot_confusion_matrix(y_true, y_pred, class_names=None, title="Confusion matrix"):
    """Counts of (true, predicted) pairs, with the count written in each cell."""
    names = list(class_names) if class_names is not None else None
    C = confusion_matrix(y_true, y_pred, len(names) if names else None)
    k = len(C)
    fig = _figure((5.2, 4.6))
    ax = fig.subplots()
    im = ax.imshow(C, cmap="Blues")
    fig.colorbar(im, ax=ax, shrink=0.8)
    thresh = C.max() / 2 if C.size else 0
    for i in range(k):
        for j in range(k):
            if C[i, j]:
                ax.text(j, i, str(C[i, j]), ha="center", va="center", fontsize=7,
                        color="white" if C[i, j] > thresh else "black")
    ticks = np.arange(k)
    ax.set_xticks(ticks, names or ticks, rotation=45 if names else 0)
    ax.set_yticks(ticks, names or ticks)
    acc = np.trace(C) / max(C.sum(), 1)
    ax.set(xlabel="predicted", ylabel="true", title=f"{title} (accuracy {acc:.2%})")
    return fig


def _as_images(x):
    x = np.asarray(x)
    if x.ndim == 4:
        x = x[:, 0]
    return x


def plot_misclassified(x, y_true, y_pred, max_images=24, cols=8, class_names=None):
    """The first ``max_images`` misclassified images, titled "true → predicted"."""
    x, y_true, y_pred = _as_images(x), np.asarray(y_true), np.asarray(y_pred)
    wrong = np.flatnonzero(y_true != y_pred)[:max_images]
    n = max(len(wrong), 1)
    rows = -(-n // cols)
    fig = _figure((1.2 * min(cols, n), 1.35 * rows + 0.4))
    axes = np.atleast_1d(fig.subplots(rows, min(cols, n), squeeze=False)).ravel()
    name = (lambda c: class_names[c]) if class_names is not None else str
    for ax in axes:
        ax.axis("off")
    for ax, i in zip(axes, wrong):
        ax.imshow(x[i], cmap="gray_r")
        ax.set_title(f"{name(int(y_true[i]))} → {name(int(y_pred[i]))}", fontsize=8)
    fig.suptitle(f"Misclassified: {len(np.flatnonzero(y_true != y_pred))} of {len(y_true)} (true → predicted)")
    return fig


def plot_filters(layer_or_weights, input_channel=0, cols=8, title=None):
    """Filters ``w[n, input_channel]`` of a convolution layer (or an array (N, D, F, F)) as small images."""
    w = layer_or_weights.params["w"] if hasattr(layer_or_weights, "params") else np.asarray(layer_or_weights)
    if w.ndim != 4:
        raise ValueError(f"weights must have shape (N, D, F_h, F_w); got {w.shape}")
    N = w.shape[0]
    cols = min(cols, N)
    rows = -(-N // cols)
    fig = _figure((1.1 * cols, 1.15 * rows + 0.4))
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    lim = np.abs(w[:, input_channel]).max() or 1.0
    for ax in axes:
        ax.axis("off")
    for n in range(N):
        axes[n].imshow(w[n, input_channel], cmap="RdBu_r", vmin=-lim, vmax=lim)
        axes[n].set_title(str(n), fontsize=8)
    name = getattr(layer_or_weights, "name", None)
    fig.suptitle(title or f"Filters{' of ' + name if name else ''} (input map {input_channel}; red > 0 > blue)")
    return fig


def plot_feature_maps(model, image, layers=None, max_maps=16):
    """Feature maps of one image after each (chosen) layer: one row per layer, from ``model.forward_all``."""
    x = np.asarray(image, dtype=np.float32)
    while x.ndim < 4:
        x = x[None]
    # maps of 1×1 (C5) carry no picture: they are left out unless asked for by name
    outs = [(n, o[0]) for n, o in model.forward_all(x)
            if o.ndim == 4 and (n in layers if layers is not None else o.shape[2] * o.shape[3] > 1)]
    if not outs:
        raise ValueError(f"no layer with feature maps among {layers!r}")
    cols = min(max_maps, max(o.shape[0] for _, o in outs)) + 1
    fig = _figure((1.0 * cols, 1.1 * len(outs) + 0.3))
    axes = fig.subplots(len(outs), cols, squeeze=False)
    for r, (name, o) in enumerate(outs):
        for ax in axes[r]:
            ax.axis("off")
        axes[r, 0].imshow(x[0, 0], cmap="gray_r")
        axes[r, 0].set_title("input" if r == 0 else "", fontsize=8)
        axes[r, 1].text(-0.15, 0.5, name, transform=axes[r, 1].transAxes, ha="right", va="center", fontsize=9)
        for k in range(min(max_maps, o.shape[0])):
            axes[r, k + 1].imshow(o[k], cmap="viridis")
        axes[r, 0].set_visible(r == 0)
    fig.suptitle(f"Feature maps ({' · '.join(f'{n}: {o.shape[0]}@{o.shape[1]}×{o.shape[2]}' for n, o in outs)})",
                 fontsize=9)
    return fig


def plot_prototypes(prototypes=None, title="RBF prototypes of LeNet-5's output units (7×12, ±1)"):
    """The ten ±1 parameter vectors of the RBF output layer drawn as 7-wide × 12-high bitmaps
    (default: :data:`cnnlab.layers.DIGIT_BITMAPS`; or an RBF layer, or an array (10, 84))."""
    from .layers.rbf import DIGIT_BITMAPS

    if prototypes is None:
        p = DIGIT_BITMAPS
    else:
        w = prototypes.w if hasattr(prototypes, "w") else np.asarray(prototypes)
        p = np.asarray(w).reshape(len(w), 12, 7)
    fig = _figure((1.0 * len(p), 1.8))
    axes = np.atleast_1d(fig.subplots(1, len(p)))
    for k, ax in enumerate(axes):
        ax.imshow(p[k], cmap="gray_r", vmin=-1, vmax=1)
        ax.set_title(str(k), fontsize=9)
        ax.axis("off")
    fig.suptitle(title, fontsize=10)
    return fig
