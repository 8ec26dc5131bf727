r"""Layer objects for building and training CNNs (``forward`` / ``backward`` / ``params`` / ``grads``).

See :mod:`cnnlab.layers.base` for the protocol. Every convolution and pooling
goes through the kernels of :mod:`cnnlab.conv` and :mod:`cnnlab.pool`.
"""

from .base import Container, Layer, Sequential
from .basic import Activation, Dense, Dropout, Flatten, ReLU, ScaledTanh, Sigmoid, Tanh
from .conv import Conv2D, group_table
from .losses import RBFMAPLoss, SoftmaxCrossEntropy, softmax
from .norm import LRN, BatchNorm1D, BatchNorm2D, LocalResponseNorm
from .pooling import (AvgPool2D, GaussianPool2D, GlobalAvgPool2D, MaxPool2D, MeanPool2D, Pool2D, Subsampling,
                      TrainablePool2D)
from .rbf import DIGIT_BITMAPS, RBF, digit_prototypes
from .residual import ResidualBlock

__all__ = [
    "Layer", "Container", "Sequential", "Activation", "ReLU", "Sigmoid", "Tanh", "ScaledTanh", "Flatten", "Dense", "Dropout",
    "Conv2D", "group_table", "Pool2D", "MaxPool2D", "MeanPool2D", "AvgPool2D", "GaussianPool2D",
    "TrainablePool2D", "Subsampling", "GlobalAvgPool2D", "LRN", "LocalResponseNorm", "BatchNorm2D",
    "BatchNorm1D", "ResidualBlock", "RBF", "DIGIT_BITMAPS", "digit_prototypes", "SoftmaxCrossEntropy",
    "RBFMAPLoss", "softmax",
]
