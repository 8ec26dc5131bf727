"""cnnlab.plots: the book style and the matrix-with-numbers drawer."""

import base64
import struct

import matplotlib
import nbclient
import nbformat
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from cnnlab.models import C3_TABLE
from cnnlab.plots import (BOOK_STYLE, PALETTE_MAX_ERROR, is_raster_figure, show_matrix,
                          smallest_png, use_book_style)


def _axes():
    return Figure(figsize=(3, 3)).subplots()


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def _frames(ax):
    return [(p.get_xy(), p.get_width(), p.get_height())
            for p in ax.patches if isinstance(p, Rectangle)]


def test_each_cell_shows_its_value_row_by_row():
    ax = _axes()
    show_matrix(ax, np.array([[1, 2, 3], [40, 50, 60]]))
    assert _texts(ax) == ["1", "2", "3", "40", "50", "60"]
    assert [t.get_position() for t in ax.texts][:4] == [(0, 0), (1, 0), (2, 0),
                                                        (0, 1)]


def test_number_format_string_or_function():
    ax = _axes()
    show_matrix(ax, [[0.25, -1.0]], fmt="{:.1f}")
    assert _texts(ax) == ["0.2", "-1.0"]
    ax = _axes()
    show_matrix(ax, [[3, 4]], fmt=lambda v: f"<{v}>")
    assert _texts(ax) == ["<3>", "<4>"]


def test_strings_and_mixed_cells_are_written_as_they_are():
    ax = _axes()
    show_matrix(ax, [["$w_{11}$", 0], ["a", 2.5]])
    assert _texts(ax) == ["$w_{11}$", "0", "a", "2.5"]
    ax = _axes()
    labels = np.array(list("0123456789ABCDEF")).reshape(4, 4)
    show_matrix(ax, labels, fmt="{}")
    assert "".join(_texts(ax)) == "0123456789ABCDEF"


def test_boolean_table_marks_true_cells():
    ax = _axes()
    show_matrix(ax, C3_TABLE, row_labels=True, col_labels=True,
                xlabel="C3 feature map", ylabel="S2 feature map")
    marks = np.array(_texts(ax)).reshape(C3_TABLE.shape)
    assert ((marks == "X") == C3_TABLE).all()
    assert (marks[~C3_TABLE] == "").all()
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(k) for k in range(16)]
    assert [t.get_text() for t in ax.get_yticklabels()] == [str(k) for k in range(6)]
    assert ax.get_xlabel() == "C3 feature map" and ax.get_ylabel() == "S2 feature map"


def test_no_ticks_unless_labels_are_asked_for():
    ax = _axes()
    show_matrix(ax, [[1, 2], [3, 4]], title="a window")
    assert list(ax.get_xticks()) == [] and list(ax.get_yticks()) == []
    assert ax.get_title() == "a window"
    ax = _axes()
    show_matrix(ax, [[1, 2], [3, 4]], row_labels=["top", "bottom"])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["top", "bottom"]
    with pytest.raises(ValueError, match="expected 2 labels"):
        show_matrix(_axes(), [[1, 2], [3, 4]], col_labels=["only one"])


def test_text_is_white_on_dark_cells_and_black_on_light_ones():
    ax = _axes()
    show_matrix(ax, [[0, 10]], cmap="Blues")
    light, dark = ax.texts
    assert matplotlib.colors.to_rgb(light.get_color()) == (0, 0, 0)
    assert matplotlib.colors.to_rgb(dark.get_color()) == (1, 1, 1)


def test_highlighted_cells_and_boxes_are_framed_where_asked():
    ax = _axes()
    show_matrix(ax, np.zeros((4, 4)), highlight=[(0, 1), (2, 3)],
                boxes=[((1, 0), (2, 3))])
    assert _frames(ax) == [((0.5, -0.5), 1, 1), ((2.5, 1.5), 1, 1),
                           ((-0.5, 0.5), 3, 2)]


