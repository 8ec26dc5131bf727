r"""Figures for the book: its style, the matrix-with-numbers drawer, and Chapter 5's plots.

:func:`use_book_style` sizes figures for the book's text column (about 7 in
wide) and makes the inline backend draw sharp high-DPI images;
:func:`show_matrix` draws a small matrix with its numbers (or symbols) in the
cells, the one grid drawer of every chapter. The Chapter 5 functions
(learning curves, confusion matrix, misclassified digits, filters, feature
maps) return a :class:`matplotlib.figure.Figure` built without pyplot (no
global state; a notebook displays the returned figure once; save it with
``fig.savefig(...)``). Labels are in English only (no CJK font is installed).
"""

from __future__ import annotations

import numpy as np

__all__ = ["use_book_style", "BOOK_STYLE", "COLUMN_WIDTH", "RASTER_PIXELS",
           "is_raster_figure", "show_matrix", "plot_history",
           "plot_confusion_matrix", "confusion_matrix", "plot_misclassified",
           "plot_filters", "plot_feature_maps", "plot_prototypes"]


#: Width of the book's text column in inches: every figure is drawn this wide
#: or narrower, so that the page shows its text at the size it was set.
COLUMN_WIDTH = 7.0

#: rcParams for a figure drawn for the book's text column: 7 in wide at
#: 100 dpi is 700 CSS pixels, so a 10 pt label is about 14 px on screen.
BOOK_STYLE = {
    "figure.figsize": (COLUMN_WIDTH, 3.0),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "figure.titlesize": 11,
    "lines.linewidth": 1.6,
    "image.interpolation": "nearest",
    # fixed SVG ids: the same figure gives the same file on every build
    "svg.hashsalt": "cnnlab",
}


#: A figure holding an image larger than this many pixels (a photograph, a
#: big feature map) is sent as a retina PNG; any other figure as SVG.
RASTER_PIXELS = 64 * 64
#: A figure holding an image larger than this (a photograph) may be sent as
#: a retina JPEG instead, when that is smaller than the PNG: a fifth of the
#: PNG's bytes for colour photographs, while pixel grids (digits, feature
#: maps) stay PNG, whose edges JPEG would blur.
PHOTO_PIXELS = 128 * 128
JPEG_QUALITY = 85
#: A retina PNG is stored with a palette of at most 256 colours when no
#: channel of any pixel moves by more than this (of 255): invisible, and a
#: half or less of the bytes for the book's pictures (pixel grids drawn with
#: a colour map hold few colours; anti-aliased text adds a few hundred more).
PALETTE_MAX_ERROR = 4


def is_raster_figure(fig):
    """Whether ``fig`` is mostly a picture (PNG pays) rather than lines and text (SVG pays).

    Parameters
    ----------
    fig : matplotlib.figure.Figure

    Returns
    -------
    bool
        ``True`` when one of its axes shows an image of more than
        :data:`RASTER_PIXELS` pixels.
    """
    return any(np.prod(np.shape(image.get_array())[:2]) > RASTER_PIXELS
               for ax in fig.axes for image in ax.get_images())


def is_photo_figure(fig):
    """Whether ``fig`` shows an image of more than :data:`PHOTO_PIXELS` pixels."""
    return any(np.prod(np.shape(image.get_array())[:2]) > PHOTO_PIXELS
               for ax in fig.axes for image in ax.get_images())


def _png_bytes(image):
    import io

    buffer = io.BytesIO()
    image.save(buffer, format="png", optimize=True)
    return buffer.getvalue()


