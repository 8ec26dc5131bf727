r"""The layer protocol, the :class:`Container` base and the :class:`Sequential` container.

A layer is an object with

* ``name`` — shown by ``summary`` and in ``Sequential.params`` keys (``"C1.w"``);
* ``forward(x, train=True) -> out`` — keeps what ``backward`` needs;
* ``backward(dout) -> dx`` — ``dout = ∂E/∂out`` (the sensitivity map δ of the
  layer's output), stores ``∂E/∂param`` in ``grads`` and returns ``∂E/∂x``
  (``None`` when ``input_grad`` is False: a network's first layer needs none);
* ``params`` / ``grads`` — dicts of trainable arrays and their gradients (same
  keys); ``buffers`` — arrays that are not trained (BatchNorm's running
  statistics, LeNet-5's fixed RBF prototypes).

A :class:`Container` (:class:`Sequential`, :class:`~cnnlab.layers.ResidualBlock`)
is a layer made of child layers: its ``params``, ``grads``, ``buffers``, dtype,
``state_dict`` and description are its children's, keyed ``"<child>.<key>"``.

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

from .._checks import as_float_array

__all__ = ["Layer", "Container", "Sequential", "FlatShape", "prod", "by_name", "flatten_input", "check_batch"]


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


class FlatShape(tuple):
    """A per-sample shape ``(n,)`` made by flattening maps ``(D, H, W)``: it remembers
    ``map_shape`` so that the dense layer after it can describe its receptive
    field (it sees the whole map, like an ``H × W`` convolution)."""

    map_shape: tuple

    def __new__(cls, map_shape):
        shape = super().__new__(cls, (prod(map_shape),))
        shape.map_shape = tuple(map_shape)
        return shape


class Layer:
    """Base class. Subclasses override ``forward``, ``backward`` and the description methods."""

    #: short kind shown in summaries ("conv", "pool", "dense", …)
    kind = "layer"

    def __init__(self, name: str | None = None, dtype=np.float32):
        self.name = name
        self.dtype = np.dtype(dtype)
        self._params: dict[str, np.ndarray] | None = None
        self.input_grad = True  # False: backward skips ∂E/∂x and returns None

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
    def grads(self) -> dict:
        """``∂E/∂param`` of the last backward pass, keyed like ``params``."""
        return self.__dict__.setdefault("_grads", {})

    @grads.setter
    def grads(self, value):
        self._grads = dict(value)

    @property
    def buffers(self) -> dict:
        """Arrays that belong to the layer but are not trained."""
        return self.__dict__.setdefault("_buffers", {})

    @buffers.setter
    def buffers(self, value):
        self._buffers = dict(value)

    @property
    def built(self) -> bool:
        return self._params is not None

    def build(self) -> "Layer":
        """Allocate the parameters now (they are otherwise allocated on first use)."""
        self.params
        return self

    def to(self, dtype) -> "Layer":
        """Cast parameters and buffers to ``dtype`` (float64 for gradient checks); returns ``self``."""
        self.dtype = np.dtype(dtype)
        for d in (self.params, self.buffers):
            for k in d:
                d[k] = d[k].astype(self.dtype)
        return self

    def zero_grad(self) -> None:
        self.grads = {}

    def state_dict(self) -> dict:
        """Copies of every parameter and buffer (save with ``np.savez``)."""
        return {k: v.copy() for d in (self.params, self.buffers) for k, v in d.items()}

    def load_state_dict(self, state) -> "Layer":
        """Copy arrays from ``state`` (e.g. ``np.load("weights.npz")``) into the layer, in place.

        Atomic: every key, shape, dtype and value is checked before anything is
        replaced, so a bad file leaves the model as it was.

        Raises
        ------
        KeyError
            Keys missing from ``state``, or keys the model does not have.
        ValueError
            An array of the wrong shape, or with NaN or infinite values.
        TypeError
            An array that does not hold real numbers.
        """
        own = {**self.params, **self.buffers}
        missing, unexpected = sorted(set(own) - set(state)), sorted(set(state) - set(own))
        if missing or unexpected:
            raise KeyError(f"state does not match the model: missing {missing[:5]}, unexpected {unexpected[:5]}")
        checked = {}
        for k, v in own.items():
            new = as_float_array(state[k], f"state[{k!r}]")
            if new.shape != v.shape:
                raise ValueError(f"state[{k!r}] has shape {new.shape}; the model's is {v.shape}")
            if not np.isfinite(new).all():
                raise ValueError(f"state[{k!r}] holds NaN or infinite values; the model was left unchanged")
            checked[k] = new
        for k, v in own.items():
            v[...] = checked[k]
        return self

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


def check_batch(x, name: str | None = None, ndim: int | None = None, axes: str = "") -> np.ndarray:
    """A layer's input as a float array (a clear error for ints, uint8 images, wrong ``ndim``)."""
    if not isinstance(x, np.ndarray):
        x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"x must be a float array (convert images with cnnlab.models.prepare_digits); "
                        f"got dtype {x.dtype}")
    if ndim is not None and x.ndim != ndim:
        raise ValueError(f"{name}: x must have shape {axes}; got {x.shape}")
    return x