def test_colour_limits_follow_vmin_vmax():
    image = show_matrix(_axes(), [[1, 2], [3, 4]], vmin=0, vmax=8)
    assert image.norm.vmin == 0 and image.norm.vmax == 8
    image = show_matrix(_axes(), [[-2, 5]])
    assert image.norm.vmin == -2 and image.norm.vmax == 5


def test_a_ragged_matrix_is_refused_by_name():
    with pytest.raises(ValueError, match="values must be a 2-D matrix"):
        show_matrix(_axes(), [[1, 2], [3]])


def test_book_style_sets_the_column_size_and_legible_fonts():
    with matplotlib.rc_context():
        matplotlib.rcParams["font.size"] = 6
        use_book_style()
        width, _ = matplotlib.rcParams["figure.figsize"]
        assert width * matplotlib.rcParams["figure.dpi"] == 700
        for key in ("font.size", "axes.titlesize", "axes.labelsize",
                    "xtick.labelsize", "ytick.labelsize", "legend.fontsize"):
            assert matplotlib.rcParams[key] >= 9, key
    assert BOOK_STYLE["figure.figsize"][0] == 7.0
    with pytest.raises(ValueError, match="figure_format must be one of"):
        use_book_style("gif")


def test_pictures_are_raster_figures_and_grids_are_not():
    fig = Figure()
    fig.subplots().imshow(np.zeros((200, 171)))
    assert is_raster_figure(fig)
    fig = Figure()
    show_matrix(fig.subplots(), np.zeros((16, 16)))
    assert not is_raster_figure(fig)
    fig = Figure()
    fig.subplots().plot([1, 2, 3])
    assert not is_raster_figure(fig)


def test_in_a_kernel_pictures_come_as_retina_png_and_grids_as_svg():
    # no %matplotlib inline: the backend loads at the first figure, and
    # use_book_style's choice of format must survive that
    cells = [
        "import numpy as np\nimport matplotlib.pyplot as plt\n"
        "from cnnlab.plots import show_matrix, use_book_style\nuse_book_style()",
        "fig, ax = plt.subplots()\nshow_matrix(ax, np.eye(3))\nplt.show()",
        "fig, ax = plt.subplots()\nax.imshow(np.zeros((100, 100)))\nplt.show()",
        "fig, ax = plt.subplots()\nax.imshow(np.random.default_rng(0)"
        ".random((300, 300, 3)))\nplt.show()",
        "fig, ax = plt.subplots()\nax.imshow(np.random.default_rng(0)"
        ".random((300, 300)))\nplt.show()",
    ]
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=120).execute()
    (grid,) = [o for o in nb.cells[1].outputs if "data" in o]
    (photo,) = [o for o in nb.cells[2].outputs if "data" in o]
    assert "image/svg+xml" in grid["data"] and "image/png" not in grid["data"]
    assert "image/png" in photo["data"] and "image/svg+xml" not in photo["data"]
    # retina: the PNG holds twice the pixels its metadata asks the page to show
    png = base64.b64decode(photo["data"]["image/png"])
    pixel_width = struct.unpack(">I", png[16:20])[0]
    assert pixel_width // 2 == photo["metadata"]["image/png"]["width"]
    # no fixed height: a page that narrows the picture keeps its proportions
    assert "height" not in photo["metadata"]["image/png"]
    assert pixel_width > 400
    # a colour photograph (over PHOTO_PIXELS) comes as a retina JPEG, width only
    (big,) = [o for o in nb.cells[3].outputs if "data" in o]
    assert set(big["data"]) & {"image/png", "image/svg+xml"} == set()
    jpeg = base64.b64decode(big["data"]["image/jpeg"])
    assert jpeg[:2] == b"\xff\xd8"                       # JPEG's start marker
    from PIL import Image
    import io
    assert Image.open(io.BytesIO(jpeg)).size[0] // 2 == big["metadata"]["image/jpeg"]["width"]
    assert "height" not in big["metadata"]["image/jpeg"]
    # the picture's PNG was made smaller: a colour map's few colours as a palette
    assert Image.open(io.BytesIO(png)).mode == "P"
    # a big colour-mapped picture too: its palette PNG is smaller than a JPEG, and exact
    (mapped,) = [o for o in nb.cells[4].outputs if "data" in o]
    assert set(mapped["data"]) & {"image/jpeg", "image/svg+xml"} == set()
    mapped_png = base64.b64decode(mapped["data"]["image/png"])
    assert Image.open(io.BytesIO(mapped_png)).mode == "P"
    assert Image.open(io.BytesIO(mapped_png)).size[0] // 2 == mapped["metadata"]["image/png"]["width"]


