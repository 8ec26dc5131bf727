"""fit/evaluate/predict: learning, determinism, history; optimisers; plots."""

import numpy as np
import pytest

from cnnlab.datasets import load_mnist
from cnnlab.layers import Conv2D, Dense, MaxPool2D, Sequential
from cnnlab.models import lenet5, prepare_digits
from cnnlab.optim import SGD, Adam
from cnnlab.train import History, evaluate, fit, predict, predict_proba, random_shift


@pytest.fixture(scope="module")
def tiny():
    x, y, _, _ = load_mnist(source="bundled")
    idx = np.concatenate([np.flatnonzero(y == c)[:3] for c in range(10)])  # 30 digits, 3 per class
    return prepare_digits(x[idx]), y[idx]


@pytest.mark.parametrize("variant,epochs,lr", [("modern", 15, 3e-3), ("published", 35, 1e-2)])
def test_lenet5_overfits_a_tiny_batch(tiny, variant, epochs, lr):
    x, y = tiny
    m = lenet5(variant, seed=0)
    hist = fit(m, x, y, epochs=epochs, batch_size=30, optimizer=Adam(lr), seed=0, progress=False)
    assert hist.loss[-1] < hist.loss[0]
    assert evaluate(m, x, y).accuracy == 1.0
    np.testing.assert_array_equal(predict(m, x), y)
    p = predict_proba(m, x)
    assert p.shape == (30, 10) and np.allclose(p.sum(1), 1)


def test_fit_is_deterministic_and_records_history(tiny):
    x, y = tiny
    runs = []
    for _ in range(2):
        m = lenet5("modern", seed=1)
        h = fit(m, x, y, epochs=2, batch_size=8, optimizer=SGD(0.05, momentum=0.9, weight_decay=1e-4), seed=5,
                x_val=x[:10], y_val=y[:10], progress=False)
        runs.append((h, m.params["C1.w"].copy()))
    (h1, w1), (h2, w2) = runs
    np.testing.assert_array_equal(w1, w2)
    assert h1.loss == h2.loss and h1.epochs == 2
    assert len(h1.val_accuracy) == len(h1.time) == len(h1.accuracy) == 2
    assert "epoch" in repr(h1) and isinstance(h1, History)
    assert w1.dtype == np.float32


def test_fit_with_progress_bar_and_schedule(tiny, capsys):
    x, y = tiny
    opt = SGD(0.1)
    h = fit(lenet5("modern"), x[:8], y[:8], epochs=2, batch_size=4, optimizer=opt, progress=True,
            lr_schedule=lambda e: 0.1 / (e + 1))
    assert h.lr == [0.1, 0.05]
    assert "training" in capsys.readouterr().err


def test_optimisers_minimise_a_quadratic():
    for opt in (SGD(0.1), SGD(0.05, momentum=0.9, nesterov=True), Adam(0.1, beta1=0.8, beta2=0.99)):
        p = {"w": np.array([3.0, -2.0])}
        for _ in range(300):
            opt.step(p, {"w": 2 * p["w"]})
        assert np.abs(p["w"]).max() < 1e-2, opt
    p = {"w": np.array([1.0])}
    SGD(0.1, weight_decay=0.5).step(p, {"w": np.array([0.0])})
    assert p["w"][0] == pytest.approx(0.95)
    with pytest.raises(ValueError, match="beta1"):
        Adam(beta1=1.0)
    with pytest.raises(RuntimeError, match="backward"):
        SGD(0.1).step({"w": np.zeros(1)}, {})


def test_small_custom_model_learns():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 1, 8, 8)).astype(np.float32)
    y = (x[:, 0, :4].sum(axis=(1, 2)) > x[:, 0, 4:].sum(axis=(1, 2))).astype(int)
    m = Sequential([Conv2D(1, 4, 3, padding=1, activation="relu", seed=1), MaxPool2D(2),
                    Dense(64, 2, seed=2)], input_shape=(1, 8, 8), num_classes=2)
    fit(m, x, y, epochs=30, batch_size=16, optimizer=Adam(1e-2), progress=False)
    assert evaluate(m, x, y).accuracy >= 0.95


def test_plots_return_figures(tiny):
    from matplotlib.figure import Figure

    from cnnlab import plots

    x, y = tiny
    m = lenet5("modern")
    h = fit(m, x[:10], y[:10], epochs=2, batch_size=5, progress=False, x_val=x[:10], y_val=y[:10])
    pred = predict(m, x)
    figs = [plots.plot_history(h), plots.plot_confusion_matrix(y, pred),
            plots.plot_misclassified(x, y, pred, max_images=4),
            plots.plot_filters(m["C1"]), plots.plot_feature_maps(m, x[0], layers=["C1", "S2"], max_maps=4),
            plots.plot_prototypes(), plots.plot_prototypes(lenet5("published")["OUTPUT"])]
    assert all(isinstance(f, Figure) for f in figs)
    C = plots.confusion_matrix([0, 1, 1], [0, 1, 0], 3)
    assert C.tolist() == [[1, 0, 0], [1, 1, 0], [0, 0, 0]]


def test_random_shift_moves_whole_images():
    x = np.zeros((3, 1, 6, 6), np.float32)
    x[:, 0, 2, 3] = 1.0
    out = random_shift(1)(x, np.random.default_rng(0))
    assert out.shape == x.shape and out.sum() == 3.0
    rows, cols = np.nonzero(out[:, 0].sum(0))
    assert all(abs(r - 2) <= 1 and abs(c - 3) <= 1 for r, c in zip(rows, cols))
    np.testing.assert_array_equal(random_shift(0)(x, np.random.default_rng(0)), x)
    a, b = (random_shift(2)(x, np.random.default_rng(5)) for _ in range(2))
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("blas_threads", [1, None])
def test_fit_caps_blas_threads_while_training(tiny, blas_threads):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    before = [p["num_threads"] for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"]
    assert before, "NumPy's BLAS should be visible to threadpoolctl"
    seen = []

    def record(xb, rng):  # runs inside the training loop, once per mini-batch
        seen.append([p["num_threads"] for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"])
        return xb

    x, y = tiny
    fit(lenet5("modern"), x[:8], y[:8], epochs=1, batch_size=8, progress=False,
        augment=record, blas_threads=blas_threads)
    assert seen == [[1] * len(before)] if blas_threads == 1 else seen == [before]
    assert [p["num_threads"] for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"] == before
