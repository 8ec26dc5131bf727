r"""Landmark CNN architectures as pure descriptions (Chapter 4), for :func:`cnnlab.summary.summary`.

The functions return :class:`~cnnlab.layers.Sequential` models whose weights
are **not** allocated (layers allocate lazily, on first use), so describing
VGG-16 costs nothing. Their parameter totals equal the reference implementations'
published counts — torchvision's ``num_params``:

=======================  ===========  ============================================================
function                 parameters   source of the layer list
=======================  ===========  ============================================================
``alexnet()``            61,100,840   torchvision's AlexNet (Krizhevsky 2014, "One weird trick":
                                      64 first filters, no LRN, no groups; input 224)
``alexnet("original")``  60,965,224   Krizhevsky, Sutskever & Hinton (2012): 96 first filters,
                                      LRN after conv1/conv2, conv2/4/5 split over two GPUs
                                      (groups=2); input 227 (the paper's "224" does not give
                                      its 55×55 maps)
``vgg16()``              138,357,544  Simonyan & Zisserman (2015), configuration D
``resnet18()``           11,689,512   He et al. (2016), basic blocks [2, 2, 2, 2]
``resnet50()``           25,557,032   He et al. (2016), bottleneck blocks [3, 4, 6, 3]
                                      (torchvision puts the stride on the 3×3 convolution,
                                      "ResNet v1.5")
=======================  ===========  ============================================================

torchvision ends AlexNet's and VGG's feature extractors with an adaptive average
pooling to 6×6 / 7×7; at the 224×224 input used here the maps already have that
size, so it is the identity and is left out.
"""

from __future__ import annotations

from .layers import (LRN, BatchNorm2D, Conv2D, Dense, Dropout, Flatten, GlobalAvgPool2D, MaxPool2D, ReLU,
                     ResidualBlock, Sequential)

__all__ = ["alexnet", "vgg16", "resnet18", "resnet50", "ARCHITECTURES"]


def alexnet(variant: str = "torchvision", num_classes: int = 1000) -> Sequential:
    """AlexNet: ``variant="torchvision"`` (61,100,840 parameters) or ``"original"`` (the 2012 paper, 60,965,224)."""
    if variant == "torchvision":
        c, lrn, g, size = (64, 192, 384, 256, 256), False, 1, 224
    elif variant == "original":
        c, lrn, g, size = (96, 256, 384, 384, 256), True, 2, 227
    else:
        raise ValueError(f"variant must be 'torchvision' or 'original'; got {variant!r}")
    layers = [Conv2D(3, c[0], 11, stride=4, padding=0 if lrn else 2, name="conv1"), ReLU(name="relu1")]
    layers += [LRN(5, 1e-4, 0.75, 2.0, name="lrn1")] if lrn else []
    layers += [MaxPool2D(3, 2, name="pool1"), Conv2D(c[0], c[1], 5, padding=2, groups=g, name="conv2"),
               ReLU(name="relu2")]
    layers += [LRN(5, 1e-4, 0.75, 2.0, name="lrn2")] if lrn else []
    layers += [MaxPool2D(3, 2, name="pool2"),
               Conv2D(c[1], c[2], 3, padding=1, name="conv3"), ReLU(name="relu3"),
               Conv2D(c[2], c[3], 3, padding=1, groups=g, name="conv4"), ReLU(name="relu4"),
               Conv2D(c[3], c[4], 3, padding=1, groups=g, name="conv5"), ReLU(name="relu5"),
               MaxPool2D(3, 2, name="pool5"), Flatten(name="flatten"),
               Dropout(0.5, name="drop6"), Dense(c[4] * 36, 4096, activation="relu", name="fc6"),
               Dropout(0.5, name="drop7"), Dense(4096, 4096, activation="relu", name="fc7"),
               Dense(4096, num_classes, name="fc8")]
    return Sequential(layers, name=f"AlexNet ({variant})", input_shape=(3, size, size), num_classes=num_classes)


