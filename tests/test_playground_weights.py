"""The digit pad's weights: where they came from, intact, and as good as chapter 5's network."""

import ast
import base64
import importlib.util
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from cnnlab.datasets import load_mnist
from cnnlab.models import lenet5, prepare_digits
from cnnlab.playground.digit_pad import LABELS, DigitPad, pack_weights
from cnnlab.playground.weights import (DEFAULT_PATH, array_checksum, load_weights,
                                       model_from_weights, save_weights)

ROOT = Path(__file__).resolve().parents[1]


def build_script():
    spec = importlib.util.spec_from_file_location("build_lenet_weights",
                                                  ROOT / "scripts" / "build_lenet_weights.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_weights_record_the_chapter_recipe_and_checksum():
    stored = load_weights()
    assert stored.meta["recipe"] == build_script().RECIPE
    assert stored.meta["checksum"] == array_checksum(stored.arrays)
    assert stored.meta["dtype"] == "float16"
    assert all(a.dtype == np.float16 for a in stored.arrays.values())
    assert set(stored.arrays) == set(lenet5("modern").state_dict())


def test_recipe_is_chapter_5s():
    """The script's recipe is the one chapter 5 trains its modern LeNet-5 with."""
    recipe = build_script().RECIPE
    cells = json.loads((ROOT / "notebooks" / "ch5_digit_recognition.ipynb").read_text("utf-8"))
    code = "\n".join("".join(c["source"]) for c in cells["cells"] if c["cell_type"] == "code")
    assert f'lenet5("modern", seed={recipe["model_seed"]})' in code
    python = "\n".join(line for line in code.splitlines()
                        if not line.lstrip().startswith(("%", "!")))    # no magics
    assigns = [node for node in ast.walk(ast.parse(python))
               if isinstance(node, ast.Assign)
               and any(getattr(t, "id", None) == "RECIPES" for t in node.targets)]
    assert len(assigns) == 1, "chapter 5 defines RECIPES once"
    chapter = eval(compile(ast.Expression(assigns[0].value), "ch5", "eval"), {"dict": dict})
    assert chapter["modern"] == {k: recipe[k] for k in ("epochs", "lr", "decay", "shift")}
    assert "batch_size=BATCH" in code and "BATCH = " + str(recipe["batch_size"]) in code


def test_damaged_weights_are_refused(tmp_path):
    copy = tmp_path / "w.npz"
    shutil.copy(DEFAULT_PATH, copy)
    with np.load(copy) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["C1.w"] = arrays["C1.w"].copy()
    arrays["C1.w"].flat[0] += np.float16(0.5)
    np.savez(copy, **arrays)
    with pytest.raises(ValueError, match="checksum"):
        load_weights(copy)


def test_weights_reach_the_chapters_accuracy():
    _, _, x_test, y_test = load_mnist(source="bundled")
    model = model_from_weights()
    accuracy = float((model.forward(prepare_digits(x_test), train=False).argmax(1) == y_test).mean())
    assert accuracy >= 0.975                     # chapter 5's threshold for the modern LeNet-5
    assert accuracy == pytest.approx(load_weights().meta["accuracy"], abs=1e-9)


def test_save_is_atomic_and_verified(tmp_path):
    stored = load_weights()
    _, _, x_test, y_test = load_mnist(source="bundled")
    target = tmp_path / "w.npz"
    state = {k: v.astype(np.float32) for k, v in stored.arrays.items()}
    save_weights(target, state, stored.meta["recipe"], prepare_digits(x_test[:50]), y_test[:50])
    assert load_weights(target).meta["checksum"] == stored.meta["checksum"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.npz"]   # no temporary left
    state["C1.w"][0, 0, 0, 0] = np.inf
    with pytest.raises(ValueError, match="not finite"):
        save_weights(tmp_path / "bad.npz", state, {}, x_test[:1], y_test[:1])
    assert not (tmp_path / "bad.npz").exists()


def test_packed_weights_decode_to_the_stored_arrays():
    stored = load_weights()
    packed = pack_weights(stored)
    raw = np.frombuffer(base64.b64decode(packed["data"]), dtype="<f2")
    for key, a in stored.arrays.items():
        info = packed["arrays"][key]
        got = raw[info["offset"]:info["offset"] + a.size].reshape(info["shape"])
        np.testing.assert_array_equal(got, a)


def test_digit_pad_html_is_within_budget_and_self_contained():
    text = DigitPad()._repr_html_()
    assert len(text.encode()) <= 500_000            # the budget for the added weight
    assert "http://" not in text and "https://" not in text
    assert 'aria-live="polite"' in text
    for key in ("title", "clear", "reads"):
        assert key in LABELS


def test_digit_pad_rejects_bad_arguments():
    with pytest.raises(ValueError, match="per_class"):
        DigitPad(per_class=0)
    with pytest.raises(ValueError, match="unknown keys"):
        DigitPad(labels={"clearr": "x"})
    translated = DigitPad(labels={"clear": "清除"})._repr_html_()
    assert "清除" in translated


def test_filter_pad_messages_are_cnnlabs_and_bad_arguments_are_named():
    from cnnlab.arithmetic import conv_output_size
    from cnnlab.playground.filter_pad import FilterPad, _messages
    messages = _messages([4, 28])
    # (L − F + 2P)/S + 1 is an integer exactly when S divides L − 3 + 2P
    assert set(messages) == {f"{L},{S},{P}" for L in (4, 28) for S in (1, 2, 3)
                             for P in (0, 1, 2) if (L - 3 + 2 * P) % S}
    with pytest.raises(ValueError) as err:
        conv_output_size(28, 3, 2, 0)
    assert messages["28,2,0"] == str(err.value)
    with pytest.raises(ValueError, match="preset must be one of"):
        FilterPad(preset="edges")
    with pytest.raises(ValueError, match="image must be one of"):
        FilterPad(image="cat")
    with pytest.raises(ValueError, match="unknown keys"):
        FilterPad(labels={"strides": "x"})
