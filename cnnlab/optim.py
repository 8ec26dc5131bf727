r"""Optimisers: SGD (momentum, weight decay) and Adam.

An optimiser updates a model's parameters **in place** from the gradients of
its last ``backward``::

    opt = SGD(lr=0.05, momentum=0.9)
    model.forward(x); model.backward(dloss)
    opt.step(model)          # uses model.params and model.grads (same keys)

Nothing here draws random numbers (the randomness of training — initial
weights, shuffling, dropout — is seeded where it is drawn).

Notes
-----
SGD with momentum μ and weight decay λ (PyTorch's convention)::

    g ← ∇E + λ·w;   v ← μ·v + g;   w ← w − η·v
    (nesterov: w ← w − η·(g + μ·v))

Adam (Kingma & Ba 2015) with β₁, β₂, ε::

    m ← β₁m + (1−β₁)g;   v ← β₂v + (1−β₂)g²;   w ← w − η·m̂/(√v̂ + ε),
    m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ)
"""

from __future__ import annotations

import numpy as np

__all__ = ["Optimizer", "SGD", "Adam"]


class Optimizer:
    """Base class: keeps per-parameter state keyed by the parameter's name."""

    def __init__(self, lr: float):
        if not lr > 0:
            raise ValueError(f"lr must be > 0; got {lr!r}")
        self.lr = float(lr)
        self.state: dict[str, dict] = {}
        self.t = 0

    def step(self, model_or_params, grads=None) -> None:
        """Update parameters in place: ``step(model)`` or ``step(params, grads)`` (two dicts with equal keys)."""
        if grads is None:
            params, grads = model_or_params.params, model_or_params.grads
        else:
            params = model_or_params
        missing = [k for k in params if k not in grads]
        if missing:
            raise RuntimeError(f"no gradient for {missing[:3]}…: call model.backward(dout) before step()")
        self.t += 1
        for key, p in params.items():
            self._update(key, p, grads[key])

    def _update(self, key, p, g):  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self):
        extra = ", ".join(f"{k}={v}" for k, v in self._hyper().items())
        return f"{type(self).__name__}(lr={self.lr}{', ' + extra if extra else ''})"

    def _hyper(self):
        return {}


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay."""

    def __init__(self, lr: float = 0.01, momentum: float = 0.0, weight_decay: float = 0.0, nesterov: bool = False):
        super().__init__(lr)
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1); got {momentum!r}")
        if weight_decay < 0:
            raise ValueError(f"weight_decay must be >= 0; got {weight_decay!r}")
        self.momentum, self.weight_decay, self.nesterov = float(momentum), float(weight_decay), bool(nesterov)

    def _hyper(self):
        return {"momentum": self.momentum, "weight_decay": self.weight_decay, "nesterov": self.nesterov}

    def _update(self, key, p, g):
        if self.weight_decay:
            g = g + self.weight_decay * p
        if self.momentum:
            v = self.state.setdefault(key, {}).get("v")
            v = g.copy() if v is None else self.momentum * v + g
            self.state[key]["v"] = v
            g = g + self.momentum * v if self.nesterov else v
        p -= (self.lr * g).astype(p.dtype, copy=False)


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015); ``weight_decay`` adds λ·w to the gradient (L2, not AdamW)."""

    def __init__(self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
                 weight_decay: float = 0.0):
        super().__init__(lr)
        for name, b in (("beta1", beta1), ("beta2", beta2)):
            if not 0 <= b < 1:
                raise ValueError(f"{name} must be in [0, 1); got {b!r}")
        self.beta1, self.beta2 = float(beta1), float(beta2)
        self.eps, self.weight_decay = float(eps), float(weight_decay)

    def _hyper(self):
        return {"beta1": self.beta1, "beta2": self.beta2, "eps": self.eps, "weight_decay": self.weight_decay}

    def _update(self, key, p, g):
        if self.weight_decay:
            g = g + self.weight_decay * p
        st = self.state.setdefault(key, {"m": np.zeros_like(p), "v": np.zeros_like(p), "t": 0})
        st["t"] += 1
        st["m"] *= self.beta1
        st["m"] += (1 - self.beta1) * g
        st["v"] *= self.beta2
        st["v"] += (1 - self.beta2) * (g * g)
        # w -= lr · m̂ / (√v̂ + ε), computed in place: √v̂ = √v / √(1 − β₂ᵗ), m̂ = m / (1 − β₁ᵗ)
        denom = np.sqrt(st["v"])
        denom /= np.sqrt(1 - self.beta2 ** st["t"])
        denom += self.eps
        step = np.divide(st["m"], denom, out=denom)
        step *= self.lr / (1 - self.beta1 ** st["t"])
        p -= step.astype(p.dtype, copy=False)
