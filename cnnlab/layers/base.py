r"""The layer protocol and the :class:`Sequential` container.

A layer is an object with

* ``name`` — shown by ``summary`` and in ``Sequential.params`` keys (``"C1.w"``);
* ``forward(x, train=True) -> out`` — keeps what ``backward`` needs;
* ``backward(dout) -> dx`` — ``dout = ∂E/∂out`` (the sensitivity map δ of the
  layer's output), stores ``∂E/∂param`` in ``grads`` and returns ``∂E/∂x``;
* ``params`` / ``grads`` — dicts of trainable arrays and their gradients (same
  keys); ``buffers`` — arrays that are not trained (BatchNorm's running
  statistics, LeNet-5's fixed RBF prototypes).

Parameters are allocated lazily (on first ``forward`` or ``params`` access), and
a layer can describe itself from shapes alone (``output_shape``,
``param_count``, ``connections``, ``rf_ops``). That is what lets
:func:`cnnlab.summary.summary` count the 138 million weights of VGG-16 without
allocating one of them.

Shapes in the description methods are per sample, without the batch axis:
``(D, H, W)`` for maps, ``(n,)`` for vectors.
"""

from __future__ import annotations

import math

import numpy as np

from ..init import as_generator

__all__ = ["Layer", "Sequential", "prod", "by_name", "flatten_input"]


def prod(shape) -> int:
    return int(math.prod(shape))


def by_name(items, key, what="layer"):
    """``items[key]`` for an int/slice key; the item whose ``.name`` is ``key`` for a str key."""
    if not isinstance(key, str):
        return items[key]
    for item in items:
        if item.name == key:
            return item
    raise KeyError(f"no {what} named {key!r}; {what}s: {[item.name for item in items]}")


class Layer:
    """Base class. Subclasses override ``forward``, ``backward`` and the description methods."""

    #: short kind shown in summaries ("conv", "pool", "dense", …)
    kind = "layer"

    def __init__(self, name: str | None = None, dtype=np.float32):
        self.name = name
        self.dtype = np.dtype(dtype)
        self._params: dict[str, np.ndarray] | None = None
        self.grads: dict[str, np.ndarray] = {}
        self.buffers: dict[str, np.ndarray] = {}
        self.need_input_grad = True

    # -- parameters ------------------------------------------------------------------
    @property
    def params(self) -> dict:
        """Trainable arrays, allocated (from the layer's seed) on first access."""
        if self._params is None:
            self._params = {k: np.asarray(v, dtype=self.dtype) for k, v in self._init_params().items()}
        return self._params

    def _init_params(self) -> dict:
        return {}

    @property
    def built(self) -> bool:
        return self._params is not None

    def to(self, dtype) -> "Layer":
        """Cast parameters and buffers to ``dtype`` (float64 for gradient checks); returns ``self``."""
        self.dtype = np.dtype(dtype)
        for d in (self.params, self.buffers):
            for k in d:
                d[k] = d[k].astype(self.dtype)
        return self

    def zero_grad(self) -> None:
        self.grads = {}

    # -- computation -----------------------------------------------------------------
    def forward(self, x, train: bool = True):  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, dout):  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, x, train: bool = True):
        return self.forward(x, train=train)

    # -- description from shapes (no weights allocated) --------------------------------
    def output_shape(self, in_shape: tuple) -> tuple:
        return tuple(in_shape)

    def param_count(self, in_shape: tuple) -> tuple[int, int]:
        """``(trainable, fixed)`` parameter counts."""
        return 0, 0

    def connections(self, in_shape: tuple) -> int:
        """Connections as LeCun et al. (1998) count them: for every output unit, each weighted
        input plus its bias. Layers without weights have 0."""
        return 0

    def rf_ops(self, in_shape: tuple) -> list:
        """``(kind, F, S, P)`` steps this layer adds to the receptive-field recursion."""
        return []

    def _extra_repr(self) -> str:
        return ""

    def __repr__(self):
        extra = self._extra_repr()
        name = f"{self.name!r}" if self.name else ""
        sep = ", " if name and extra else ""
        return f"{type(self).__name__}({name}{sep}{extra})"


def _check_x(x, name="x") -> np.ndarray:
    if not isinstance(x, np.ndarray):
        x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"{name} must be a float array (convert images with cnnlab.models.prepare_digits); "
                        f"got dtype {x.dtype}")
    return x


def flatten_input(layer, x, n_features):
    """Check that ``x`` (B, …) has ``n_features`` values per sample; return it as (B, n_features) in the
    layer's dtype, remembering the original shape in ``layer._shape`` for the backward pass."""
    x = _check_x(x)
    if prod(x.shape[1:]) != n_features:
        raise ValueError(f"{layer.name}: x must have {n_features} values per sample; got shape {x.shape}")
    layer._shape = x.shape
    return x.reshape(x.shape[0], -1).astype(layer.dtype, copy=False)


