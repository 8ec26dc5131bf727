r"""Layer-by-layer summary of a model or an architecture description — computed from shapes only.

``summary(model, input_shape)`` walks the layers, asking each for its output
shape, parameter count and connection count (no weight is allocated, so it
works for VGG-16's 138 million parameters), and computes every layer's
receptive field with :func:`cnnlab.arithmetic.receptive_field`.

Counting conventions
--------------------
* **params** — trainable parameters (weights + biases; BatchNorm's γ, β).
  Buffers are not parameters: BatchNorm's running statistics, and LeNet-5's
  fixed RBF prototypes (84 × 10 = 840 values set by hand, never trained) which
  appear in the separate **fixed** column. This matches torchvision's
  ``num_params`` and the paper's "60,000 trainable parameters".
* **connections** — as LeCun et al. (1998) count them: for every output unit,
  each weighted input plus its bias. A convolution has ``H'·W'·Σ_n (fan_in_n + 1)``
  (shared weights are counted at every position), a dense layer
  ``out·(in + 1)``, LeNet's subsampling 5 per unit, an RBF unit one per input
  (84 × 10 = 840); layers without weights (ReLU, max pooling, dropout, LRN) 0.
  LeNet-5's total is the paper's 340,908.
* **receptive_field** — side length (in input pixels) of the input region one
  unit of the layer sees; a dense layer sees all of its input maps.
"""

from __future__ import annotations

import html
from typing import NamedTuple

from .arithmetic import receptive_field
from .layers.base import Layer, Sequential, by_name

__all__ = ["summary", "Summary", "SummaryRow"]


class SummaryRow(NamedTuple):
    name: str
    kind: str
    output_shape: tuple
    params: int
    fixed_params: int
    connections: int
    receptive_field: int | None


def _fmt_shape(shape):
    return "×".join(str(s) for s in shape)


class Summary:
    """Result of :func:`summary`: ``rows`` (a list of :class:`SummaryRow`), totals, and a printable table.

    ``str(s)`` / ``print(s)`` gives a text table, a notebook shows an HTML one;
    ``s["C3"]`` picks a row by name; ``s.to_dicts()`` gives plain data.
    """

    columns = ("name", "kind", "output_shape", "params", "fixed_params", "connections", "receptive_field")

    def __init__(self, title, input_shape, rows):
        self.title, self.input_shape, self.rows = title, tuple(input_shape), list(rows)
        self.total_params = sum(r.params for r in self.rows)
        self.total_fixed_params = sum(r.fixed_params for r in self.rows)
        self.total_connections = sum(r.connections for r in self.rows)

    @property
    def param_memory_mb(self) -> float:
        """Memory of the trainable parameters in float32, in MB (10⁶ bytes)."""
        return 4 * self.total_params / 1e6

    def __getitem__(self, key):
        return by_name(self.rows, key, "row")

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def to_dicts(self) -> list[dict]:
        return [r._asdict() for r in self.rows]

    def _table(self):
        show_fixed = self.total_fixed_params > 0
        head = ["layer", "kind", "output", "params"] + (["fixed"] if show_fixed else []) + ["connections", "RF"]
        body = []
        for r in self.rows:
            body.append([r.name, r.kind, _fmt_shape(r.output_shape), f"{r.params:,}"]
                        + ([f"{r.fixed_params:,}" if r.fixed_params else ""] if show_fixed else [])
                        + [f"{r.connections:,}", "" if r.receptive_field is None else str(r.receptive_field)])
        total = ["total", "", "", f"{self.total_params:,}"] + ([f"{self.total_fixed_params:,}"] if show_fixed else []) \
            + [f"{self.total_connections:,}", ""]
        return head, body, total

    def __str__(self):
        head, body, total = self._table()
        widths = [max(len(row[i]) for row in [head, total] + body) for i in range(len(head))]
        right = {i for i, h in enumerate(head) if h in ("params", "fixed", "connections", "RF")}

        def line(cells):
            return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))

        rule = "-" * len(line(head))
        return "\n".join([f"{self.title} — input {_fmt_shape(self.input_shape)}", line(head), rule]
                         + [line(b) for b in body] + [rule, line(total)]
                         + [f"trainable parameters: {self.total_params:,} ({self.param_memory_mb:.1f} MB as float32)"])

    def __repr__(self):
        return str(self)

    def _repr_html_(self):
        head, body, total = self._table()
        right = {i for i, h in enumerate(head) if h in ("params", "fixed", "connections", "RF")}

        def tr(cells, tag="td", style=""):
            return "<tr%s>" % style + "".join(
                f'<{tag} style="text-align:{"right" if i in right else "left"}">{html.escape(c)}</{tag}>'
                for i, c in enumerate(cells)) + "</tr>"

        return (f"<table class='cnnlab-summary'><caption>{html.escape(self.title)} — input "
                f"{html.escape(_fmt_shape(self.input_shape))}</caption><thead>{tr(head, 'th')}</thead><tbody>"
                + "".join(tr(b) for b in body) + "</tbody><tfoot>" + tr(total, "th") + "</tfoot></table>"
                + f"<p>trainable parameters: {self.total_params:,} ({self.param_memory_mb:.1f} MB as float32)</p>")


def summary(model_or_arch, input_shape=None) -> Summary:
    """Summarise a model (e.g. :func:`cnnlab.models.lenet5`) or an architecture description
    (e.g. :func:`cnnlab.architectures.vgg16`) without allocating weights.

    Parameters
    ----------
    model_or_arch : Sequential, a single layer, or a list of layers
        A list is summarised as ``Sequential(layers)`` (unnamed layers get
        ``"<kind><index>"`` names).
    input_shape : tuple, optional
        Per-sample input shape ``(D, H, W)``; a leading batch axis ``(B, D, H, W)`` is ignored.
        Defaults to the model's ``input_shape``.

    Returns
    -------
    Summary
        One row per top-level layer (a residual block is one row).
    """
    if isinstance(model_or_arch, (list, tuple)):
        model_or_arch = Sequential(model_or_arch)
    if not isinstance(model_or_arch, Layer):
        raise TypeError(f"model_or_arch must be a Sequential, a layer or a list of layers; "
                        f"got {type(model_or_arch).__name__}")
    if input_shape is None:
        input_shape = getattr(model_or_arch, "input_shape", None)
        if input_shape is None:
            raise ValueError("input_shape is required: this model does not record one, e.g. input_shape=(1, 32, 32)")
    input_shape = tuple(int(v) for v in input_shape)
    if len(input_shape) == 4:
        input_shape = input_shape[1:]
    layers = model_or_arch.layers if isinstance(model_or_arch, Sequential) else [model_or_arch]
    shape, staged = input_shape, []
    for layer in layers:
        try:
            out = layer.output_shape(shape)
        except ValueError as e:
            raise ValueError(f"input_shape {input_shape}: layer {layer.name!r} cannot take {shape}: {e}") from None
        trainable, fixed = layer.param_count(shape)
        staged.append((layer, tuple(out), trainable, fixed, layer.connections(shape), layer.rf_ops(shape)))
        shape = out
    all_ops = [op for s in staged for op in s[5]]
    sizes = [r.size for r in receptive_field(all_ops)] if all_ops else []
    rows, k, rf = [], 0, None
    for layer, out, trainable, fixed, conns, ops in staged:
        k += len(ops)
        if ops:
            rf = sizes[k - 1]
        rows.append(SummaryRow(layer.name, layer.kind, out, int(trainable), int(fixed), int(conns), rf))
    title = getattr(model_or_arch, "name", None) or type(model_or_arch).__name__
    return Summary(title, input_shape, rows)
