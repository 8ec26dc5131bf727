"""The explorers in Chinese: every English template of their labels, explanations and text
alternatives, with its translation (placeholders as in :mod:`.i18n`).

Terms are the lecture's (``locales/terms.tsv``): 卷积核 (filter), 步长, 补零, 特征图, 感受野,
池化, 权值共享, 敏感度图, 参与计算的次数, 侧抑制, 局部响应归一化. The words are the chapters':
"Lecture 3.9" is 课件 3.9, "the slide" 课件, "the lecture" 原课程, "explorer" 交互演示; a weight
is 权重, an orientation 朝向, a held-out digit 留出数字.
Numbers, formulas, symbols and names stay as they are. Captions drawn inside the SVG
drawings must not be wider than their English (the drawings keep their English layout):
the tests measure them.
"""

from __future__ import annotations

import re

__all__ = ["TEMPLATES", "VOCABULARIES"]

_REFS = re.compile(r"\d+(?:\.\d+)?(?:–\d+(?:\.\d+)?)?(?:, \d+(?:\.\d+)?(?:–\d+(?:\.\d+)?)?)*")
_LAYER = re.compile(r"(conv|pool) (\d+×\d+(?: S\d+)?(?: P\d+)?)")
_LAYER_ZH = {"conv": "卷积", "pool": "池化"}


def _refs(text: str) -> str | None:
    """Lecture sections "2.4, 3.1–3.4" → "2.4、3.1–3.4"."""
    return text.replace(", ", "、") if _REFS.fullmatch(text) else None


def _layer(text: str) -> str | None:
    """A layer's name: "input" → 输入, "conv 3×3 P1" → 卷积 3×3 P1; identifiers (C1, S2) as they are."""
    if text == "input":
        return "输入"
    m = _LAYER.fullmatch(text)
    if m:
        return f"{_LAYER_ZH[m.group(1)]} {m.group(2)}"
    return text if re.fullmatch(r"[A-Z][A-Z0-9]*", text) else None


def _layers(text: str) -> str | None:
    """A stack "conv 3×3 → pool 2×2 → conv 3×3", layer by layer."""
    names = [_layer(part) for part in text.split(" → ")]
    return None if None in names else " → ".join(names)


def _layer_list(text: str) -> str | None:
    """"input, conv 3×3 P1" → "输入、卷积 3×3 P1"."""
    names = [_layer(part) for part in text.split(", ")]
    return None if None in names else "、".join(names)


VOCABULARIES = {
    "refs": _refs,
    "layer": _layer,
    "layers": _layers,
    "layerlist": _layer_list,
    "letter": {c: c for c in "abcdefghi"},
    "region": {"top-left": "左上", "top": "上", "top-right": "右上", "left": "左", "centre": "中间",
               "right": "右", "bottom-left": "左下", "bottom": "下", "bottom-right": "右下"},
    "fire": {"fires": "被激活", "does not fire": "未被激活"},
    "pool": {"Max": "最大", "Mean": "平均", "Gaussian": "高斯", "Trainable": "可训练"},
    "plural": {"": "", "s": ""},
    "mach": {"the response follows the luminance.": "响应与亮度一致。",
             "the response over- and undershoots at each edge.": "响应在每条边缘两侧都出现过冲和下冲。"},
}