def smallest_png(png):
    """The smallest PNG that shows ``png``'s picture within :data:`PALETTE_MAX_ERROR`.

    Tries, besides ``png`` itself: an opaque picture without its alpha
    channel, as 8-bit grey when every pixel is grey, else with a palette of
    at most 256 colours (Pillow's max-coverage quantiser, no dithering) when
    no channel of any pixel moves by more than :data:`PALETTE_MAX_ERROR`,
    else recompressed. Deterministic: the same input gives the same bytes.

    Parameters
    ----------
    png : bytes
        A PNG file.

    Returns
    -------
    bytes
        A PNG file of the same width and height.
    """
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png))
    image.load()
    if image.mode == "RGBA" and image.getextrema()[3][0] == 255:
        image = image.convert("RGB")
    if image.mode != "RGB":  # transparency or an unusual mode: only recompress
        return min([png, _png_bytes(image)], key=len)
    pixels = np.asarray(image, dtype=np.int16)
    if (pixels == pixels[..., :1]).all():
        return min([png, _png_bytes(image.convert("L"))], key=len)
    palette = image.quantize(colors=256, method=Image.Quantize.MAXCOVERAGE,
                             dither=Image.Dither.NONE)
    error = np.abs(np.asarray(palette.convert("RGB"), dtype=np.int16)
                   - pixels).max()
    smaller = palette if error <= PALETTE_MAX_ERROR else image
    return min([png, _png_bytes(smaller)], key=len)


