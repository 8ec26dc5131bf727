"""Every layer's backward pass against central finite differences (float64, cnnlab.gradcheck)."""

import numpy as np
import pytest

from cnnlab.gradcheck import gradcheck
from cnnlab.layers import (LRN, RBF, Activation, BatchNorm1D, BatchNorm2D, Conv2D, Dense, Dropout, Flatten,
                           GaussianPool2D, GlobalAvgPool2D, MaxPool2D, MeanPool2D, Pool2D, RBFMAPLoss, ReLU,
                           ResidualBlock, Sequential, SoftmaxCrossEntropy, Subsampling, TrainablePool2D)
from cnnlab.models import C3_TABLE


def check_layer(layer, x, seed=0, tol=1e-6):
    """Check ∂(Σ out·dout)/∂x and ∂/∂param for every parameter of ``layer``; returns the results."""
    layer.to(np.float64)
    layer.input_grad = True
    x = np.asarray(x, np.float64)
    out = layer.forward(x.copy())
    dout = np.random.default_rng(seed).standard_normal(out.shape)
    dx = layer.backward(dout)
    grads = {k: v.copy() for k, v in layer.grads.items()}
    results = [gradcheck(lambda a: layer.forward(a), x, analytic=[dx], dout=dout, tol=tol, names=["x"])]
    for key, p in layer.params.items():
        def f(value, key=key):
            saved = layer.params[key].copy()
            layer.params[key][...] = value
            try:
                return layer.forward(x.copy())
            finally:
                layer.params[key][...] = saved
        results.append(gradcheck(f, p.copy(), analytic=[grads[key]], dout=dout, tol=tol, names=[key]))
    for r in results:
        assert r.ok, r
    return results


def rand(*shape, seed=1):
    return np.random.default_rng(seed).standard_normal(shape)


@pytest.mark.parametrize("activation", [None, "relu", "sigmoid", "tanh", "scaled_tanh"])
def test_conv2d_gradients(activation):
    check_layer(Conv2D(2, 3, 3, stride=1, padding=1, activation=activation, seed=3), rand(2, 2, 5, 5))


def test_conv2d_stride_no_bias_gradients():
    check_layer(Conv2D(3, 4, (3, 2), stride=2, padding=(1, 0), bias=False, seed=4), rand(2, 3, 7, 6))


def test_partial_connection_conv_gradients_and_mask():
    layer = Conv2D(6, 16, 3, connection_table=C3_TABLE, init="lecun", activation="scaled_tanh", seed=5)
    res = check_layer(layer, rand(2, 6, 5, 5))
    dw = res[1].numerical[0]
    assert np.all(dw[~C3_TABLE.T] == 0)  # unconnected weights have no effect on the output
    assert np.all(layer.grads["w"][~C3_TABLE.T] == 0)
    assert np.all(layer.params["w"][~C3_TABLE.T] == 0)
    assert layer.param_count()[0] == 60 * 9 + 16


def test_grouped_conv_matches_two_halves():
    layer = Conv2D(4, 6, 3, groups=2, seed=2).to(np.float64)
    x = rand(1, 4, 5, 5)
    out = layer.forward(x)
    w, b = layer.params["w"], layer.params["b"]
    half = Conv2D(2, 3, 3).to(np.float64)
    half.params["w"][...] = w[:3, :2]
    half.params["b"][...] = b[:3]
    np.testing.assert_allclose(out[:, :3], half.forward(x[:, :2]), atol=1e-12)
    check_layer(layer, x)


@pytest.mark.parametrize("layer", [MaxPool2D(2), MeanPool2D(2), GaussianPool2D(3, 1, sigma=0.8),
                                   Pool2D(3, 2, "max", padding=1), MeanPool2D(2, padding=1)],
                         ids=["max", "mean", "gaussian", "max-pad", "mean-pad"])
def test_pool_gradients(layer):
    check_layer(layer, rand(2, 3, 6, 6))


def test_trainable_pool_gradients():
    layer = TrainablePool2D(2)
    layer.to(np.float64).params["weights"][...] = rand(2, 2, seed=7)
    check_layer(layer, rand(2, 3, 6, 6))


def test_subsampling_gradients_and_value():
    layer = Subsampling(3, activation="scaled_tanh", seed=2)
    check_layer(layer, rand(2, 3, 6, 6))
    plain = Subsampling(1).to(np.float64)
    plain.params["coef"][...] = 0.5
    plain.params["bias"][...] = 1.0
    x = np.arange(16, dtype=np.float64).reshape(1, 1, 4, 4)
    np.testing.assert_allclose(plain.forward(x)[0, 0], 0.5 * np.array([[10, 18], [42, 50]]) + 1)