#: (English template, Chinese template)
TEMPLATES = [
    # -- every explorer: the frame (static.py) ---------------------------------------------------
    ("drawing", "图示"),
    ("▶ play", "▶ 播放"),
    ("previous {s:t}", "上一个{s}"),
    ("next {s:t}", "下一个{s}"),
    ("position", "位置"),
    ("output unit", "输出单元"),
    ("output cell", "输出格子"),
    ("cell / weight", "单元 / 权重"),
    ("size / orientation / strength", "大小 / 朝向 / 强度"),
    ("input size L", "输入尺寸 L"),
    ("filter F", "卷积核 F"),
    ("stride S", "步长 S"),
    ("padding P", "补零 P"),
    ("input", "输入"),
    ("image", "图像"),
    ("region", "区域"),
    ("stack", "结构"),
    ("case", "例子"),
    ("view", "视图"),
    ("pooling", "池化方式"),
    ("window", "窗口"),
    ("panel", "面板"),
    ("digit", "数字"),
    ("layer", "层"),
    # -- conv_output_size's messages (cnnlab.arithmetic), shown by the explorers and FilterPad --------
    ("ValueError: {m:t}", "ValueError: {m}"),
    ("{f} = {v:num} is not an integer (the filter's last step would overhang the padded input by {n:num}); "
     "{h:t} (the kernels accept floor=True and drop the unused trailing rows/columns, like PyTorch)",
     "{f} = {v} 不是整数（卷积核的最后一步会超出补零后的输入 {n} 个像素）；{h}"
     "（卷积的实现接受 floor=True，像 PyTorch 一样丢掉末尾用不上的行/列）"),
    ("nearest valid padding: P={p:num} gives {f} = {v:num}; {h:t}", "最近的有效补零：取 P={p}，得 {f} = {v}；{h}"),
    ("nearest valid stride: S={s:num} gives {f} = {v:num}", "最近的有效步长：取 S={s}，得 {f} = {v}"),
    ("a valid stride: S={s:num} gives {f} = {v:num}", "一个有效的步长：取 S={s}，得 {f} = {v}"),
    ("the filter (F={F:num}) is larger than the padded input (L + 2P = {a}): {f} = {v:num} is not a positive "
     "size; use a filter of at most {m:num} or a padding of at least {p:num}",
     "卷积核（F={F}）比补零后的输入还大（L + 2P = {a}）：{f} = {v} 不是正的尺寸；"
     "请用不超过 {m} 的卷积核，或至少 {p} 的补零"),
    # -- SlidingFilter ---------------------------------------------------------------------------------
    ("Sliding filter (Lecture {r:refs})", "滑动卷积核（课件 {r}）"),
    ("Input {a:dim}, filter {b:dim}, stride {s:num}, padding {p:num}: not a valid output size.",
     "输入 {a}，卷积核 {b}，步长 {s}，补零 {p}：得不到有效的输出尺寸。"),
    ("Position {p:num} of {n:num}: the {f:dim} window at input rows {r}, columns {c} (padded input {d:dim}) "
     "gives output {a} of the {o:dim} output.",
     "第 {p} 个位置（共 {n} 个）：补零后的 {d} 输入中第 {r} 行、第 {c} 列的 {f} 窗口，给出 {o} 输出中的 {a}。"),
    ("input {d:dim}", "输入 {d}"),
    ("input {d:dim}, padding {p:num}", "输入 {d}，补零 {p}"),
    ("filter {d:dim}", "卷积核 {d}"),
    ("output {d:dim}", "输出 {d}"),
    ("stride-1 map", "步长 1 的输出"),
    ("{f} — not a valid size", "{f} — 不是有效的尺寸"),
    ("{f}   → output {d:dim}, {n:num} positions", "{f}   → 输出 {d}，共 {n} 个位置"),
    ("Grey dashed cells: zero padding, P = {p:num} on each side (Lecture 3.3).",
     "灰色虚线格：补零，每边 P = {p}（课件 3.3）。"),
    ("Stride {s:num} keeps one row and one column in {s} of the stride-1 map (purple); the skipped positions are "
     "the values a stride-1 scan would have produced there (Lecture 3.2).",
     "步长 {s}：在步长 1 的输出中每 {s} 行、每 {s} 列只保留一行、一列（紫色）；跳过的位置是步长为 1 "
     "的扫描在那里本会得到的值（课件 3.2）。"),
    ("Lecture 3.9 example: the slide's 5×5 image and 3×3 filter, bias 0. S=1 gives a 3×3 map; "
     "S=2 gives its four corner values.",
     "课件 3.9 的例子：课件中的 5×5 图像和 3×3 卷积核，偏置项为 0。S=1 得到 3×3 的特征图；"
     "S=2 得到它四个角上的值。"),
    # -- FCvsConv ------------------------------------------------------------------------------------------
    ("Fully connected vs convolution: the 4×4 “■■” task (Lecture {r:refs})", "全连接与卷积：4×4 的“■■”任务（课件 {r}）"),
    ("{r:letter} ({n:region})", "{r}（{n}）"),
    ("■■ in region {r:letter} ({n:region})", "区域 {r}（{n}）中有 ■■"),
    ("■■ in region {r:letter}, plus a stray pixel", "区域 {r} 中有 ■■，外加一个孤立的像素"),
    ("no ■■ (a diagonal line)", "没有 ■■（一条对角线）"),
    ("Region {r:letter}: its 2×2 window on the 4×4 image and row {r} of the 9×16 matrix W are highlighted; "
     "z_{r} = {z:num}, so detector {r} {f:fire}.",
     "区域 {r}：它在 4×4 图像上的 2×2 窗口和 9×16 矩阵 W 的第 {r} 行已高亮；z_{r} = {z}，所以检测器 {r} {f}。"),
    ("pixels 0–F", "像素 0–F"),
    ("image x", "图像 x"),
    ("conv 2×2, 3×3 out", "卷积 2×2，输出 3×3"),
    ("z_{r:letter} = {s}   (convolution at the same place: {v:num}) → detector {r} {f:fire}",
     "z_{r} = {s}   （同一位置上的卷积：{v}）→ 检测器 {r} {f}"),
    ("fully connected: W 9×16 + b 9 = {a:num} + {b:num} = {c:num} parameters (only {d:num} of the {a} weights are 1)",
     "全连接：W 9×16 + b 9 = {a} + {b} = {c} 个参数（{a} 个权重中只有 {d} 个为 1）"),
    ("convolution: one 2×2 filter shared by all 9 positions + 1 bias = 2×2 + 1 = {c:num} parameters",
     "卷积：9 个位置共享的一个 2×2 卷积核 + 1 个偏置项 = 2×2 + 1 = {c} 个参数"),
    ("Each row of W is the 2×2 filter placed at one region (columns of its 4 pixels); the convolution slides that "
     "one filter instead of learning 9 rows. (The slide prints 10 rows; one of them joins pixels 7, 8, B, C, "
     "which are not neighbours. There are 9 regions.)",
     "W 的每一行就是放在一个区域上的 2×2 卷积核（对应该区域 4 个像素的列）；卷积滑动这一个卷积核，"
     "而不是学习 9 行。（课件上印了 10 行，其中一行连接像素 7、8、B、C，它们并不相邻。区域只有 9 个。）"),
    # -- ParticipationCounts -----------------------------------------------------------------------------
    ("Participation counts (Lecture {r:refs})", "参与计算的次数（课件 {r}）"),
    ("Input {a:dim}, filter {b:dim}, stride {s:num}, padding {p:num}: the filter does not fit; nothing to count.",
     "输入 {a}，卷积核 {b}，步长 {s}，补零 {p}：卷积核放不进输入，无从计数。"),
    ("Participation counts of a {L:dim} input, F={F:num}, S={S:num}, P={P:num}: from {lo:num} to {hi:num}, "
     "corner pixel {c:num}, sum {s:num}.",
     "{L} 输入（F={F}，S={S}，P={P}）中各像素参与计算的次数：从 {lo} 到 {hi}，角上的像素 {c} 次，总和 {s}。"),
    ("Participation counts of a {L:dim} input, F={F:num}, S={S:num}, P={P:num} (not a valid size: floored as the "
     "kernels do): from {lo:num} to {hi:num}, corner pixel {c:num}, sum {s:num}.",
     "{L} 输入（F={F}，S={S}，P={P}；不是有效的尺寸，像卷积的实现那样向下取整）中各像素参与计算的次数："
     "从 {lo} 到 {hi}，角上的像素 {c} 次，总和 {s}。"),
    ("Drawn as the kernels floor it: pixels the filter never reaches count 0.",
     "按卷积的实现向下取整的方式绘制：卷积核从未到达的像素计为 0。"),
    ("{f}: {n:num} filter positions × {t:num} taps", "{f}：卷积核有 {n} 个位置 × 每个位置 {t} 个乘积"),
    ("participation counts, {L:dim} input, F={F:num}, S={S:num}, P={P:num}", "参与次数，{L} 输入，F={F}，S={S}，P={P}"),
    ("Σ counts = {s:num}; max {a:num}, min {b:num}", "Σ 次数 = {s}；最大 {a}，最小 {b}"),
    ("Each number says how often that input pixel took part in the forward pass, so how many δ·w terms its "
     "gradient ∂E/∂x sums (Lecture {r:refs}). Border pixels take part less often unless padded.",
     "每个数表示这个输入像素在前向传播中参与计算的次数，也就是它的梯度 ∂E/∂x 要累加多少个 δ·w 项"
     "（课件 {r}）。不补零时，边缘的像素参与计算的次数较少。"),
    # -- ReceptiveField ------------------------------------------------------------------------------------
    ("Receptive field through a stack of layers (Lecture {r:refs})", "层叠结构中的感受野（课件 {r}）"),
    ("{l:layers} (input {d:dim})", "{l}（输入 {d}）"),
    ("{l:layers} (Lecture {r:refs}, input {d:dim})", "{l}（课件 {r}，输入 {d}）"),
    ("LeNet-5: {l:layers} (input {d:dim})", "LeNet-5：{l}（输入 {d}）"),
    ("{n:num} × conv {f:dim} with padding {p:num} (input {d:dim})", "{n} 层卷积 {f}，补零 {p}（输入 {d}）"),
    ("Unit ({u}) of the last {m:dim} map sees input rows {r}, columns {c}: a {s:dim} receptive field, "
     "marked in every layer.",
     "最后一层 {m} 特征图的单元 ({u}) 看到输入的第 {r} 行、第 {c} 列：{s} 的感受野，每一层中都已标出。"),
    ("{n:layer}: {d:dim}", "{n}：{d}"),
    ("{n:layer}", "{n}"),
    ("unit ({u}) of the last layer sees input rows {r}, columns {c}: {s:dim} pixels",
     "最后一层的单元 ({u}) 看到输入的第 {r} 行、第 {c} 列：{s} 个像素"),
    ("The region reaches past the border into the zero padding in: {n:layerlist} (drawn clipped).",
     "在这些层中，该区域越过边界伸进了补零：{n}（图中已截断）。"),
    ("output", "输出"),
    ("receptive field", "感受野"),
    ("jump", "跳距"),
    ("start", "起点"),
    ("{f}: after a 2×2 pooling each later convolution sees twice the region (Lecture 3.6).",
     "{f}：经过 2×2 池化之后，后面的每个卷积看到的区域都大一倍（课件 3.6）。"),
    # -- SensitivityMap ----------------------------------------------------------------------------------
    ("Sensitivity map: δ back through a convolution (Lecture {r:refs})", "敏感度图：δ 反向穿过卷积层（课件 {r}）"),
    ("{p:num}: {a:dim} input, {b:dim} filter, stride {s:num}", "{p}：{a} 输入，{b} 卷积核，步长 {s}"),
    ("{p:num}: {a:dim} input, {b:dim} filter, stride {s:num} (δ dilated)", "{p}：{a} 输入，{b} 卷积核，步长 {s}（δ 插零）"),
    ("{a:dim} input, {b:dim} filter, stride {s:num}", "{a} 输入，{b} 卷积核，步长 {s}"),
    ("∂E/∂a: which δ and w reach a cell", "∂E/∂a：哪些 δ 和 w 到达一个单元"),
    ("∂E/∂w = input ⋆ δ (weight gradient)", "∂E/∂w = 输入 ⋆ δ（权重的梯度）"),
    ("Cell {a} of the {d:dim} layer l−1: {n:num} δ·w term{s:plural} reach it, ∂E/∂{a} = {v:num}, the same as the "
     "full convolution of the padded δ with the filter rotated 180°.",
     "第 l−1 层（{d}）的单元 {a}：有 {n} 个 δ·w 项到达它，∂E/∂{a} = {v}，"
     "与“full” 模式卷积（旋转 180° 的卷积核在补零后的 δ 上滑动）的结果相同。"),
    ("Weight {w} of the {d:dim} filter met {k:num} input cells; ∂E/∂{w} = {v:num}.",
     "{d} 卷积核的权重 {w} 在前向计算中与 {k} 个输入单元相乘；∂E/∂{w} = {v}。"),
    ("layer l−1: a", "第 l−1 层：a"),
    ("filter w", "卷积核 w"),
    ("δˡ dilated, padded by F−1", "δˡ 插零，再补零 F−1"),
    ("δˡ padded by F−1", "δˡ 补零 F−1"),
    ("δˡ dilated", "δˡ 插零"),
    ("w rotated 180°", "w 旋转 180°"),
    ("full conv = ∂E/∂a", "full 卷积 = ∂E/∂a"),
    ("full convolution at ({i}): {x}", "({i}) 处的“full” 模式卷积：{x}"),
    ("{n:num} term{s:plural}: {a} took part in {n} output{t:plural} in the forward pass (its participation count). "
     "Multiply by f′(netˡ⁻¹) to get δˡ⁻¹ (Lecture 3.8).",
     "{n} 项：{a} 在前向传播中参与了 {n} 个输出的计算（即它参与计算的次数）。乘以 f′(netˡ⁻¹) 就得到 δˡ⁻¹"
     "（课件 3.8）。"),
    ("Stride {s:num}: the zeros inserted between the δ values (grey) restore the map a stride-1 scan would have "
     "had; the skipped positions do not affect E (Lecture 3.9).",
     "步长 {s}：在 δ 的值之间插入的零（灰色）还原出步长为 1 的扫描本会得到的图；跳过的位置不影响 E（课件 3.9）。"),
    ("Weight sharing: {w} met {n:num} input cells (purple), one per output, so its gradient sums those products: "
     "the input correlated with δ (Lecture 3.13).",
     "权值共享：{w} 与 {n} 个输入单元相乘（紫色），每个输出一次，所以它的梯度是这些乘积之和，"
     "也就是输入与 δ 的互相关（课件 3.13）。"),
    ("Weight sharing: {w} met {n:num} input cells (purple), one per output, so its gradient sums those products: "
     "the input correlated with δ after the zeros are inserted (Lecture 3.13).",
     "权值共享：{w} 与 {n} 个输入单元相乘（紫色），每个输出一次，所以它的梯度是这些乘积之和，"
     "也就是输入与插零后的 δ 的互相关（课件 3.13）。"),
    # -- Pooling -------------------------------------------------------------------------------------------
    ("Pooling forward and backward (Lecture {r:refs})", "池化的前向与反向传播（课件 {r}）"),
    ("max", "最大池化"),
    ("mean", "平均池化"),
    ("gaussian (σ = {s:num})", "高斯池化（σ = {s}）"),
    ("trainable (example weights)", "可训练池化（示例权重）"),
    ("{d:dim}, stride {s:num}", "{d}，步长 {s}"),
    ("{d:dim}, stride {s:num} (overlapping)", "{d}，步长 {s}（重叠）"),
    ("{m:pool} pooling, {k:dim} window, stride {s:num}: output cell ({c}) of {o:dim} = {v:num} from input rows {r}, "
     "columns {q}; its δ = {d:num} goes back into that window.",
     "{m}池化，{k} 窗口，步长 {s}：{o} 输出的格子 ({c}) = {v}，来自输入的第 {r} 行、第 {q} 列；"
     "它的 δ = {d} 传回这个窗口。"),
    ("input x (forward)", "输入 x（前向）"),
    ("weights g", "权重 g"),
    ("weights ω", "权重 ω"),
    ("δ from the layer above", "来自后一层的 δ"),
    ("one δ goes back to", "一个 δ 传回到"),
    ("∂E/∂x (all of δ)", "∂E/∂x（全部 δ）"),
    ("backward: {x}", "反向传播：{x}"),
    ("max: {d} goes unchanged to the position of the maximum, {x}; 0 to the others",
     "最大池化：{d} 原样传到最大值所在的位置 {x}；其余位置得 0"),
    ("mean: each of the {n:num} pixels gets {x}", "平均池化：{n} 个像素各得 {x}"),
    ("gaussian: pixel (m, n) of the window gets {x}", "高斯池化：窗口中的像素 (m, n) 得到 {x}"),
    ("trainable: pixel (m, n) of the window gets {x}", "可训练池化：窗口中的像素 (m, n) 得到 {x}"),
    ("Overlapping windows (stride < size): a pixel in several windows collects the δ of each of them (+=).",
     "窗口重叠（步长 < 窗口大小）：落在几个窗口中的像素收集每个窗口的 δ（+=）。"),
    ("Pooling has no weights to learn (trainable pooling learns ω); it only passes δ back (Lecture 3.14). "
     "The depth is unchanged: each map is pooled on its own.",
     "池化没有要学习的权重（可训练池化学习 ω），它只把 δ 传回去（课件 3.14）。深度不变：每张特征图各自池化。"),
    # -- VisualSystem ---------------------------------------------------------------------------------------
    ("The visual system: model cells (Lecture {r:refs})", "视觉系统：模型细胞（课件 {r}）"),
    ("centre–surround cells (DoG)", "中心–周边型细胞（DoG）"),
    ("oriented cells (Gabor)", "朝向型细胞（Gabor）"),
    ("Hubel–Wiesel experiment: bar orientation", "Hubel–Wiesel 实验：光条的朝向"),
    ("lateral inhibition (Mach bands) and LRN", "侧抑制（马赫带）与 LRN"),
    ("An ON-centre cell (centre σ = {a:num} px, surround σ = {b:num} px) and its response to the photograph: "
     "edges and spots respond, uniform areas stay near zero.",
     "一个给光中心（ON）细胞（中心 σ = {a} px，周边 σ = {b} px）及其对照片的响应：边缘和斑点有响应，均匀的区域接近零。"),
    ("A simple cell preferring bars at {t:num}° and its response to the photograph: edges at that orientation "
     "respond most.",
     "一个偏好 {t}° 光条的简单细胞及其对照片的响应：这个朝向的边缘响应最强。"),
    ("A bar at {t:num}° over a cell that prefers horizontal bars: response {r:num}, marked on the tuning curve "
     "over 0–180°.",
     "{t}° 的光条落在偏好水平光条的细胞上：响应为 {r}，标在 0–180° 的调谐曲线上。"),
    ("A luminance staircase seen through cells with surround inhibition k = {k:num}: {m:mach} Beside it, "
     "7 channel activities before and after LRN with α = {a:num}.",
     "透过周边抑制强度 k = {k} 的细胞看亮度阶梯：{m}旁边是 7 个通道的激活值在 α = {a} 的 LRN 前后的对比。"),
    ("ON-centre cell: centre Gaussian σ = {a:num} px minus surround Gaussian σ = {b:num} px; kernel {d:dim}, "
     "Σ w = {s:num}",
     "给光中心细胞：中心高斯 σ = {a} px 减去周边高斯 σ = {b} px；卷积核 {d}，Σ w = {s}"),
    ("simple cell preferring bars at {t:num}° (counter-clockwise from horizontal; Gabor: Gaussian × cosine, "
     "wavelength 8 px)",
     "偏好 {t}° 光条的简单细胞（从水平方向起逆时针计；Gabor：高斯 × 余弦，波长 8 px）"),
    ("the grey photograph the cell looks at", "细胞看到的灰度照片"),
    ("receptive field (red +, blue −)", "感受野（红 +，蓝 −）"),
    ("response (red +, blue −)", "响应（红 +，蓝 −）"),
    ("Light in the centre excites, light in the surround inhibits (Kuffler's retinal ganglion cells; the LGN is "
     "alike): uniform areas give ≈ 0, edges and spots of the cell's size give the strongest responses.",
     "中心的光引起兴奋，周边的光引起抑制（Kuffler 研究的视网膜神经节细胞；外侧膝状体也是这样）："
     "均匀的区域给出 ≈ 0，与细胞大小相当的边缘和斑点给出最强的响应。"),
    ("Hubel & Wiesel (1962): a V1 simple cell answers to an edge or bar of one orientation at one place. A CNN's "
     "first-layer filters learn much the same; the eye itself performs no convolution (Lecture 1.4).",
     "Hubel 和 Wiesel（1962）：V1 的简单细胞只对一个位置上一种朝向的边缘或光条起反应。CNN 第一层的卷积核"
     "学到的也大致如此；但眼睛本身并不做卷积（课件 1.4）。"),
    ("bar at {t:num}°: response = {x}", "{t}° 的光条：响应 = {x}"),
    ("stimulus: bar", "刺激：光条"),
    ("the cell's receptive field", "该细胞的感受野"),
    ("bar orientation (0° = horizontal)", "光条朝向（0° = 水平）"),
    ("The simulated Hubel–Wiesel experiment: the cell fires most for the bar along its receptive field (0°) and "
     "hardly at all across it (90°): orientation tuning.",
     "模拟的 Hubel–Wiesel 实验：光条顺着感受野（0°）时细胞放电最多，横穿它（90°）时几乎不放电：这就是朝向调谐。"),
    ("inhibition strength k = {k:num} (surround weight); {x}", "抑制强度 k = {k}（周边的权重）；{x}"),
    ("luminance staircase", "亮度阶梯"),
    ("dashed: luminance · solid: response", "虚线：亮度 · 实线：响应"),
    ("channel: grey before, orange after LRN", "通道：灰 = LRN 前，橙 = LRN 后"),
    ("LRN: channel 2 (the strongest) {a:num} → {b:num}; its neighbour, channel 1: {c:num} → {d:num}; "
     "channel 6, far from it: {e:num} → {f:num}",
     "LRN：通道 2（最强）{a} → {b}；它的邻居通道 1：{c} → {d}；离它远的通道 6：{e} → {f}"),
    ("Mach bands: each uniform step looks lighter at its bright edge and darker at its dark edge, because "
     "neighbouring cells inhibit each other (lateral inhibition, 侧抑制). With k = 0 the response is the "
     "luminance itself. Local response normalisation (AlexNet) divides each channel by the activity of its "
     "neighbouring channels: the same idea across feature maps (Lecture 1.4).",
     "马赫带：每一级均匀的台阶在亮的一侧边缘看起来更亮，在暗的一侧边缘看起来更暗，因为相邻的细胞相互抑制"
     "（侧抑制）。k = 0 时响应就是亮度本身。局部响应归一化（LRN，AlexNet）把每个通道除以其相邻通道的激活："
     "同样的思想，作用在特征图之间（课件 1.4）。"),
    # -- InsideLeNet -------------------------------------------------------------------------------------------
    ("Inside LeNet-5: feature maps and filters (Lecture {r:refs})", "LeNet-5 内部：特征图与卷积核（课件 {r}）"),
    ("#{k:num} (label {l:num})", "#{k}（标签 {l}）"),
    ("Digit #{k:num} (label {l:num}), predicted {p:num}: {w:t}.", "数字 #{k}（标签 {l}），预测为 {p}：{w}。"),
    ("Digit #{k:num}, predicted {p:num}: {w:t}.", "数字 #{k}，预测为 {p}：{w}。"),
    ("the input image", "输入图像"),
    ("the output of layer {n:layer}, {s}", "{n} 层的输出，{s}"),
    ("the output of layer {n:layer}, {s}, and the learned filters of {n}", "{n} 层的输出，{s}，以及 {n} 学到的卷积核"),
    ("predicted {p:num}", "预测为 {p}"),
    ("predicted {p:num}, label {l:num}", "预测为 {p}，标签 {l}"),
    ("digit #{k:num}, input {d:dim}", "数字 #{k}，输入 {d}"),
    ("{n:layer}: {c:num} maps {d:dim} (range {a:num} … {b:num})", "{n}：{c} 张 {d} 的特征图（范围 {a} … {b}）"),
    ("{n:layer}: {c:num} values", "{n}：{c} 个值"),
    ("{n:layer}: {c:num} values (class outputs; orange = the prediction)", "{n}：{c} 个值（类别输出；橙色 = 预测）"),
    ("filters of {n:layer}: columns = output maps, rows = input maps", "{n} 的卷积核：列 = 输出特征图，行 = 输入特征图"),
    ("({w:t}, {f:dim}; red +, blue −)", "（{w}，{f}；红 +，蓝 −）"),
    ("first {a:num} of {b:num} filters, first {c:num} of {d:num} input maps",
     "{b} 个卷积核中的前 {a} 个，{d} 张输入特征图中的前 {c} 张"),
    ("{a:num} filters × {b:num} input map{s:plural}", "{a} 个卷积核 × {b} 张输入特征图"),
    ("{n:layer} output: {s} for this digit.", "这个数字在 {n} 层的输出：{s}。"),
    ("input output: {s} for this digit.", "这个数字的输入：{s}。"),
    ("{n:layer} output: {s} for this digit. (untrained model: random filters; pass the trained one)",
     "这个数字在 {n} 层的输出：{s}。（未训练的模型：卷积核是随机的；请传入训练好的模型）"),
    ("input output: {s} for this digit. (untrained model: random filters; pass the trained one)",
     "这个数字的输入：{s}。（未训练的模型：卷积核是随机的；请传入训练好的模型）"),
]