def _retina_jpeg(fig):
    """``(base64 JPEG, metadata)``: twice the pixels, half the width (sharp on
    high-DPI screens), no height."""
    import base64
    import io

    from PIL import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="jpeg", dpi=2 * fig.dpi, bbox_inches="tight",
                pil_kwargs={"quality": JPEG_QUALITY, "optimize": True})
    width = Image.open(io.BytesIO(buffer.getvalue())).size[0]
    return base64.b64encode(buffer.getvalue()).decode("ascii"), {"width": width // 2}


def _retina_png(fig):
    """``(base64 PNG, metadata)`` made small by :func:`smallest_png`, or None
    for an empty figure. Only the width: a fixed height in the page would
    squash the picture when a narrow screen scales its width down."""
    import base64

    from IPython.core.pylabtools import retina_figure

    drawn = retina_figure(fig, base64=True, bbox_inches="tight")
    if drawn is None:  # an empty figure draws nothing
        return None
    data, size = drawn
    data = base64.b64encode(smallest_png(base64.b64decode(data))).decode("ascii")
    return data, {"width": size["width"]}


#: the picture the PNG formatter has just encoded, handed to the JPEG
#: formatter that IPython calls next for the same figure: [(figure, choice)]
_last_picture = []


def _encode_picture(fig):
    """``(mime type, base64 data, metadata)`` for a picture figure, or None.

    A retina PNG (:func:`smallest_png`); for a photograph (see
    :func:`is_photo_figure`) also a retina JPEG, and the smaller of the two
    is kept: JPEG for a colour photograph, PNG where a palette or grey
    levels hold the picture exactly (feature maps drawn with a colour map)
    -- smaller, and without JPEG's blur around text and pixel edges.
    """
    png = _retina_png(fig)
    choice = None if png is None else ("image/png", *png)
    if is_photo_figure(fig):
        jpeg = _retina_jpeg(fig)
        if choice is None or len(jpeg[0]) < len(choice[1]):
            choice = ("image/jpeg", *jpeg)
    return choice


def _png_or_nothing(fig):
    if not is_raster_figure(fig):
        return None
    choice = _encode_picture(fig)
    _last_picture[:] = [(fig, choice)]
    if choice is None or choice[0] != "image/png":
        return None
    return choice[1], choice[2]


def _jpeg_or_nothing(fig):
    if not is_photo_figure(fig):
        return None
    if _last_picture and _last_picture[0][0] is fig:
        choice = _last_picture.pop()[1]
    else:
        choice = _encode_picture(fig)
    if choice is None or choice[0] != "image/jpeg":
        return None
    return choice[1], choice[2]


def _svg_or_nothing(fig):
    from IPython.core.pylabtools import print_figure

    if is_raster_figure(fig):
        return None
    return print_figure(fig, fmt="svg", bbox_inches="tight",
                        metadata={"Date": None})


def _use_auto_format(shell):
    """Register per-figure formatters: retina JPEG for photographs, retina PNG
    for other pictures, SVG otherwise."""
    from matplotlib.figure import Figure

    formatters = shell.display_formatter.formatters
    for formatter in formatters.values():
        formatter.pop(Figure, None)
    formatters["image/png"].for_type(Figure, _png_or_nothing)
    formatters["image/jpeg"].for_type(Figure, _jpeg_or_nothing)
    formatters["image/svg+xml"].for_type(Figure, _svg_or_nothing)


def use_book_style(figure_format="auto"):
    """Set matplotlib up for the book: column-sized figures, sharp on high-DPI screens.

    Call it once in a notebook's set-up cell (after ``%matplotlib inline``
    if the notebook has that line). It updates :data:`BOOK_STYLE` into
    ``matplotlib.rcParams`` (7 in wide, fonts of 9-11 pt) and, inside
    IPython, chooses the inline backend's image format. Outside IPython only
    the rcParams change.

    Parameters
    ----------
    figure_format : {"auto", "retina", "svg", "png"}
        ``"auto"`` (default) sends each figure in the smaller sharp format:
        a figure showing a picture (an image larger than
        :data:`RASTER_PIXELS` pixels, see :func:`is_raster_figure`) as a
        retina PNG -- twice the resolution, its metadata halving the
        displayed size -- and every other figure (number grids, curves) as
        SVG. Measured on figures 7 in wide: four number grids 80 KB as
        retina PNG, 56 KB as SVG (7 KB gzipped); a learning-curve pair 64 KB
        and 36 KB (8 KB gzipped); three photographs 93 KB as retina PNG,
        180 KB as SVG. A figure with a photograph (an image over
        :data:`PHOTO_PIXELS` pixels) goes as a retina JPEG when that is
        smaller than the PNG: Grace Hopper's colour portrait in chapter 2
        took 889 KB as retina PNG, 94 KB as JPEG; her grey portrait beside
        three filtered versions 140 KB as JPEG, 114 KB as PNG (256 greys,
        exact). See :func:`smallest_png`. ``"retina"``, ``"svg"`` and ``"png"`` use one format
        for every figure.

    Returns
    -------
    dict
        The rcParams that were set (a copy of :data:`BOOK_STYLE`).
    """
    import matplotlib

    formats = ("auto", "retina", "svg", "png")
    if figure_format not in formats:
        raise ValueError(f"figure_format must be one of {formats}; "
                         f"got {figure_format!r}")
    matplotlib.rcParams.update(BOOK_STYLE)
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: no inline backend to configure
        return dict(BOOK_STYLE)
    shell = get_ipython()
    if shell is None:
        return dict(BOOK_STYLE)
    # Loading the inline backend (at pyplot's first figure, or here) resets
    # the figure formatters: load it now so that the choice below stays.
    import matplotlib.pyplot  # noqa: F401
    import matplotlib_inline.backend_inline  # noqa: F401

    if figure_format == "auto":
        _use_auto_format(shell)
    else:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        extra = {"metadata": {"Date": None}} if figure_format == "svg" else {}
        set_matplotlib_formats(figure_format, **extra)
    return dict(BOOK_STYLE)


def _cell_text(value, fmt, true_text):
    """The text of one matrix cell: bools as marks, numbers by ``fmt``, the rest as str."""
    if isinstance(value, (bool, np.bool_)):
        return true_text if value else ""
    if isinstance(value, (int, float, np.integer, np.floating)):
        return fmt(value) if callable(fmt) else fmt.format(value)
    return str(value)


def _cell_number(value):
    """The number that colours a cell (non-numbers, e.g. symbols, colour as 0)."""
    if isinstance(value, (bool, np.bool_, int, float, np.integer, np.floating)):
        return float(value)
    return 0.0


def _axis_labels(labels, n):
    if labels is None or labels is False:
        return None
    if labels is True:
        return [str(k) for k in range(n)]
    labels = [str(k) for k in labels]
    if len(labels) != n:
        raise ValueError(f"expected {n} labels, got {len(labels)}")
    return labels


def show_matrix(ax, values, *, fmt="{:g}", cmap="Blues", vmin=None, vmax=None,
                highlight=(), boxes=(), title=None, row_labels=None,
                col_labels=None, xlabel=None, ylabel=None, true_text="X",
                fontsize=10, edge_colour="crimson", grid=True):
    """Draw a small matrix as a grid of coloured cells with its numbers in them.

    The one grid drawer of the book: Chapter 2's sliding windows and
    participation counts, Chapter 3's sensitivity maps (numbers or LaTeX
    symbols) and Chapter 5's C3 connection table (``True`` cells marked "X").

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    values : array_like, shape (R, C)
        Numbers, bools or strings (e.g. ``"$w_{11}$"``); a nested list may
        mix them. Numbers colour their cell; bools draw ``true_text`` in the
        ``True`` cells; strings are written as they are on a blank cell.
    fmt : str or callable
        Format of a number: a ``str.format`` pattern (``"{:.1f}"``) or a
        function of the value.
    cmap : str or Colormap
        Colour map of the cells. Text is white on dark cells, black otherwise.
    vmin, vmax : float, optional
        Colour limits (default: the smallest and largest number, 0 included).
    highlight : iterable of (i, j)
        Cells framed in ``edge_colour``.
    boxes : iterable of ((i, j), (h, w))
        Rectangles of ``h`` rows and ``w`` columns with top-left cell
        ``(i, j)``, framed in ``edge_colour`` (e.g. a filter's window).
    title : str, optional
        Axes title.
    row_labels, col_labels : True or sequence of str, optional
        Tick labels: ``True`` numbers the rows (columns) from 0; ``None``
        shows no ticks.
    xlabel, ylabel : str, optional
        Axis labels.
    true_text : str
        Text drawn in a ``True`` cell of a boolean matrix.
    fontsize : float
        Size of the cell text in points.
    edge_colour : colour
        Colour of ``highlight`` frames and ``boxes``.
    grid : bool
        Draw thin lines between the cells.

    Returns
    -------
    matplotlib.image.AxesImage
        The coloured cells; the cell texts are ``ax.texts`` in row-major order.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().subplots()
    >>> _ = show_matrix(ax, [[1, 2], [3, 4]], boxes=[((0, 0), (1, 2))])
    >>> [t.get_text() for t in ax.texts]
    ['1', '2', '3', '4']
    """
    from matplotlib.colors import Normalize
    from matplotlib.patches import Rectangle

    rows = values.tolist() if isinstance(values, np.ndarray) else values
    rows = [list(row) for row in rows]
    if not rows or any(len(row) != len(rows[0]) for row in rows):
        raise ValueError("values must be a 2-D matrix (R, C); got "
                         f"{len(rows)} rows of lengths "
                         f"{sorted({len(row) for row in rows})}")
    cells = np.empty((len(rows), len(rows[0])), dtype=object)
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            cells[i, j] = v
    numbers = np.vectorize(_cell_number, otypes=[float])(cells)
    low = min(0.0, numbers.min(initial=0.0)) if vmin is None else vmin
    high = numbers.max(initial=0.0) if vmax is None else vmax
    norm = Normalize(vmin=low, vmax=high if high > low else low + 1.0)
    image = ax.imshow(numbers, cmap=cmap, norm=norm, aspect="equal")
    colours = image.cmap(norm(numbers))
    for (i, j), v in np.ndenumerate(cells):
        r, g, b, _ = colours[i, j]
        dark = 0.299 * r + 0.587 * g + 0.114 * b < 0.5
        ax.text(j, i, _cell_text(v, fmt, true_text), ha="center", va="center",
                fontsize=fontsize, color="white" if dark else "black")
    for i, j in highlight:
        ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False,
                               ec=edge_colour, lw=2.5))
    for (i, j), (h, w) in boxes:
        ax.add_patch(Rectangle((j - 0.5, i - 0.5), w, h, fill=False,
                               ec=edge_colour, lw=2.5))
    n_rows, n_cols = cells.shape
    if grid:
        ax.set_xticks(np.arange(n_cols + 1) - 0.5, minor=True)
        ax.set_yticks(np.arange(n_rows + 1) - 0.5, minor=True)
        ax.grid(which="minor", color="0.4", lw=0.6)
        ax.tick_params(which="minor", length=0)
    for labels, n, set_ticks in ((col_labels, n_cols, ax.set_xticks),
                                 (row_labels, n_rows, ax.set_yticks)):
        labels = _axis_labels(labels, n)
        set_ticks([] if labels is None else np.arange(n),
                  [] if labels is None else labels)
    ax.tick_params(which="major", length=0)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return image