class Sequential(Layer):
    """Layers applied one after the other, with the layer interface itself.

    Parameters
    ----------
    layers : sequence of Layer
        Names must be unique; unnamed layers get ``"<kind><index>"``.
    name : str, optional
    input_shape : tuple, optional
        Per-sample input shape, e.g. ``(1, 32, 32)``; when given, ``forward``
        rejects other shapes with a message naming ``x``.
    num_classes : int, optional
        Number of classes of the output (used by ``fit`` to check labels).
    loss : loss object, optional
        The criterion this model is trained with (``fit`` uses it by default).
    input_grad : bool, default False
        Whether ``backward`` computes ∂E/∂x for the first layer (nobody needs it
        when training; gradient checks turn it on).
    """

    kind = "sequential"

    def __init__(self, layers, name=None, input_shape=None, num_classes=None, loss=None, input_grad=False):
        super().__init__(name)
        self.layers = list(layers)
        seen = set()
        for i, layer in enumerate(self.layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"layers[{i}] must be a Layer; got {type(layer).__name__}")
            if layer.name is None:
                layer.name = f"{layer.kind}{i}"
            if layer.name in seen:
                raise ValueError(f"duplicate layer name {layer.name!r} at layers[{i}]")
            seen.add(layer.name)
        self.input_shape = None if input_shape is None else tuple(input_shape)
        self.num_classes = num_classes
        self.loss = loss
        self.input_grad = input_grad

    @property
    def input_grad(self):
        return self._input_grad

    @input_grad.setter
    def input_grad(self, value):
        self._input_grad = bool(value)
        if self.layers:
            self.layers[0].need_input_grad = self._input_grad

    @property
    def params(self):
        return {f"{l.name}.{k}": v for l in self.layers for k, v in l.params.items()}

    @property
    def grads(self):
        return {f"{l.name}.{k}": v for l in self.layers for k, v in l.grads.items()}

    @grads.setter
    def grads(self, value):  # Layer.__init__ assigns {}
        pass

    @property
    def buffers(self):
        return {f"{l.name}.{k}": v for l in self.layers for k, v in l.buffers.items()}

    @buffers.setter
    def buffers(self, value):
        pass

    @property
    def built(self):
        return all(l.built for l in self.layers)

    def build(self) -> "Sequential":
        """Allocate every layer's parameters now (in layer order)."""
        for l in self.layers:
            if hasattr(l, "build"):
                l.build()
            else:
                l.params
        return self

    def to(self, dtype):
        self.dtype = np.dtype(dtype)
        for l in self.layers:
            l.to(dtype)
        return self

    def state_dict(self) -> dict:
        """Copies of every parameter and buffer, keyed ``"<layer>.<name>"`` (save with ``np.savez``)."""
        return {k: v.copy() for d in (self.params, self.buffers) for k, v in d.items()}

    def load_state_dict(self, state) -> "Sequential":
        """Copy arrays from ``state`` (e.g. ``np.load("weights.npz")``) into the model, in place.
        Keys and shapes must match exactly."""
        own = {**self.params, **self.buffers}
        missing, unexpected = sorted(set(own) - set(state)), sorted(set(state) - set(own))
        if missing or unexpected:
            raise KeyError(f"state does not match the model: missing {missing[:5]}, unexpected {unexpected[:5]}")
        for k, v in own.items():
            if np.shape(state[k]) != v.shape:
                raise ValueError(f"state[{k!r}] has shape {np.shape(state[k])}; the model's is {v.shape}")
            v[...] = state[k]
        return self

    def zero_grad(self):
        for l in self.layers:
            l.zero_grad()

    def check_input(self, x) -> np.ndarray:
        """Validate a batch ``x`` against ``input_shape``; returns it as an array."""
        x = _check_x(x)
        if self.input_shape is not None and tuple(x.shape[1:]) != self.input_shape:
            hint = ""
            if x.shape[1:] == (28, 28) or x.shape[1:] == (1, 28, 28):
                hint = " (pad 28×28 digits to 32×32 with cnnlab.models.prepare_digits)"
            raise ValueError(f"x must have shape (batch, {', '.join(map(str, self.input_shape))}) for "
                             f"{self.name or 'this model'}; got {tuple(x.shape)}{hint}")
        return x

    def forward(self, x, train=True):
        x = self.check_input(x)
        for l in self.layers:
            x = l.forward(x, train=train)
        return x

    def forward_all(self, x, train=False) -> list:
        """Run the model and return ``[(layer name, output), …]`` — for looking inside (feature maps)."""
        x = self.check_input(x)
        outs = []
        for l in self.layers:
            x = l.forward(x, train=train)
            outs.append((l.name, x))
        return outs

    def backward(self, dout):
        for l in reversed(self.layers):
            dout = l.backward(dout)
        return dout

    # description
    def output_shape(self, in_shape):
        for l in self.layers:
            in_shape = l.output_shape(in_shape)
        return in_shape

    def param_count(self, in_shape):
        t = f = 0
        for l in self.layers:
            a, b = l.param_count(in_shape)
            t, f = t + a, f + b
            in_shape = l.output_shape(in_shape)
        return t, f

    def connections(self, in_shape):
        c = 0
        for l in self.layers:
            c += l.connections(in_shape)
            in_shape = l.output_shape(in_shape)
        return c

    def rf_ops(self, in_shape):
        ops = []
        for l in self.layers:
            ops += l.rf_ops(in_shape)
            in_shape = l.output_shape(in_shape)
        return ops

    def __len__(self):
        return len(self.layers)

    def __getitem__(self, key):
        return by_name(self.layers, key)

    def __iter__(self):
        return iter(self.layers)

    def __repr__(self):
        head = f"Sequential({self.name!r}" if self.name else "Sequential("
        if self.input_shape:
            head += f"{', ' if self.name else ''}input_shape={self.input_shape}"
        body = "".join(f"\n  {l!r}".replace("\n", "\n  ") if isinstance(l, Sequential) else f"\n  {l!r}"
                       for l in self.layers)
        return head + ")[" + body + "\n]"
