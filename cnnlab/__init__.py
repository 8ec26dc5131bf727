r"""cnnlab — NumPy kernels, models and explorers for the CNN Lab course.

Notation (the lecture's, used in every docstring of this package)
-----------------------------------------------------------------
==========  ==================================================================
``B``       batch size (number of images in a mini-batch)
``D``       input depth: channels of the input / of layer l−1 (lecture: D)
``N``       number of filters = output depth (lecture: N)
``H, W``    input height and width (the lecture's H and L)
``F``       filter size; ``F_h, F_w`` when it is not square
``S``       stride (步长); an int or a pair ``(S_h, S_w)``
``P``       zero padding on each side; an int or a pair ``(P_h, P_w)``
``H', W'``  output height and width
==========  ==================================================================

Arrays: input ``x`` of shape ``(B, D, H, W)``, filters ``w`` of shape
``(N, D, F_h, F_w)``, bias ``b`` of shape ``(N,)``, output of shape
``(B, N, H', W')`` with

.. math:: H' = \frac{H - F_h + 2P_h}{S_h} + 1, \qquad W' = \frac{W - F_w + 2P_w}{S_w} + 1 .

The sensitivity map (敏感度图) ``δ = ∂E/∂net`` of a layer has the shape of that
layer's output; ``dout`` is the name the backward functions give it.
"""

__version__ = "0.1.0"

# --- kernels ---
from .arithmetic import conv_as_matrix, conv_output_size, output_size, participation_counts, receptive_field
from .conv import (
    col2im,
    conv2d_backward,
    conv2d_backward_im2col,
    conv2d_backward_naive,
    conv2d_forward,
    conv2d_forward_im2col,
    conv2d_naive,
    im2col,
)
from .conv_textbook import conv2d_backward_textbook, dilate_sensitivity, full_convolution, rotate180
from .gradcheck import GradcheckResult, gradcheck, numerical_gradient, rel_error
from .pool import (
    gaussian_window,
    pool2d_backward,
    pool2d_forward,
    pool2d_naive,
    trainable_pool2d_backward,
    trainable_pool2d_forward,
)
from .activations import (
    ACTIVATIONS,
    relu,
    relu_grad,
    scaled_tanh,
    scaled_tanh_grad,
    sigmoid,
    sigmoid_grad,
    tanh,
    tanh_grad,
)

__all__ = [
    "output_size", "conv_output_size", "participation_counts", "conv_as_matrix", "receptive_field",
    "conv2d_naive", "conv2d_backward_naive", "im2col", "col2im", "conv2d_forward_im2col",
    "conv2d_backward_im2col", "conv2d_forward", "conv2d_backward",
    "conv2d_backward_textbook", "dilate_sensitivity", "rotate180", "full_convolution",
    "rel_error", "numerical_gradient", "gradcheck", "GradcheckResult",
    "pool2d_naive", "pool2d_forward", "pool2d_backward", "gaussian_window",
    "trainable_pool2d_forward", "trainable_pool2d_backward",
    "relu", "relu_grad", "sigmoid", "sigmoid_grad", "tanh", "tanh_grad",
    "scaled_tanh", "scaled_tanh_grad", "ACTIVATIONS",
]
# --- end kernels ---
