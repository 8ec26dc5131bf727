"""Draw a digit: the trained LeNet-5 reads the reader's own drawing in the page.

The view is one piece of HTML with its script (``static/lenet.js`` for the
forward pass, ``static/digitpad.js`` for the pad): the website shows it without
a kernel, and a Jupyter cell that displays a :class:`DigitPad` shows the same
thing. The weights are chapter 5's modern LeNet-5
(:mod:`cnnlab.playground.weights`), embedded as float16.
"""
from __future__ import annotations

import base64
import html
import json

import numpy as np

from ..datasets import load_mnist
from ._page import element_id, merged_labels, static_text
from .weights import StoredWeights, load_weights

__all__ = ["DigitPad", "LABELS", "LABELS_ZH", "LAYERS", "LAYERS_ZH", "pack_weights"]

#: Every text the pad shows, so that a translation can replace them.
LABELS = {
    "title": "Draw a digit — LeNet-5 reads it",
    "pad": "Drawing pad: draw one digit with the mouse, a pen or a finger",
    "clear": "Clear",
    "pick": "…or pick a held-out digit:",
    "none": "(none)",
    "digit": "digit {k}: a {label}",
    "prep": "How the drawing is prepared, as MNIST's digits were",
    "box": "fitted into 20×20",
    "centred": "centred in 28×28",
    "input": "padded to 32×32",
    "probs": "Class probabilities (softmax of the 10 outputs)",
    "empty": "Draw a digit (or pick one) to see LeNet-5 read it.",
    "reads": "LeNet-5 reads: {digit} ({p} %)",
    "rfHint": "Point at or tap a unit of a map to see its receptive field on the input.",
    "rf": "{layer} unit ({i}, {j}) sees the {size}×{size} input window at row {top}, column {left}.",
    "layers": "Every layer's output",
    "alt_maps": "{n} feature maps of {layer}",
}

#: :data:`LABELS` in Chinese (the book's Chinese edition; ``DigitPad(labels=LABELS_ZH)``).
LABELS_ZH = {
    "title": "写一个数字，让 LeNet-5 来识别",
    "pad": "手写板：用鼠标、手写笔或手指写一个数字",
    "clear": "清除",
    "pick": "……或者选一个留出数字：",
    "none": "（无）",
    "digit": "样例 {k}：数字 {label}",
    "prep": "写好的数字如何预处理（按 MNIST 数字当年的方式）",
    "box": "缩放到 20×20",
    "centred": "居中放进 28×28",
    "input": "补零到 32×32",
    "probs": "各类别的概率（10 个输出的 softmax）",
    "empty": "写一个数字（或选一个），看 LeNet-5 怎样识别它。",
    "reads": "LeNet-5 识别为：{digit}（{p} %）",
    "rfHint": "指向或轻触特征图上的一个单元，看它在输入上的感受野。",
    "rf": "{layer} 的单元 ({i}, {j}) 看到输入上从第 {top} 行、第 {left} 列开始的 {size}×{size} 窗口。",
    "layers": "每一层的输出",
    "alt_maps": "{layer} 的 {n} 张特征图",
}

#: (layer, what it is, output shape) as chapter 5's table gives them.
LAYERS = [("C1", "convolution 5×5, ReLU", (6, 28, 28)),
          ("S2", "max pooling 2×2", (6, 14, 14)),
          ("C3", "convolution 5×5, ReLU", (16, 10, 10)),
          ("S4", "max pooling 2×2", (16, 5, 5)),
          ("C5", "convolution 5×5, ReLU", (120, 1, 1)),
          ("F6", "dense, ReLU", (84,))]

#: The "what it is" of :data:`LAYERS` in Chinese.
LAYERS_ZH = {"convolution 5×5, ReLU": "卷积 5×5，ReLU", "max pooling 2×2": "最大池化 2×2",
             "dense, ReLU": "全连接，ReLU"}


def pack_weights(weights: StoredWeights) -> dict:
    """Float16 arrays -> ``{"data": base64, "arrays": {key: {shape, offset}}}`` for lenet.js."""
    chunks, arrays, offset = [], {}, 0
    for key in sorted(weights.arrays):
        a = np.ascontiguousarray(weights.arrays[key], dtype="<f2")
        arrays[key] = {"shape": list(a.shape), "offset": offset}
        chunks.append(a.tobytes())
        offset += a.size
    return {"data": base64.b64encode(b"".join(chunks)).decode("ascii"), "arrays": arrays}


def _held_out_digits(per_class: int):
    _, _, x_test, y_test = load_mnist(source="bundled")
    picks = [int(i) for c in range(10) for i in np.flatnonzero(y_test == c)[:per_class]]
    return x_test[picks], y_test[picks]


