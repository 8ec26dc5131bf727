"""Your own filter: the reader types a 3×3 filter and sees the feature map (chapter 2).

One HTML view with its script (``static/filterpad.js``; the convolution is
``static/lenet.js``'s, the same cross-correlation as
:func:`cnnlab.conv.conv2d_forward`), shown on the website and in Jupyter alike.
A stride and padding that do not fit the image get the teaching message of
:func:`cnnlab.arithmetic.conv_output_size`, computed here for every choice.
"""
from __future__ import annotations

import html
import json

import numpy as np

from ..arithmetic import conv_output_size
from ..datasets import load_mnist
from ._page import element_id, merged_labels, static_text

__all__ = ["FilterPad", "FILTER_LABELS", "FILTER_LABELS_ZH", "PRESETS", "PRESETS_ZH", "IMAGES_ZH", "STRIDES",
           "PADDINGS", "default_images"]

#: Filters to start from (rows of the 3×3 filter, cross-correlation as in the kernels).
PRESETS = {
    "vertical edges": [[1, 0, -1], [1, 0, -1], [1, 0, -1]],
    "horizontal edges": [[1, 1, 1], [0, 0, 0], [-1, -1, -1]],
    "blur": [[1 / 9] * 3] * 3,
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
}
STRIDES = (1, 2, 3)
PADDINGS = (0, 1, 2)

#: Every text the pad shows, so that a translation can replace them.
FILTER_LABELS = {
    "filter": "Your 3×3 filter w (type any numbers)",
    "preset": "Start from",
    "custom": "(your own)",
    "image": "Image",
    "stride": "Stride S",
    "padding": "Padding P",
    "input": "Input x (the red square: the window of the selected output)",
    "output": "Feature map y = w ⋆ x (tap a cell, or use the arrow keys, to select it)",
    "draw": "Draw here (28×28)",
    "clear": "Clear drawing",
    "notNumber": "Every entry of the filter must be a number.",
    "noFit": "This stride and padding do not fit the image.",
    "summary": "Feature map {h}×{w}; selected y[{i}, {j}] = {value}",
    "cellLabel": "w[{u}, {v}]",
}

#: :data:`FILTER_LABELS` in Chinese (the book's Chinese edition; ``FilterPad(labels=FILTER_LABELS_ZH)``).
FILTER_LABELS_ZH = {
    "filter": "你的 3×3 卷积核 w（可输入任意数值）",
    "preset": "从预设开始",
    "custom": "（自定义）",
    "image": "图像",
    "stride": "步长 S",
    "padding": "补零 P",
    "input": "输入 x（红框：所选输出对应的窗口）",
    "output": "特征图 y = w ⋆ x（轻触一个格子或用方向键选择）",
    "draw": "在这里画（28×28）",
    "clear": "清除画布",
    "notNumber": "卷积核的每一项都必须是数值。",
    "noFit": "这个步长和补零与图像的尺寸不匹配。",
    "summary": "特征图 {h}×{w}；选中的 y[{i}, {j}] = {value}",
    "cellLabel": "w[{u}, {v}]",
}

#: The names of :data:`PRESETS` and of :func:`default_images` (and "custom") in Chinese.
PRESETS_ZH = {"vertical edges": "竖直边缘", "horizontal edges": "水平边缘", "blur": "模糊", "sharpen": "锐化",
              "identity": "恒等"}
IMAGES_ZH = {"Grace Hopper, 32×32 grey (chapter 2's photograph)": "Grace Hopper，32×32 灰度（第 2 章的照片）",
             "the 4×4 ■■ grid of §2.3": "§2.3 的 4×4 ■■ 网格",
             "a held-out MNIST digit (28×28)": "一个 MNIST 留出数字（28×28）",
             "your drawing (28×28)": "你画的图（28×28）",
             "custom": "自定义"}


def default_images() -> dict:
    """``{key: (label, (H, W) array in [0, 1])}``: the chapter's photograph, ■■ grid, a digit, a drawing."""
    from matplotlib import cbook                       # matplotlib ships the photograph
    with cbook.get_sample_data("grace_hopper.jpg") as f:
        from matplotlib import image as mpimg
        photo = mpimg.imread(f, format="jpg")
    grey = photo[60:540, 16:496].mean(axis=2) / 255.0  # (480, 480) -> 32×32 block means
    small = grey.reshape(32, 15, 32, 15).mean(axis=(1, 3))
    grid = np.zeros((4, 4))
    grid[1:3, 1:3] = 1                                 # chapter 2's "■■" in the centre
    grid[0, 3] = 1                                     # and its stray pixel
    _, _, x_test, y_test = load_mnist(source="bundled")
    digit = x_test[int(np.flatnonzero(y_test == 3)[0])] / 255.0
    return {"photo": ("Grace Hopper, 32×32 grey (chapter 2's photograph)", np.round(small, 2)),
            "grid": ("the 4×4 ■■ grid of §2.3", grid),
            "digit": ("a held-out MNIST digit (28×28)", np.round(digit, 2)),
            "drawing": ("your drawing (28×28)", np.zeros((28, 28)))}