def vgg16(num_classes: int = 1000) -> Sequential:
    """VGG-16 (configuration D): 13 convolutions 3×3/1 padding 1 in five blocks, each ending in 2×2 max pooling."""
    layers, d = [], 3
    for block, (n_convs, width) in enumerate([(2, 64), (2, 128), (3, 256), (3, 512), (3, 512)], start=1):
        for i in range(1, n_convs + 1):
            layers.append(Conv2D(d, width, 3, padding=1, activation="relu", name=f"conv{block}_{i}"))
            d = width
        layers.append(MaxPool2D(2, name=f"pool{block}"))
    layers += [Flatten(name="flatten"),
               Dense(512 * 7 * 7, 4096, activation="relu", name="fc6"), Dropout(0.5, name="drop6"),
               Dense(4096, 4096, activation="relu", name="fc7"), Dropout(0.5, name="drop7"),
               Dense(4096, num_classes, name="fc8")]
    return Sequential(layers, name="VGG-16", input_shape=(3, 224, 224), num_classes=num_classes)


def _shortcut(d, n, stride):
    if stride == 1 and d == n:
        return None
    return [Conv2D(d, n, 1, stride=stride, bias=False, name="conv"), BatchNorm2D(n, name="bn")]


def basic_block(d, n, stride=1, name=None) -> ResidualBlock:
    """ResNet-18/34 block: 3×3 conv (stride) – BN – ReLU – 3×3 conv – BN, + shortcut, ReLU."""
    main = [Conv2D(d, n, 3, stride=stride, padding=1, bias=False, name="conv1"), BatchNorm2D(n, name="bn1"),
            ReLU(name="relu1"), Conv2D(n, n, 3, padding=1, bias=False, name="conv2"), BatchNorm2D(n, name="bn2")]
    return ResidualBlock(main, _shortcut(d, n, stride), name=name)


def bottleneck_block(d, width, stride=1, name=None, expansion=4) -> ResidualBlock:
    """ResNet-50 block: 1×1 (d→width) – 3×3 (stride) – 1×1 (width→4·width), each with BN, + shortcut, ReLU."""
    n = width * expansion
    main = [Conv2D(d, width, 1, bias=False, name="conv1"), BatchNorm2D(width, name="bn1"), ReLU(name="relu1"),
            Conv2D(width, width, 3, stride=stride, padding=1, bias=False, name="conv2"),
            BatchNorm2D(width, name="bn2"), ReLU(name="relu2"),
            Conv2D(width, n, 1, bias=False, name="conv3"), BatchNorm2D(n, name="bn3")]
    return ResidualBlock(main, _shortcut(d, n, stride), name=name)


def _resnet(name, blocks, bottleneck, num_classes):
    layers = [Conv2D(3, 64, 7, stride=2, padding=3, bias=False, name="conv1"), BatchNorm2D(64, name="bn1"),
              ReLU(name="relu"), MaxPool2D(3, 2, padding=1, name="maxpool")]
    d = 64
    for stage, (count, width) in enumerate(zip(blocks, (64, 128, 256, 512)), start=1):
        for i in range(count):
            stride = 2 if (stage > 1 and i == 0) else 1
            label = f"layer{stage}.{i}"
            if bottleneck:
                layers.append(bottleneck_block(d, width, stride, name=label))
                d = width * 4
            else:
                layers.append(basic_block(d, width, stride, name=label))
                d = width
    layers += [GlobalAvgPool2D(name="avgpool"), Dense(d, num_classes, name="fc")]
    return Sequential(layers, name=name, input_shape=(3, 224, 224), num_classes=num_classes)


def resnet18(num_classes: int = 1000) -> Sequential:
    """ResNet-18: stem, four stages of two basic blocks (64, 128, 256, 512 maps), global pooling, fc."""
    return _resnet("ResNet-18", (2, 2, 2, 2), False, num_classes)


def resnet50(num_classes: int = 1000) -> Sequential:
    """ResNet-50: stem, bottleneck stages [3, 4, 6, 3] (outputs 256 … 2048 maps), global pooling, fc."""
    return _resnet("ResNet-50", (3, 4, 6, 3), True, num_classes)


#: name -> (builder, torchvision's published parameter count)
ARCHITECTURES = {
    "alexnet": (alexnet, 61_100_840),
    "vgg16": (vgg16, 138_357_544),
    "resnet18": (resnet18, 11_689_512),
    "resnet50": (resnet50, 25_557_032),
}