class DigitPad:
    """A drawing pad feeding chapter 5's LeNet-5, computed in the page.

    Parameters
    ----------
    weights : StoredWeights, optional
        Default: the shipped ``cnnlab/data/lenet5_modern.npz``.
    per_class : int
        Held-out digits per class offered in the "pick a digit" menu (the
        keyboard-reachable alternative to drawing).
    labels : dict, optional
        Replacements for :data:`LABELS` (a translation).
    """

    def __init__(self, weights: StoredWeights | None = None, per_class: int = 2,
                 labels: dict | None = None):
        if not isinstance(per_class, int) or not 1 <= per_class <= 10:
            raise ValueError(f"per_class must be an integer from 1 to 10; got {per_class!r}")
        self.labels = merged_labels(labels, LABELS)
        self.weights = weights or load_weights()
        self.images, self.classes = _held_out_digits(per_class)

    def _data(self) -> str:
        data = {"weights": pack_weights(self.weights), "labels": self.labels,
                "digits": {"images": self.images.reshape(len(self.images), -1).tolist(),
                           "labels": self.classes.tolist()}}
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return text.replace("</", "<\\/")

    def _layer_html(self, name: str, what: str, shape: tuple) -> str:
        L, esc = self.labels, html.escape
        size = "×".join(map(str, shape))
        head = f"<h4>{esc(name)} · {esc(what)} · {esc(size)}</h4>"
        alt = esc(L["alt_maps"].format(n=shape[0], layer=name))
        if len(shape) == 3 and shape[1] > 1:
            scale = 2 if shape[1] >= 14 else 4 if shape[1] >= 10 else 8
            px = shape[1] * scale
            maps = "".join(f'<canvas data-layer="{name}" width="{shape[1]}" height="{shape[2]}" '
                           f'style="width:{px}px;height:{px}px"></canvas>'
                           for _ in range(shape[0]))
            return (f'<div class="dp-layer">{head}<div class="dp-maps" role="img" '
                    f'aria-label="{alt}">{maps}</div></div>')
        rows = -(-shape[0] // 12)
        return (f'<div class="dp-layer">{head}<canvas data-layer="{name}" width="12" '
                f'height="{rows}" role="img" aria-label="{alt}" '
                f'style="width:{12 * 14}px;height:{rows * 14}px"></canvas></div>')

    def _repr_html_(self) -> str:
        L, esc = self.labels, html.escape
        data = self._data()
        uid = element_id("cnnlab-dp", data)
        options = "".join(
            f'<option value="{k}">{esc(L["digit"].format(k=k + 1, label=int(c)))}</option>'
            for k, c in enumerate(self.classes))
        bars = "".join(
            f'<div class="dp-bar" data-class="{k}"><span>{k}</span><span class="dp-track">'
            f'<span class="dp-fill" style="display:block"></span></span>'
            f'<span class="dp-pct">0 %</span></div>' for k in range(10))
        stages = "".join(
            f'<span class="dp-stagebox">{inner}<br>{esc(L[key])}</span>'
            for key, inner in [
                ("box", '<canvas class="dp-stage" width="20" height="20"></canvas>'),
                ("centred", '<canvas class="dp-stage" width="28" height="28"></canvas>'),
                ("input", '<span class="dp-inputwrap"><canvas class="dp-stage" width="32" '
                          'height="32"></canvas><span class="dp-rf" hidden></span></span>')])
        layers = "".join(self._layer_html(*spec) for spec in LAYERS)
        return f"""<div class="cl-pg cl-digitpad" id="{uid}">
<style>{static_text("playground.css")}</style>
<div class="dp-row">
<div><canvas class="dp-pad" width="280" height="280" aria-label="{esc(L['pad'])}"></canvas>
<div><button type="button" class="dp-clear">{esc(L['clear'])}</button>
<label>{esc(L['pick'])} <select class="dp-pick"><option value="">{esc(L['none'])}</option>{options}</select></label></div></div>
<div class="dp-bars"><div class="dp-live" aria-live="polite"></div>
<div class="dp-out" hidden><div>{esc(L['probs'])}</div>{bars}
<div>{esc(L['prep'])}</div><div class="dp-row">{stages}</div>
<div class="dp-rf-text"></div></div></div></div>
<div class="dp-out" hidden><div>{esc(L['layers'])}</div>{layers}</div>
<script type="application/json" class="dp-data">{data}</script>
<script>{static_text("lenet.js")}
{static_text("digitpad.js")}
cnnlabDigitPad.init({json.dumps(uid)});</script>
</div>"""