def _messages(sizes) -> dict:
    """``{"L,S,P": message}`` for every size, stride and padding that does not fit a 3×3 filter."""
    out = {}
    for L in sorted(set(sizes)):
        for S in STRIDES:
            for P in PADDINGS:
                try:
                    conv_output_size(L, 3, S, P)
                except ValueError as err:
                    out[f"{L},{S},{P}"] = str(err)
    return out


class FilterPad:
    """Type a filter, pick an image, read the feature map and one cell's sum.

    Parameters
    ----------
    labels : dict, optional
        Replacements for :data:`FILTER_LABELS` (a translation).
    preset : str
        The filter shown first, a key of :data:`PRESETS`.
    image : str
        The image shown first: ``"photo"``, ``"grid"``, ``"digit"`` or ``"drawing"``.
    """

    def __init__(self, labels: dict | None = None, preset: str = "vertical edges",
                 image: str = "grid"):
        self.labels = merged_labels(labels, FILTER_LABELS)
        if preset not in PRESETS:
            raise ValueError(f"preset must be one of {sorted(PRESETS)}; got {preset!r}")
        self.images = default_images()
        if image not in self.images:
            raise ValueError(f"image must be one of {sorted(self.images)}; got {image!r}")
        self.preset, self.image = preset, image

    def _data(self) -> str:
        images = {k: {"h": a.shape[0], "w": a.shape[1], "data": a.ravel().round(3).tolist()}
                  for k, (_, a) in self.images.items()}
        sizes = [s for _, a in self.images.values() for s in a.shape]
        data = {"images": images, "labels": self.labels,
                "presets": {k: np.ravel(v).tolist() for k, v in PRESETS.items()},
                "messages": _messages(sizes)}
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")

    def _select(self, cls: str, label: str, options, selected) -> str:
        esc = html.escape
        opts = "".join(f'<option value="{esc(str(v))}"{" selected" if v == selected else ""}'
                       f'{" hidden" if v == "custom" else ""}>{esc(str(t))}</option>'
                       for v, t in options)
        return f'<label class="fp-ctl">{esc(label)} <select class="{cls}">{opts}</select></label>'

    def _repr_html_(self) -> str:
        L, esc = self.labels, html.escape
        data = self._data()
        uid = element_id("cnnlab-fp", data)
        w = np.ravel(PRESETS[self.preset])
        cells = "".join(
            f'<input class="fp-w" type="text" inputmode="decimal" value="{esc(_num(v))}" '
            f'aria-label="{esc(L["cellLabel"].format(u=k // 3, v=k % 3))}">'
            for k, v in enumerate(w))
        presets = [("", L["custom"])] + [(k, k) for k in PRESETS]
        images = [(k, label) for k, (label, _) in self.images.items()] + [("custom", "custom")]
        controls = "".join([
            self._select("fp-preset", L["preset"], presets, self.preset),
            self._select("fp-image", L["image"], images, self.image),
            self._select("fp-stride", L["stride"], [(s, s) for s in STRIDES], 1),
            self._select("fp-pad", L["padding"], [(p, p) for p in PADDINGS], 0)])
        return f"""<div class="cl-pg cl-filterpad" id="{uid}">
<style>{static_text("playground.css")}</style>
<div class="dp-row"><div><div>{esc(L['filter'])}</div><div class="fp-grid">{cells}</div></div>
<div class="fp-controls">{controls}</div></div>
<div class="fp-drawbox" hidden><div>{esc(L['draw'])}</div>
<canvas class="fp-draw" width="28" height="28"></canvas>
<div><button type="button" class="fp-clear">{esc(L['clear'])}</button></div></div>
<div class="dp-row">
<div><div>{esc(L['input'])}</div><div class="fp-wrap"><canvas class="fp-in" width="4" height="4" role="img" aria-label="{esc(L['input'])}"></canvas><span class="fp-window"></span></div></div>
<div><div>{esc(L['output'])}</div><div class="fp-wrap"><canvas class="fp-out" tabindex="0" width="2" height="2" role="img" aria-label="{esc(L['output'])}"></canvas><span class="fp-mark"></span></div>
<div class="fp-message" role="alert" hidden></div></div></div>
<div class="fp-sum"></div><div class="fp-live" aria-live="polite"></div>
<script type="application/json" class="fp-data">{data}</script>
<script>{static_text("lenet.js")}
{static_text("filterpad.js")}
cnnlabFilterPad.init({json.dumps(uid)});</script>
</div>"""


def _num(v: float) -> str:
    return f"{v:.4g}"