def _figure(figsize):
    from matplotlib.figure import Figure

    return Figure(figsize=figsize, layout="constrained")


def plot_history(history, title="Learning curves"):
    """Loss (left) and accuracy (right, training and validation) per epoch of a :class:`cnnlab.train.History`."""
    fig = _figure((COLUMN_WIDTH, 3.0))
    ax1, ax2 = fig.subplots(1, 2)
    ep = np.arange(1, history.epochs + 1)
    ax1.plot(ep, history.loss, "o-", label="training")
    if history.val_loss:
        ax1.plot(ep, history.val_loss, "s--", label="validation")
    ax1.set(xlabel="epoch", ylabel="loss", title="Loss")
    ax2.plot(ep, np.asarray(history.accuracy) * 100, "o-", label="training")
    if history.val_accuracy:
        ax2.plot(ep, np.asarray(history.val_accuracy) * 100, "s--", label="validation")
    ax2.set(xlabel="epoch", ylabel="accuracy (%)", title="Accuracy")
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3)
        ax.legend()
        ax.xaxis.get_major_locator().set_params(integer=True)
    fig.suptitle(title)
    return fig


def confusion_matrix(y_true, y_pred, num_classes=None) -> np.ndarray:
    """``C[i, j]`` = number of samples of true class ``i`` predicted as ``j``."""
    y_true, y_pred = np.asarray(y_true, np.int64), np.asarray(y_pred, np.int64)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same shape; got {y_true.shape} and {y_pred.shape}")
    k = num_classes or int(max(y_true.max(initial=0), y_pred.max(initial=0))) + 1
    return np.bincount(y_true * k + y_pred, minlength=k * k).reshape(k, k)