def _png(pixels):
    from PIL import Image
    import io

    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def _pixels(png):
    from PIL import Image
    import io

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


def _colour_mapped_picture():
    """A figure-like picture: a colour-mapped image, drawn big, on white with text-like grey."""
    from matplotlib import colormaps

    rng = np.random.default_rng(0)
    values = rng.random((40, 50)).repeat(8, axis=0).repeat(8, axis=1)
    rgb = (colormaps["RdBu"](values)[..., :3] * 255).round().astype(np.uint8)
    page = np.full((400, 500, 3), 255, np.uint8)
    page[40:360, 50:450] = rgb[:320, :400]
    return page


def test_smallest_png_keeps_a_colour_mapped_picture_within_the_palette_error():
    from PIL import Image
    import io

    pixels = _colour_mapped_picture()
    original = _png(pixels)
    small = smallest_png(original)
    assert len(small) < 0.6 * len(original)
    assert Image.open(io.BytesIO(small)).mode == "P"
    assert Image.open(io.BytesIO(small)).size == (500, 400)
    assert np.abs(_pixels(small) - pixels).max() <= PALETTE_MAX_ERROR
    assert smallest_png(original) == small              # deterministic


def test_smallest_png_stores_a_grey_picture_as_grey_without_loss():
    from PIL import Image
    import io

    grey = np.random.default_rng(1).integers(0, 256, (60, 80), dtype=np.uint8)
    pixels = np.repeat(grey[..., None], 3, axis=2)
    small = smallest_png(_png(pixels))
    assert Image.open(io.BytesIO(small)).mode == "L"
    assert (_pixels(small) == pixels).all()


def test_smallest_png_never_loses_more_than_the_palette_error():
    # noise in every colour: no 256-colour palette comes near it, so it stays exact
    pixels = np.random.default_rng(2).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    original = _png(pixels)
    small = smallest_png(original)
    assert (_pixels(small) == pixels).all()
    assert len(small) <= len(original)


def _all_texts(fig):
    return [t for t in fig.findobj(matplotlib.text.Text) if t.get_text().strip()]


def test_chapter5_figures_fit_the_column_with_legible_text():
    from cnnlab.models import lenet5
    from cnnlab.plots import (COLUMN_WIDTH, plot_confusion_matrix, plot_feature_maps,
                              plot_filters, plot_history, plot_misclassified,
                              plot_prototypes)
    from cnnlab.train import History

    rng = np.random.default_rng(0)
    history = History(loss=[1.0, 0.5, 0.3], accuracy=[0.6, 0.8, 0.9],
                      val_loss=[1.1, 0.6, 0.4], val_accuracy=[0.5, 0.7, 0.85])
    y_true = rng.integers(0, 10, 500)
    y_pred = np.where(rng.random(500) < 0.8, y_true, rng.integers(0, 10, 500))
    images = rng.random((500, 1, 28, 28))
    model = lenet5()
    figures = {
        "history": plot_history(history),
        "confusion": plot_confusion_matrix(y_true, y_pred),
        "misclassified": plot_misclassified(images, y_true, y_pred),
        "filters": plot_filters(rng.normal(size=(16, 6, 5, 5))),
        "feature maps": plot_feature_maps(model, rng.random((32, 32)),
                                          layers=["C1", "C3"]),
        "prototypes": plot_prototypes(),
    }
    for name, fig in figures.items():
        width, _ = fig.get_size_inches()
        assert width <= COLUMN_WIDTH, f"{name}: {width} in wide"
        small = [(t.get_text(), t.get_fontsize()) for t in _all_texts(fig)
                 if t.get_fontsize() < 9]
        assert not small, f"{name}: text below 9 pt: {small[:3]}"