@pytest.mark.parametrize("activation", [None, "tanh", "scaled_tanh"])
def test_dense_gradients(activation):
    check_layer(Dense(12, 5, activation=activation, seed=1), rand(4, 3, 2, 2))


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "scaled_tanh", "relu"])
def test_activation_gradients(name):
    x = rand(3, 4)
    x[np.abs(x) < 1e-3] = 0.5  # keep away from ReLU's kink
    check_layer(Activation(name), x)


def test_flatten_and_global_pool_gradients():
    check_layer(Flatten(), rand(2, 3, 2, 2))
    check_layer(GlobalAvgPool2D(), rand(2, 3, 4, 4))


def test_lrn_gradients_and_formula():
    layer = LRN(size=3, alpha=0.3, beta=0.75, k=1.5)
    x = rand(2, 5, 3, 3)
    check_layer(layer, x)
    c = 2
    s = 1.5 + 0.3 * (x[:, 1:4] ** 2).sum(axis=1)
    np.testing.assert_allclose(layer.forward(x)[:, c], x[:, c] / s**0.75)
    s0 = 1.5 + 0.3 * (x[:, 0:2] ** 2).sum(axis=1)  # window clipped at the first map
    np.testing.assert_allclose(layer.forward(x)[:, 0], x[:, 0] / s0**0.75)


def test_batchnorm_gradients_and_eval_mode():
    bn = BatchNorm2D(3)
    bn.to(np.float64)
    bn.params["gamma"][...] = [0.5, 2.0, -1.0]
    bn.params["beta"][...] = [0.1, 0.0, 0.3]
    check_layer(bn, rand(4, 3, 3, 3))
    check_layer(BatchNorm1D(5), rand(6, 5))
    x = rand(8, 3, 4, 4) * 3 + 2
    out = BatchNorm2D(3).to(np.float64).forward(x)
    np.testing.assert_allclose(out.mean(axis=(0, 2, 3)), 0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=(0, 2, 3)), 1, atol=1e-3)
    bn = BatchNorm1D(2, momentum=1.0).to(np.float64)
    xb = rand(10, 2)
    bn.forward(xb)
    np.testing.assert_allclose(bn.buffers["running_mean"], xb.mean(0))
    np.testing.assert_allclose(bn.forward(xb, train=False), (xb - xb.mean(0)) / np.sqrt(xb.var(0, ddof=1) + 1e-5))


def test_residual_block_gradients():
    main = [Conv2D(2, 3, 3, stride=2, padding=1, bias=False, seed=1), BatchNorm2D(3), ReLU(),
            Conv2D(3, 3, 3, padding=1, seed=2)]
    block = ResidualBlock(main, [Conv2D(2, 3, 1, stride=2, seed=3)], activation="tanh", name="b")
    check_layer(block, rand(2, 2, 5, 5))
    ident = ResidualBlock([Conv2D(2, 2, 3, padding=1, seed=4)], None, activation=None)
    check_layer(ident, rand(2, 2, 4, 4))
    with pytest.raises(ValueError, match="shortcut"):
        ResidualBlock([Conv2D(2, 3, 3, padding=1)], None).forward(rand(1, 2, 4, 4))


@pytest.mark.parametrize("trainable", [False, True])
def test_rbf_gradients_and_distances(trainable):
    layer = RBF(6, 3, prototypes=np.sign(rand(3, 6, seed=2)), trainable=trainable)
    x = rand(4, 6)
    check_layer(layer, x)
    w = layer.w
    np.testing.assert_allclose(layer.forward(x), ((x[:, None, :] - w[None]) ** 2).sum(-1), atol=1e-12)
    assert layer.param_count() == ((18, 0) if trainable else (0, 18))


@pytest.mark.parametrize("crit", [SoftmaxCrossEntropy(), RBFMAPLoss(j=1.0), RBFMAPLoss(j=-2.0)])
def test_loss_gradients(crit):
    s = np.abs(rand(5, 4)) * 3
    y = np.array([0, 3, 1, 1, 2])
    crit.forward(s, y)
    g = crit.backward()
    r = gradcheck(lambda a: np.array(crit.forward(a, y)), s, analytic=[g], tol=1e-7)
    assert r.ok, r


def test_rbf_map_loss_value():
    d = np.array([[0.5, 2.0, 3.0]])
    expected = 0.5 + np.log(np.exp(-1.0) + np.exp(-d).sum())
    assert RBFMAPLoss(j=1.0).forward(d, [0]) == pytest.approx(expected)
    assert RBFMAPLoss().predict(d)[0] == 0


def test_dropout_seeded_and_gradient():
    x = np.ones((50, 40))
    a, b = Dropout(0.5, seed=3), Dropout(0.5, seed=3)
    oa, ob = a.forward(x), b.forward(x)
    np.testing.assert_array_equal(oa, ob)
    assert set(np.unique(oa)) == {0.0, 2.0}
    assert 0.4 < (oa == 0).mean() < 0.6
    np.testing.assert_array_equal(a.backward(np.ones_like(x)), oa)
    np.testing.assert_array_equal(a.forward(x, train=False), x)


