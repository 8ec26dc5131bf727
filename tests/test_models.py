"""LeNet-5 variants: structure, Table I, input preparation and clear errors."""

import numpy as np
import pytest

from cnnlab.models import C3_TABLE, lenet5, prepare_digits
from cnnlab.train import fit


def test_c3_table_is_table_one_of_the_paper():
    cols = [set(np.flatnonzero(C3_TABLE[:, n])) for n in range(16)]
    assert cols[:6] == [{0, 1, 2}, {1, 2, 3}, {2, 3, 4}, {3, 4, 5}, {4, 5, 0}, {5, 0, 1}]
    assert cols[6:12] == [{0, 1, 2, 3}, {1, 2, 3, 4}, {2, 3, 4, 5}, {3, 4, 5, 0}, {4, 5, 0, 1}, {5, 0, 1, 2}]
    assert cols[12:] == [{0, 1, 3, 4}, {1, 2, 4, 5}, {0, 2, 3, 5}, {0, 1, 2, 3, 4, 5}]
    assert C3_TABLE.sum() == 60


@pytest.mark.parametrize("variant", ["modern", "published"])
def test_lenet5_shapes_and_determinism(variant):
    m = lenet5(variant, seed=3)
    x = prepare_digits(np.random.default_rng(0).integers(0, 256, (2, 28, 28), dtype=np.uint8))
    outs = m.forward_all(x)
    assert [n for n, _ in outs] == ["C1", "S2", "C3", "S4", "C5", "F6", "OUTPUT"]
    assert [o.shape[1:] for _, o in outs] == [(6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 5, 5), (120, 1, 1),
                                              (84,), (10,)]
    assert outs[-1][1].dtype == np.float32
    again = lenet5(variant, seed=3).forward(x)
    np.testing.assert_array_equal(outs[-1][1], again)
    assert not np.array_equal(lenet5(variant, seed=4).forward(x), again)


def test_published_weights_follow_lecun_init_and_table():
    m = lenet5("published")
    w = m["C3"].params["w"]
    assert np.all(w[~C3_TABLE.T] == 0)
    assert np.abs(w[0]).max() <= 2.4 / 75 and np.abs(w[15]).max() <= 2.4 / 150
    assert np.abs(m["C1"].params["w"]).max() <= 2.4 / 25
    assert m["OUTPUT"].buffers["w"].shape == (10, 84) and set(np.unique(m["OUTPUT"].buffers["w"])) == {-1, 1}
    assert "OUTPUT.w" not in m.params  # fixed prototypes are not trained


def test_prepare_digits():
    img = np.zeros((1, 28, 28), np.uint8)
    img[0, 10, 10] = 255
    x = prepare_digits(img)
    assert x.shape == (1, 1, 32, 32) and x.dtype == np.float32
    assert x[0, 0, 0, 0] == pytest.approx(-0.1) and x[0, 0, 12, 12] == pytest.approx(1.175)
    np.testing.assert_allclose(prepare_digits(img / 255.0), x)
    with pytest.raises(ValueError, match="images"):
        prepare_digits(np.zeros((28, 28)))
    with pytest.raises(ValueError, match="images"):
        prepare_digits(np.full((1, 28, 28), 3.0))


def test_bad_inputs_give_clear_errors():
    m = lenet5("modern")
    with pytest.raises(ValueError, match=r"x must have shape \(batch, 1, 32, 32\).*prepare_digits"):
        m.forward(np.zeros((2, 1, 28, 28), np.float32))
    with pytest.raises(TypeError, match="x must be a float array"):
        fit(m, np.zeros((4, 1, 32, 32), np.uint8), np.zeros(4, int), epochs=1, progress=False)
    x = np.zeros((4, 1, 32, 32), np.float32)
    with pytest.raises(ValueError, match=r"y must hold labels in \[0, 10\); got 10 at index 2"):
        fit(m, x, np.array([0, 1, 10, 3]), epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"y must hold labels in \[0, 10\); got -1"):
        fit(m, x, np.array([0, -1, 1, 3]), epochs=1, progress=False)
    with pytest.raises(ValueError, match="y must be a 1-D array of 4 labels"):
        fit(m, x, np.zeros(3, int), epochs=1, progress=False)
    with pytest.raises(ValueError, match="x_val must have shape"):
        fit(m, x, np.zeros(4, int), epochs=1, progress=False, x_val=np.zeros((2, 1, 28, 28), np.float32),
            y_val=np.zeros(2, int))
    with pytest.raises(ValueError, match="variant"):
        lenet5("lenet1")


def test_state_dict_round_trip(tmp_path):
    a, b = lenet5("published", seed=1), lenet5("published", seed=2)
    np.savez(tmp_path / "w.npz", **a.state_dict())
    with np.load(tmp_path / "w.npz") as state:
        b.load_state_dict(state)
    x = prepare_digits(np.zeros((1, 28, 28), np.uint8))
    np.testing.assert_array_equal(a.forward(x), b.forward(x))
    with pytest.raises(KeyError, match="missing"):
        lenet5("modern").load_state_dict(a.state_dict())