def flatten_input(layer, x, n_features):
    """Check that ``x`` (B, …) has ``n_features`` values per sample; return it as (B, n_features) in the
    layer's dtype, remembering the original shape in ``layer._shape`` for the backward pass."""
    x = check_batch(x)
    if prod(x.shape[1:]) != n_features:
        raise ValueError(f"{layer.name}: x must have {n_features} values per sample; got shape {x.shape}")
    layer._shape = x.shape
    return x.reshape(x.shape[0], -1).astype(layer.dtype, copy=False)


class Container(Layer):
    """A layer made of named child layers; what it holds is what its children hold.

    Subclasses give ``children()`` — ``[(name, layer), …]`` — and the
    computation; ``params``, ``grads``, ``buffers`` (keyed ``"<child>.<key>"``),
    ``built``, ``build``, ``to``, ``zero_grad``, ``state_dict`` and
    ``load_state_dict`` recurse over the children.
    """

    def children(self) -> list:  # pragma: no cover - abstract
        raise NotImplementedError

    def _merged(self, attr) -> dict:
        return {f"{name}.{k}": v for name, child in self.children() for k, v in getattr(child, attr).items()}

    @property
    def params(self):
        return self._merged("params")

    @property
    def grads(self):
        return self._merged("grads")

    @property
    def buffers(self):
        return self._merged("buffers")

    @property
    def built(self):
        return all(child.built for _, child in self.children())

    def build(self) -> "Container":
        """Allocate every child's parameters now (in order)."""
        for _, child in self.children():
            child.build()
        return self

    def to(self, dtype) -> "Container":
        self.dtype = np.dtype(dtype)
        for _, child in self.children():
            child.to(dtype)
        return self

    def zero_grad(self):
        for _, child in self.children():
            child.zero_grad()


class Sequential(Container):
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
        self.layers = list(layers)
        super().__init__(name)
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

    def children(self):
        return [(l.name, l) for l in self.layers]

    @property
    def input_grad(self):
        """Whether ``backward`` returns ∂E/∂x (it is the first layer's ``input_grad``)."""
        return self.layers[0].input_grad if self.layers else False

    @input_grad.setter
    def input_grad(self, value):
        if self.layers:
            self.layers[0].input_grad = bool(value)

    def check_input(self, x) -> np.ndarray:
        """Validate a batch ``x`` against ``input_shape``; returns it as an array."""
        x = check_batch(x)
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

    # description: the shape flows through the layers
    def output_shape(self, in_shape):
        for l in self.layers:
            in_shape = l.output_shape(in_shape)
        return in_shape

    def _walk(self, in_shape, method):
        for l in self.layers:
            yield getattr(l, method)(in_shape)
            in_shape = l.output_shape(in_shape)

    def param_count(self, in_shape):
        counts = list(self._walk(in_shape, "param_count"))
        return sum(c[0] for c in counts), sum(c[1] for c in counts)

    def connections(self, in_shape):
        return sum(self._walk(in_shape, "connections"))

    def rf_ops(self, in_shape):
        return [op for ops in self._walk(in_shape, "rf_ops") for op in ops]

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