def test_sequential_gradients_and_forward_all():
    model = Sequential([Conv2D(1, 2, 3, activation="tanh", seed=1, name="c"), MaxPool2D(2, name="p"),
                        Dense(2 * 2 * 2, 3, seed=2, name="d")], input_shape=(1, 6, 6), input_grad=True)
    x = rand(2, 1, 6, 6)
    check_layer(model, x)
    outs = model.forward_all(x)
    assert [n for n, _ in outs] == ["c", "p", "d"] and outs[-1][1].shape == (2, 3)
    assert set(model.params) == {"c.w", "c.b", "d.w", "d.b"}
    model.input_grad = False
    model.forward(x)
    assert model.backward(np.ones((2, 3))) is None


def test_bad_layer_inputs_name_the_problem():
    with pytest.raises(ValueError, match="x must have shape"):
        Conv2D(3, 4, 3, name="conv").forward(rand(1, 2, 5, 5))
    with pytest.raises(ValueError, match="connection_table"):
        Conv2D(2, 3, 3, connection_table=np.ones((3, 2), bool))
    with pytest.raises(ValueError, match="activation"):
        Dense(3, 2, activation="softplus")
    with pytest.raises(ValueError, match="duplicate"):
        Sequential([ReLU(name="a"), ReLU(name="a")])
    with pytest.raises(ValueError, match="odd"):
        LRN(size=4)
    with pytest.raises(TypeError, match="float"):
        ReLU().forward(np.zeros((2, 2), np.uint8))


def test_reprs_are_informative():
    assert "6 -> 16" in repr(Conv2D(6, 16, 5, connection_table=C3_TABLE)) and "60/96" in repr(
        Conv2D(6, 16, 5, connection_table=C3_TABLE))
    assert "max" in repr(MaxPool2D(2)) and "84 -> 10" in repr(RBF())
    assert "C1" in repr(Sequential([Conv2D(1, 6, 5, name="C1")]))


@pytest.mark.parametrize("variant", ["published", "modern"])
def test_whole_lenet5_gradients_through_the_loss(variant):
    from cnnlab.models import lenet5

    model = lenet5(variant, seed=2).to(np.float64)
    x, y = rand(2, 1, 32, 32, seed=3), np.array([3, 7])
    crit = model.loss
    crit.forward(model.forward(x), y)
    model.backward(crit.backward())
    grads = model.grads
    keys = ["C3.b", "F6.b"] + (["S2.coef", "S4.bias"] if variant == "published" else ["C1.b"])
    for key in keys:
        p = model.params[key]

        def loss_of(value, p=p):
            saved = p.copy()
            p[...] = value
            try:
                return np.array(crit.forward(model.forward(x), y))
            finally:
                p[...] = saved
        r = gradcheck(loss_of, p.copy(), analytic=[grads[key]], tol=1e-6, names=[key])
        assert r.ok, r


def test_containers_recurse_and_refuse_to_set_what_their_children_hold():
    block = ResidualBlock([Conv2D(2, 2, 3, padding=1, seed=1, name="c1")],
                          [Conv2D(2, 2, 1, seed=2, name="sc")], name="res")
    model = Sequential([block, Flatten(name="f"), Dense(2 * 4 * 4, 3, seed=3, name="d")], input_shape=(2, 4, 4))
    assert sorted(model.params) == ["d.b", "d.w", "res.main.c1.b", "res.main.c1.w",
                                    "res.shortcut.sc.b", "res.shortcut.sc.w"]
    model.to(np.float64)
    assert all(p.dtype == np.float64 for p in model.params.values())
    model.forward(rand(2, 2, 4, 4))
    model.backward(np.ones((2, 3)))
    assert sorted(model.grads) == sorted(model.params)
    model.zero_grad()
    assert model.grads == {}
    for attr in ("grads", "buffers", "params"):
        with pytest.raises(AttributeError):
            setattr(block, attr, {})
    state = model.state_dict()
    other = Sequential([ResidualBlock([Conv2D(2, 2, 3, padding=1, seed=9, name="c1")],
                                      [Conv2D(2, 2, 1, seed=9, name="sc")], name="res"),
                        Flatten(name="f"), Dense(32, 3, seed=9, name="d")]).to(np.float64)
    other.load_state_dict(state)
    for k, v in other.state_dict().items():
        np.testing.assert_array_equal(v, state[k])


@pytest.mark.parametrize("layer", [Pool2D((2, 3), (1, 2), "max", padding=(1, 0)),
                                   Pool2D((3, 2), 1, "mean", padding=(1, 1)),
                                   TrainablePool2D((2, 3), (2, 1))])
def test_pooling_layers_take_pairs(layer):
    check_layer(layer, rand(2, 2, 6, 7))
    assert layer.output_shape((2, 6, 7)) == layer.forward(rand(2, 2, 6, 7)).shape[1:]
