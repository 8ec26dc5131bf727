r"""Loss functions (criteria). Each has ``forward(scores, y) -> mean loss``,
``backward() -> ∂loss/∂scores``, ``predict(scores) -> labels`` and
``probabilities(scores)``.

* :class:`SoftmaxCrossEntropy` — scores are logits ``z``:
  ``E = −(1/B) Σ_b log softmax(z_b)[y_b]``, ``∂E/∂z = (softmax(z) − onehot(y))/B``.
* :class:`RBFMAPLoss` — scores are RBF distances ``y_i`` (smaller = better);
  LeCun et al. (1998) eq. 9, the MAP criterion::

      E = (1/B) Σ_b [ y_{D_b} + log(e^{−j} + Σ_i e^{−y_i}) ]

  i.e. a softmax cross-entropy over logits ``−y_i`` plus one extra "rubbish"
  class with constant logit ``−j``. The first term pulls the correct class's
  prototype in, the second pushes the other classes out (so the classifier
  cannot collapse), and e^{−j} stops already-large distances from being
  pushed further. ``∂E/∂y_i = (1[i = D] − p_i)/B`` with ``p_i = e^{−y_i}/(e^{−j} + Σ_k e^{−y_k})``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["SoftmaxCrossEntropy", "RBFMAPLoss", "check_labels", "softmax"]


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def check_labels(y, n: int, num_classes: int, name: str = "y") -> np.ndarray:
    """Return ``y`` as int64 of length ``n``; a clear error naming ``name`` otherwise."""
    y = np.asarray(y)
    if y.ndim != 1 or y.shape[0] != n:
        raise ValueError(f"{name} must be a 1-D array of {n} labels (one per image); got shape {y.shape}")
    if not (np.issubdtype(y.dtype, np.integer) or (np.issubdtype(y.dtype, np.floating) and np.all(y == np.round(y)))):
        raise TypeError(f"{name} must hold integer class labels; got dtype {y.dtype}")
    y = y.astype(np.int64)
    if n and (y.min() < 0 or y.max() >= num_classes):
        bad = int(np.flatnonzero((y < 0) | (y >= num_classes))[0])
        raise ValueError(f"{name} must hold labels in [0, {num_classes}); got {y[bad]} at index {bad}")
    return y


class SoftmaxCrossEntropy:
    """Softmax + cross-entropy on logits ``(B, classes)``."""

    def forward(self, scores, y):
        y = check_labels(y, scores.shape[0], scores.shape[1])
        z = scores.astype(np.float64) - scores.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        self._p, self._y, self._dtype = np.exp(logp), y, scores.dtype
        return float(-logp[np.arange(len(y)), y].mean())

    def backward(self):
        d = self._p.copy()
        d[np.arange(len(self._y)), self._y] -= 1
        return (d / len(self._y)).astype(self._dtype)

    def predict(self, scores):
        return np.argmax(scores, axis=1)

    def probabilities(self, scores):
        return softmax(scores.astype(np.float64))

    def __repr__(self):
        return "SoftmaxCrossEntropy()"


class RBFMAPLoss:
    """LeNet-5's MAP criterion on RBF distances (eq. 9 of LeCun et al. 1998), constant ``j``."""

    def __init__(self, j: float = 1.0):
        self.j = float(j)

    def forward(self, scores, y):
        y = check_labels(y, scores.shape[0], scores.shape[1])
        d = scores.astype(np.float64)
        logits = np.concatenate([-d, np.full((len(d), 1), -self.j)], axis=1)
        m = logits.max(axis=1, keepdims=True)
        lse = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))
        self._p = np.exp(logits[:, :-1] - lse[:, None])
        self._y, self._dtype = y, scores.dtype
        return float((d[np.arange(len(y)), y] + lse).mean())

    def backward(self):
        g = -self._p
        g[np.arange(len(self._y)), self._y] += 1
        return (g / len(self._y)).astype(self._dtype)

    def predict(self, scores):
        return np.argmin(scores, axis=1)

    def probabilities(self, scores):
        return softmax(-scores.astype(np.float64))

    def __repr__(self):
        return f"RBFMAPLoss(j={self.j})"
