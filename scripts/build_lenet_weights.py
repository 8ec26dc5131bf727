"""Train chapter 5's modern LeNet-5 and save the weights the in-page digit pad uses.

Usage: ``python scripts/build_lenet_weights.py [--out cnnlab/data/lenet5_modern.npz]``

The recipe is chapter 5's (``RECIPE`` below, the same numbers as the chapter's
``RECIPES["modern"]``): the bundled MNIST sample, ``lenet5("modern", seed=0)``,
Adam, batches of 32, a decaying learning rate, random shifts of one pixel,
``fit(..., seed=0)``. The weights are stored as float16 (the page's budget),
with the recipe, the held-out accuracy of the stored (rounded) weights and a
SHA-256 checksum of the arrays in the file itself. The file is written to a
temporary name, read back and checked, then renamed: never half-written.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from cnnlab.datasets import load_mnist
from cnnlab.models import lenet5, prepare_digits
from cnnlab.optim import Adam
from cnnlab.playground.weights import (DEFAULT_PATH, load_weights, save_weights,
                                       weights_accuracy)
from cnnlab.train import fit, random_shift

#: Chapter 5's recipe for the modern LeNet-5 (keep in step with the chapter).
RECIPE = {"variant": "modern", "model_seed": 0, "fit_seed": 0, "data": "bundled",
          "epochs": 8, "batch_size": 32, "optimizer": "Adam", "lr": 2e-3,
          "decay": 0.8, "shift": 1}


def train(recipe: dict):
    x_train, y_train, x_test, y_test = load_mnist(source=recipe["data"])
    model = lenet5(recipe["variant"], seed=recipe["model_seed"])
    lr, decay = recipe["lr"], recipe["decay"]
    fit(model, prepare_digits(x_train), y_train, epochs=recipe["epochs"],
        batch_size=recipe["batch_size"], optimizer=Adam(lr=lr),
        lr_schedule=lambda epoch: lr * decay ** epoch, seed=recipe["fit_seed"],
        augment=random_shift(recipe["shift"]) if recipe["shift"] else None,
        progress=False)
    return model, prepare_digits(x_test), y_test


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    model, x_test, y_test = train(RECIPE)
    save_weights(args.out, model.state_dict(), RECIPE, x_test, y_test)
    meta = load_weights(args.out).meta          # read back: checksum verified
    print(f"{args.out}: {args.out.stat().st_size:,} bytes, held-out accuracy "
          f"{meta['accuracy']:.4f} ({weights_accuracy(args.out, x_test, y_test):.4f} "
          f"re-measured), {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