def plot_confusion_matrix(y_true, y_pred, class_names=None, title="Confusion matrix"):
    """Counts of (true, predicted) pairs, with the count written in each cell."""
    names = list(class_names) if class_names is not None else None
    C = confusion_matrix(y_true, y_pred, len(names) if names else None)
    k = len(C)
    fig = _figure((6.0, 5.2))
    ax = fig.subplots()
    im = ax.imshow(C, cmap="Blues")
    fig.colorbar(im, ax=ax, shrink=0.8)
    thresh = C.max() / 2 if C.size else 0
    for i in range(k):
        for j in range(k):
            if C[i, j]:
                ax.text(j, i, str(C[i, j]), ha="center", va="center", fontsize=9,
                        color="white" if C[i, j] > thresh else "black")
    ticks = np.arange(k)
    ax.set_xticks(ticks, names or ticks, rotation=45 if names else 0)
    ax.set_yticks(ticks, names or ticks)
    acc = np.trace(C) / max(C.sum(), 1)
    ax.set(xlabel="predicted", ylabel="true", title=f"{title} (accuracy {acc:.2%})")
    return fig


def _as_images(x):
    x = np.asarray(x)
    if x.ndim == 4:
        x = x[:, 0]
    return x


def plot_misclassified(x, y_true, y_pred, max_images=24, cols=8, class_names=None):
    """The first ``max_images`` misclassified images, titled "true → predicted"."""
    x, y_true, y_pred = _as_images(x), np.asarray(y_true), np.asarray(y_pred)
    wrong = np.flatnonzero(y_true != y_pred)[:max_images]
    n = max(len(wrong), 1)
    rows = -(-n // cols)
    fig = _figure((min(COLUMN_WIDTH, 0.875 * min(cols, n)), 1.1 * rows + 0.5))
    axes = np.atleast_1d(fig.subplots(rows, min(cols, n), squeeze=False)).ravel()
    name = (lambda c: class_names[c]) if class_names is not None else str
    for ax in axes:
        ax.axis("off")
    for ax, i in zip(axes, wrong):
        ax.imshow(x[i], cmap="gray_r")
        ax.set_title(f"{name(int(y_true[i]))} → {name(int(y_pred[i]))}", fontsize=9)
    fig.suptitle(f"Misclassified: {len(np.flatnonzero(y_true != y_pred))} of {len(y_true)} (true → predicted)")
    return fig


def plot_filters(layer_or_weights, input_channel=0, cols=8, title=None):
    """Filters ``w[n, input_channel]`` of a convolution layer (or an array (N, D, F, F)) as small images."""
    w = layer_or_weights.params["w"] if hasattr(layer_or_weights, "params") else np.asarray(layer_or_weights)
    if w.ndim != 4:
        raise ValueError(f"weights must have shape (N, D, F_h, F_w); got {w.shape}")
    N = w.shape[0]
    cols = min(cols, N)
    rows = -(-N // cols)
    fig = _figure((min(COLUMN_WIDTH, 0.875 * cols), 0.95 * rows + 0.5))
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    lim = np.abs(w[:, input_channel]).max() or 1.0
    for ax in axes:
        ax.axis("off")
    for n in range(N):
        axes[n].imshow(w[n, input_channel], cmap="RdBu_r", vmin=-lim, vmax=lim)
        axes[n].set_title(str(n), fontsize=9)
    name = getattr(layer_or_weights, "name", None)
    fig.suptitle(title or f"Filters{' of ' + name if name else ''} (input map {input_channel}; red > 0 > blue)")
    return fig


def plot_feature_maps(model, image, layers=None, max_maps=16):
    """Feature maps of one image after each (chosen) layer: one row per layer, from ``model.forward_all``."""
    x = np.asarray(image, dtype=np.float32)
    while x.ndim < 4:
        x = x[None]
    # maps of 1×1 (C5) carry no picture: they are left out unless asked for by name
    outs = [(n, o[0]) for n, o in model.forward_all(x)
            if o.ndim == 4 and (n in layers if layers is not None else o.shape[2] * o.shape[3] > 1)]
    if not outs:
        raise ValueError(f"no layer with feature maps among {layers!r}")
    cols = min(max_maps, max(o.shape[0] for _, o in outs)) + 1
    width = min(COLUMN_WIDTH, 0.6 * cols + 0.6)
    fig = _figure((width, (width / cols + 0.25) * len(outs) + 0.4))
    axes = fig.subplots(len(outs), cols, squeeze=False)
    for r, (name, o) in enumerate(outs):
        for ax in axes[r]:
            ax.axis("off")
        axes[r, 0].imshow(x[0, 0], cmap="gray_r")
        axes[r, 0].set_title("input" if r == 0 else "", fontsize=9)
        axes[r, 1].text(-0.15, 0.5, name, transform=axes[r, 1].transAxes, ha="right", va="center", fontsize=9)
        for k in range(min(max_maps, o.shape[0])):
            axes[r, k + 1].imshow(o[k], cmap="viridis")
        axes[r, 0].set_visible(r == 0)
    fig.suptitle(f"Feature maps ({' · '.join(f'{n}: {o.shape[0]}@{o.shape[1]}×{o.shape[2]}' for n, o in outs)})",
                 fontsize=10)
    return fig


def plot_prototypes(prototypes=None, title="RBF prototypes of LeNet-5's output units (7×12, ±1)"):
    """The ten ±1 parameter vectors of the RBF output layer drawn as 7-wide × 12-high bitmaps
    (default: :data:`cnnlab.layers.DIGIT_BITMAPS`; or an RBF layer, or an array (10, 84))."""
    from .layers.rbf import DIGIT_BITMAPS

    if prototypes is None:
        p = DIGIT_BITMAPS
    else:
        w = prototypes.w if hasattr(prototypes, "w") else np.asarray(prototypes)
        p = np.asarray(w).reshape(len(w), 12, 7)
    fig = _figure((COLUMN_WIDTH, 1.8))
    axes = np.atleast_1d(fig.subplots(1, len(p)))
    for k, ax in enumerate(axes):
        ax.imshow(p[k], cmap="gray_r", vmin=-1, vmax=1)
        ax.set_title(str(k), fontsize=9)
        ax.axis("off")
    fig.suptitle(title, fontsize=10)
    return fig
