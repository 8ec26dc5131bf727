"""Explorer 7: inside a LeNet-5 — feature maps and filters (Lecture §5)."""

from __future__ import annotations

import numpy as np

from .base import Control, Explorer
from .draw import Bars, esc, fmt, picture, png_uri, svg

__all__ = ["InsideLeNet", "mosaic"]


def mosaic(maps: np.ndarray, cols: int, gap: int = 1) -> np.ndarray:
    """Tile ``maps`` (n, h, w) into one 2-D array, ``cols`` per row, NaN in the gaps."""
    n, h, w = maps.shape
    rows = -(-n // cols)
    out = np.full((rows * (h + gap) - gap, cols * (w + gap) - gap), np.nan)
    for k in range(n):
        r, c = divmod(k, cols)
        out[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = maps[k]
    return out


class InsideLeNet(Explorer):
    """Pick a digit and a layer: the feature maps after that layer and its learned filters (Lecture §5).

    Works on any :class:`cnnlab.layers.Sequential` with ``forward_all`` (e.g. the
    LeNet-5 a chapter trained, from :func:`cnnlab.models.lenet5`): every map
    shown is the model's own output for that digit; filters are the ``w`` of
    conv layers (first 16 × 16 (output map, input map) pairs at most).

    Parameters
    ----------
    model : Sequential, optional
        The network. Default: an *untrained* ``lenet5("modern", seed=0)``
        (random filters — pass your trained model).
    images : array, optional
        Digits, (n, 28, 28) uint8 MNIST-style (prepared with
        :func:`cnnlab.models.prepare_digits` when the model takes 32×32) or
        already the model's input (n, 1, H, W). At most 10. Default: the first
        0, 1, …, 9 of the bundled MNIST test split.
    labels : sequence of int, optional
        True labels shown beside the prediction.

    Controls: digit, layer. No stepper.
    """

    title = "Inside LeNet-5: feature maps and filters (Lecture 5)"

    def __init__(self, model=None, images=None, labels=None):
        from ..models import lenet5, prepare_digits

        self.trained = model is not None
        self.model = lenet5("modern", seed=0) if model is None else model
        if images is None:
            from ..datasets import load_mnist

            _, _, x_test, y_test = load_mnist()
            idx = [int(np.flatnonzero(y_test == d)[0]) for d in range(10)]
            images, labels = x_test[idx], y_test[idx]
        images = np.asarray(images)
        if len(images) > 10:
            raise ValueError(f"images: at most 10 digits (each is pre-rendered for every layer); got {len(images)}")
        if images.ndim == 3:
            side = getattr(self.model, "input_shape", None)
            if side is not None and side[-1] != images.shape[-1]:
                x = prepare_digits(images, pad=(side[-1] - images.shape[-1]) // 2)
            else:
                x = (images / 255.0 if np.issubdtype(images.dtype, np.integer) else images)[:, None]
        else:
            x = images
        self.x = np.asarray(x, dtype=getattr(self.model, "dtype", np.float32))
        self.labels = None if labels is None else [int(v) for v in labels]
        outs = self.model.forward_all(self.x, train=False)
        self.layer_names = ["input"] + [name for name, _ in outs]
        self.outputs = {"input": self.x} | {name: out for name, out in outs}
        scores = outs[-1][1]
        loss = getattr(self.model, "loss", None)
        self.predictions = [int(v) for v in (loss.predict(scores) if hasattr(loss, "predict") else scores.argmax(1))]
        self._layers = {l.name: l for l in self.model.layers}
        digit_labels = [f"#{k}" + (f" (label {self.labels[k]})" if self.labels else "") for k in range(len(self.x))]
        self.controls = (
            Control("digit", "digit", tuple((lab, k) for k, lab in enumerate(digit_labels)), 0),
            Control("layer", "layer", tuple((n, n) for n in self.layer_names), 1),
        )

    def feature_maps(self, digit: int, layer: str) -> np.ndarray:
        """The model's output of ``layer`` for one digit (as forward_all returned it)."""
        return self.outputs[layer][digit]

    def filters(self, layer: str):
        """The layer's conv filters (N, D, F, F), or None."""
        l = self._layers.get(layer)
        w = None if l is None else l.params.get("w")
        return w if w is not None and w.ndim == 4 else None

    def alt_text(self, state) -> str:
        k, name = state["digit"], state["layer"]
        out = self.feature_maps(k, name)
        shape = "×".join(str(s) for s in out.shape)
        truth = f" (label {self.labels[k]})" if self.labels else ""
        what = "the input image" if name == "input" else f"the output of layer {name}, {shape}"
        filters = "" if self.filters(name) is None else f", and the learned filters of {name}"
        return f"Digit #{k}{truth}, predicted {self.predictions[k]}: {what}{filters}."

    def render_state(self, state) -> str:
        k, name = state["digit"], state["layer"]
        out = self.feature_maps(k, name)
        img = self.x[k, 0]
        pred = self.predictions[k]
        truth = f", label {self.labels[k]}" if self.labels else ""
        parts = ['<div class="cx-row">',
                 picture(png_uri(img, float(img.min()), float(img.max()), "gray"), 3 * img.shape[1],
                         f"input {img.shape[0]}×{img.shape[1]}", f"predicted {pred}{truth}",
                         alt=f"digit #{k}, input {img.shape[0]}×{img.shape[1]}")]
        if out.ndim == 3 and out.shape[1] * out.shape[2] > 1:
            C, h, w = out.shape
            cols = min(C, 8)
            m = float(np.abs(out).max()) or 1.0
            lo = 0.0 if out.min() >= 0 else -m
            scale = max(2, 84 // max(h, w))
            tile = mosaic(out, cols)
            parts.append(picture(png_uri(tile, lo, m, "viridis" if lo == 0 else "RdBu_r"), tile.shape[1] * scale,
                                 f"{name}: {C} maps {h}×{w} "
                                 f"(range {fmt(float(out.min()), 2)} … {fmt(float(out.max()), 2)})"))
        else:
            vec = out.ravel()
            last = name == self.layer_names[-1]
            bars = Bars([(vec, "#57606a")], labels=list(range(len(vec))) if len(vec) <= 10 else None,
                        bar=max(3, min(30, 420 // len(vec))), gap=1, height=90, highlight=pred if last else None,
                        value_labels=len(vec) <= 10, caption=f"{name}: {len(vec)} values"
                        + (" (class outputs; orange = the prediction)" if last else ""))
            parts.append(svg(bars))
        w = self.filters(name)
        if w is not None:
            N, D = min(w.shape[0], 16), min(w.shape[1], 16)
            sub = w[:N, :D]
            F = sub.shape[2]
            # rows = input maps d, columns = output maps n (wide rather than tall)
            grid = np.full((D * (F + 1) - 1, N * (F + 1) - 1), np.nan)
            for n in range(N):
                for d in range(D):
                    grid[d * (F + 1):d * (F + 1) + F, n * (F + 1):n * (F + 1) + F] = sub[n, d]
            wm = float(np.abs(sub).max()) or 1.0
            scale = max(2, min(8, 480 // grid.shape[1]))
            shown = f"first {N} of {w.shape[0]} filters, first {D} of {w.shape[1]} input maps" \
                if (N, D) != w.shape[:2] else f"{N} filters × {D} input map{'s' if D > 1 else ''}"
            parts.append(picture(png_uri(grid, -wm, wm, "RdBu_r"), grid.shape[1] * scale,
                                 f"filters of {name}: columns = output maps, rows = input maps",
                                 f"({shown}, {F}×{F}; red +, blue −)"))
        parts.append("</div>")
        shape = "×".join(str(s) for s in out.shape)
        note = "" if self.trained else " (untrained model: random filters; pass the trained one)"
        parts.append(f'<div class="cx-note">{esc(name)} output: {shape} for this digit.{esc(note)}</div>')
        return "\n".join(parts)
