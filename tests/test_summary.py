"""summary(): LeNet-5 as published reproduces LeCun et al. (1998); architectures match torchvision's counts."""

import numpy as np
import pytest

from cnnlab import architectures
from cnnlab.layers import Conv2D, MaxPool2D, Sequential
from cnnlab.models import lenet5
from cnnlab.summary import summary

# (name, output shape, trainable params, connections) — LeCun et al. 1998, §II.B
PAPER = [
    ("C1", (6, 28, 28), 156, 122_304),
    ("S2", (6, 14, 14), 12, 5_880),
    ("C3", (16, 10, 10), 1_516, 151_600),
    ("S4", (16, 5, 5), 32, 2_000),
    ("C5", (120, 1, 1), 48_120, 48_120),
    ("F6", (84,), 10_164, 10_164),
    ("OUTPUT", (10,), 0, 840),
]


def test_lenet5_published_rows_match_the_paper():
    s = summary(lenet5("published"), (1, 32, 32))
    assert [(r.name, r.output_shape, r.params, r.connections) for r in s.rows] == PAPER
    assert s["OUTPUT"].fixed_params == 840  # the hand-set ±1 prototypes: fixed, not trained
    assert s.total_params == 60_000  # "only 60,000 trainable free parameters"
    assert s.total_connections == 340_908  # "340,908 connections"
    assert [r.receptive_field for r in s.rows] == [5, 6, 14, 16, 32, 32, 32]


def test_summary_is_printable_and_data():
    s = summary(lenet5("published"))  # input shape taken from the model
    text = str(s)
    for token in ("C3", "1,516", "151,600", "340,908", "60,000"):
        assert token in text
    html = s._repr_html_()
    assert "<table" in html and "48,120" in html
    assert s.to_dicts()[0] == {"name": "C1", "kind": "conv", "output_shape": (6, 28, 28), "params": 156,
                               "fixed_params": 0, "connections": 122_304, "receptive_field": 5}
    assert summary(lenet5("published"), (8, 1, 32, 32)).total_params == 60_000  # batch axis ignored


def test_lenet5_modern_counts():
    s = summary(lenet5("modern"))
    assert s["C3"].params == 16 * (6 * 25 + 1) and s["S2"].params == 0
    assert s.total_params == 61_706


@pytest.mark.parametrize("name", sorted(architectures.ARCHITECTURES))
def test_architecture_totals_equal_torchvision(name):
    builder, expected = architectures.ARCHITECTURES[name]
    arch = builder()
    s = summary(arch)
    assert s.total_params == expected
    assert s.rows[-1].output_shape == (1000,)
    assert not arch.built  # described, never allocated


def test_architecture_shapes_and_receptive_fields():
    a = summary(architectures.alexnet())
    assert a["conv1"].output_shape == (64, 55, 55) and a["pool5"].output_shape == (256, 6, 6)
    assert a["conv1"].receptive_field == 11 and a["pool5"].receptive_field == 195
    assert summary(architectures.alexnet("original")).total_params == 60_965_224
    v = summary(architectures.vgg16())
    assert v["conv1_2"].receptive_field == 5 and v["pool5"].output_shape == (512, 7, 7)
    r = summary(architectures.resnet50())
    assert r["maxpool"].output_shape == (64, 56, 56) and r["layer4.2"].output_shape == (2048, 7, 7)
    assert r["layer1.0"].params == 75_008


def test_summary_bad_input_shape_names_the_layer():
    with pytest.raises(ValueError, match="C1"):
        summary(lenet5("modern"), (3, 32, 32))
    with pytest.raises(ValueError, match="input_shape is required"):
        summary(Sequential([Conv2D(1, 2, 3)]))
    with pytest.raises(ValueError, match="larger than"):
        summary(Sequential([Conv2D(1, 2, 5, name="c"), MaxPool2D(2)]), (1, 4, 4))


def test_summary_accepts_a_list_of_layers():
    from cnnlab.layers import Dense, Flatten

    layers = [Conv2D(1, 6, 5, name="c"), MaxPool2D(2, name="p"), Flatten(name="f"), Dense(6 * 14 * 14, 10, name="d")]
    as_list = summary(layers, (1, 32, 32))
    as_model = summary(Sequential(layers), (1, 32, 32))
    assert as_list.to_dicts() == as_model.to_dicts()
    assert [r.receptive_field for r in as_list] == [5, 6, 6, 32]  # the dense layer sees the whole map
    with pytest.raises(TypeError, match="model_or_arch"):
        summary("LeNet", (1, 32, 32))
