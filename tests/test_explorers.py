"""Explorers, Python level: state spaces, the renderer, the static HTML and the
live ipywidgets view (driven through the widget objects, ipywidgets' dummy comm)."""

from __future__ import annotations

import re
import statistics
from html import escape

import numpy as np
import pytest

from cnnlab.arithmetic import conv_output_size
from explorer_gallery import EXPLORERS

from cnnlab.explorers import FCvsConv, SlidingFilter
from cnnlab.explorers.static import MAX_BYTES, read_payload

pytest.importorskip("ipywidgets")

_built: dict = {}


def build(name):
    if name not in _built:
        _built[name] = EXPLORERS[name]()
    return _built[name]


def rects(html: str, cls: str) -> list[tuple[str, str]]:
    """(x, y) of every highlight rectangle of class ``cls``."""
    return re.findall(rf'<rect class="{cls}" x="([-\d.]+)" y="([-\d.]+)"', html)


# -- every explorer -----------------------------------------------------------------

@pytest.mark.parametrize("name", list(EXPLORERS))
def test_static_html_is_self_contained_small_and_deterministic(name):
    e = build(name)
    html1, html2 = e.static_html(), e.static_html()
    size = len(html1.encode("utf-8"))
    assert size < MAX_BYTES, f"{name}: {size} bytes"
    id1 = re.search(r'id="(cnnlab-x-[0-9a-f]{10})-(\d+)"', html1)
    id2 = re.search(r'id="(cnnlab-x-[0-9a-f]{10})-(\d+)"', html2)
    assert id1.group(1) == id2.group(1) and int(id2.group(2)) == int(id1.group(2)) + 1  # hash + counter, no randomness
    assert re.sub(r"cnnlab-x-\w+-\d+", "ID", html1) == re.sub(r"cnnlab-x-\w+-\d+", "ID", html2)
    # no URL but the SVG namespace name (which is never fetched)
    assert re.findall(r"https?://[^\s\"'\\]*", html1) == ["http://www.w3.org/2000/svg"] * html1.count("http://")
    assert "cnnlabExplorer.init" in html1
    data = read_payload(html1)
    n_keys = int(np.prod([len(c.options) for c in e.controls]))
    assert len(data["states"]) == n_keys
    assert sum(len(v) for v in data["states"].values()) == len(e.states())
    # every stored state reassembles to exactly what render_state draws
    for st in e.states()[:: max(1, len(e.states()) // 25)]:
        key = ".".join(str(c.index(st[c.name])) for c in e.controls)
        assert "\n".join(data["lines"][i] for i in data["states"][key][st["step"]]) == e.render_state(st)
        assert data["lines"][data["alts"][key][st["step"]]] == e.alt_text(st)


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_mime_bundle_has_widget_view_html_and_text(name):
    e = build(name)
    bundle = e._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html", "application/vnd.jupyter.widget-view+json"}
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"]
    assert type(e).__name__ in bundle["text/plain"]


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_every_control_changes_the_live_view(name, record_property):
    e = EXPLORERS[name]()  # fresh: nothing cached, so the redraw times include rendering
    live = e.live()
    for cname, dd in live.controls.items():
        start = live.html.value
        changed = False
        for i in range(len(dd.options)):
            if i == dd.value:
                continue
            dd.value = i
            changed |= live.html.value != start
        assert changed, f"{name}: control {cname} never changes the picture"
        dd.value = next(c.default for c in e.controls if c.name == cname)
    if live.slider is not None:
        before = live.html.value
        if live.slider.max > 0:
            live.slider.value = live.slider.max
            assert live.html.value != before
            assert live.state()["step"] == live.slider.max
    times = live.redraw_seconds
    assert times
    record_property("redraw_ms_median", round(1000 * statistics.median(times), 2))
    record_property("redraw_ms_max", round(1000 * max(times), 2))
    print(f"{name}: {len(times)} redraws, median {1000 * statistics.median(times):.2f} ms, "
          f"max {1000 * max(times):.2f} ms")


# -- SlidingFilter ---------------------------------------------------------------------------

def test_sliding_filter_default_is_the_lecture_3_9_example():
    e = build("SlidingFilter")
    st = e.default_state()
    assert (st["L"], st["F"], st["S"], st["P"]) == (5, 3, 1, 0)
    np.testing.assert_array_equal(e.output(st), [[4, 3, 4], [2, 4, 3], [2, 3, 4]])
    np.testing.assert_array_equal(e.output(e.state(S=2)), [[4, 4], [2, 4]])  # the four corners
    html = e.render(st)
    assert "(5 − 3 + 2·0)/1 + 1 = 3" in html and "Lecture 3.9 example" in html
    assert e.n_steps(st) == 9 and e.n_steps(e.state(S=2)) == 4
    assert "a[0,0] = " in html and html.split("a[0,0] = ")[1].split("</div>")[0].endswith("= 4")


def test_sliding_filter_window_moves_with_the_step():
    e = build("SlidingFilter")
    wins = [rects(e.render(e.state(step=k)), "cx-win")[0] for k in range(9)]
    assert len(set(wins)) == 9
    outs = [rects(e.render(e.state(step=k)), "cx-out")[0] for k in range(9)]
    assert len(set(outs)) == 9
    # stride 2: the window jumps two cells (2·28 px) and the stride-1 map is shown
    s2 = [rects(e.render(e.state(S=2, step=k)), "cx-win")[0] for k in range(2)]
    assert float(s2[1][0]) - float(s2[0][0]) == 2 * 28
    assert "stride-1 map" in e.render(e.state(S=2))


def test_sliding_filter_impossible_combination_shows_the_teaching_message():
    e = build("SlidingFilter")
    st = e.state(L=4, F=3, S=2, P=0)
    with pytest.raises(ValueError) as err:
        conv_output_size(4, 3, 2, 0)
    html = e.render(st)
    assert "cx-error" in html
    assert escape(str(err.value)) in html
    assert e.n_steps(st) == 1


def test_sliding_filter_padding_and_state_count():
    e = SlidingFilter(sizes=(4,), filters=(3,), strides=(1,), paddings=(0, 1), L=4, F=3, S=1, P=1)
    assert len(e.states()) == 4 + 16
    html = e.render(e.state(P=1))
    assert html.count('class="p"') == 6 * 6 - 4 * 4  # the padding ring
    assert "(4 − 3 + 2·1)/1 + 1 = 4" in html


def test_sliding_filter_live_stepper_range_follows_the_controls():
    e = build("SlidingFilter")
    live = e.live()
    assert live.slider.max == 8
    live.slider.value = 8
    live.set(S=2)
    assert live.slider.max == 3 and live.slider.value == 3
    live.set(L=4)  # (4 − 3)/2 + 1 is not an integer
    assert live.slider.max == 0
    assert "cx-error" in live.html.value


# -- FCvsConv -------------------------------------------------------------------------------

def test_fc_vs_conv_counts_matrix_and_formula():
    e = build("FCvsConv")
    assert e.W.shape == (9, 16)
    assert e.parameter_counts() == {"fully_connected": 153, "convolution": 5, "fc_weights_that_matter": 36}
    html = e.render(e.state(region="e"))
    assert "= 144 + 9 = 153 parameters" in html and "2×2 + 1 = 5 parameters" in html
    assert "z_e = x5 + x6 + x9 + xA + b = 1 + 1 + 1 + 1 + (−3) = 1" in html and "detector e fires" in html
    z_fc, z_conv = e.outputs(0)
    np.testing.assert_array_equal(z_fc, z_conv.ravel())


def test_fc_vs_conv_region_lights_its_row_and_window():
    e = build("FCvsConv")
    sel = {r: rects(e.render(e.state(region=r)), "cx-sel")[0] for r in "abcdefghi"}
    assert len({y for _, y in sel.values()}) == 9  # one matrix row each
    wins = {r: rects(e.render(e.state(region=r)), "cx-win")[0] for r in "abcdefghi"}
    assert len(set(wins.values())) == 9
    assert "detector a does not fire" in e.render(e.state(region="a"))
    assert "detector c fires" in e.render(e.state(region="c", image=1))


# -- ReceptiveField ---------------------------------------------------------------------------

def test_receptive_field_counts_view():
    from cnnlab.arithmetic import participation_counts
    e = build("ParticipationCounts")
    assert len(e.states()) == 5 * 3 * 2 * 2 and e.stepper is None
    html = e.render(e.state(L=7, F=3, S=2, P=0))
    nums = [int(t) for t in re.findall(r"<text x=\"\d+\" y=\"\d+\">(\d+)</text>", html)]
    assert nums == participation_counts(7, 7, 3, 2, 0).ravel().tolist()
    assert "Σ counts = 81" in html  # 9 positions × 9 taps
    bad = e.render(e.state(L=6, F=3, S=2, P=0))
    assert "cx-error" in bad and "2.5 is not an integer" in bad
    assert "cx-error" in e.render(e.state(L=4, F=5, S=1, P=0))


def test_receptive_field_stack_view():
    e = build("ReceptiveField")
    st = e.state(stack=1)  # conv3 → pool2 → conv3 on 12×12 (Lecture 3.6)
    assert e.map_sizes(1) == [12, 10, 5, 3] and e.n_steps(st) == 9
    html = e.render(e.state(stack=1, step=4))
    assert "8×8 pixels" in html and "rows 2…9, columns 2…9" in html
    # the region in the input moves by the jump (2 pixels) from unit to unit
    a = e.region(1, 0, 0)
    b = e.region(1, 1, 0)
    assert b[1][0] - a[1][0] == 2 and b[0] == a[0]
    lenet = e.render(e.state(stack=2, step=0))
    assert "16×16 pixels" in lenet and e.n_steps(e.state(stack=2)) == 25
    assert "zero padding" in e.render(e.state(stack=3, step=0))
    assert len(e.states()) == 9 + 9 + 25 + 64


# -- SensitivityMap ---------------------------------------------------------------------------

def test_sensitivity_map_formulas_are_the_lecture_ones():
    e = build("SensitivityMap")
    expected = {  # Lecture 3.8, the nine derivatives
        0: "δ11·w11", 1: "δ11·w12 + δ12·w11", 2: "δ12·w12",
        3: "δ11·w21 + δ21·w11", 4: "δ11·w22 + δ12·w21 + δ21·w12 + δ22·w11", 5: "δ12·w22 + δ22·w12",
        6: "δ21·w21", 7: "δ21·w22 + δ22·w21", 8: "δ22·w22",
    }
    for step, rhs in expected.items():
        st = e.state(case=0, view="input", step=step)
        i, j = divmod(step, 3)
        assert e.formula(st) == f"∂E/∂a{i + 1}{j + 1} = {rhs}"
        assert escape(e.formula(st)) in e.render(st)
    assert e.formula(e.state(case=0, view="weight", step=0)) == "∂E/∂w11 = δ11·a11 + δ12·a12 + δ21·a21 + δ22·a22"
    assert e.formula(e.state(case=0, view="weight", step=1)) == "∂E/∂w12 = δ11·a12 + δ12·a13 + δ21·a22 + δ22·a23"


def test_sensitivity_map_numbers_agree_with_the_kernels():
    from cnnlab.conv_textbook import dilate_sensitivity, full_convolution

    e = build("SensitivityMap")
    for case in range(3):
        d = e.data(case)
        np.testing.assert_allclose(d["full"], d["dx"])  # textbook full convolution == conv2d_backward
        np.testing.assert_allclose(full_convolution(dilate_sensitivity(d["delta"], d["S"]), d["w"]), d["dx"])
        for step in range(d["H"] ** 2):
            i, j = divmod(step, d["H"])
            value = sum(d["delta"][p] * d["w"][mn] for p, mn in e.input_terms(case, i, j))
            assert value == pytest.approx(d["dx"][i, j])
        for step in range(d["F"] ** 2):
            m, n = divmod(step, d["F"])
            value = sum(d["delta"][p] * d["a"][uv] for p, uv in e.weight_terms(case, m, n))
            assert value == pytest.approx(d["dw"][m, n])
    st = e.state(case=1, view="input", step=12)  # stride 2: the dilated δ, padded by 2 (7×7)
    html = e.render(st)
    assert "dilated" in html and html.count('class="p"') == 7 * 7 - 3 * 3
    assert e.n_steps(st) == 25 and e.n_steps(e.state(case=1, view="weight")) == 9


def test_sensitivity_map_stepper_moves_the_highlight():
    e = build("SensitivityMap")
    sel = [rects(e.render(e.state(case=0, step=k)), "cx-sel") for k in range(9)]
    assert len({tuple(s) for s in sel}) == 9


# -- Pooling ----------------------------------------------------------------------------------

def test_pooling_routes_delta_like_pool2d_backward():
    e = build("Pooling")
    x = e.x
    c = e.compute("max", (2, 2))
    assert c["out"].shape == (3, 3) and c["out"][1, 1] == x[2:4, 2:4].max()
    for r, single in enumerate(c["single"]):
        assert np.count_nonzero(single) == 1 and single.sum() == c["delta"].flat[r]  # all of δ to one pixel
    np.testing.assert_allclose(sum(c["single"]), c["dx"])
    m = e.compute("mean", (2, 2))
    assert all(np.allclose(s[s != 0], m["delta"].flat[r] / 4) for r, s in enumerate(m["single"]))
    g = e.compute("gaussian", (3, 3))
    np.testing.assert_allclose(g["single"][0][:3, :3], g["weights"] * g["delta"][0, 0])
    html = e.render(e.state(mode="max", step=4))
    assert f"max({', '.join(str(int(v)) for v in x[2:4, 2:4].ravel())}) = {int(x[2:4, 2:4].max())}" in html
    assert "δ/4" in e.render(e.state(mode="mean"))
    assert "Overlapping windows" in e.render(e.state(window=(2, 1)))
    assert e.n_steps(e.state(window=(2, 1))) == 25 and e.n_steps(e.state(window=(3, 3))) == 4
    assert len(e.states()) == 4 * (9 + 4 + 25)


def test_pooling_overlapping_windows_accumulate():
    e = build("Pooling")
    c = e.compute("max", (2, 1))
    np.testing.assert_allclose(sum(c["single"]), c["dx"])
    assert c["dx"].max() > c["delta"].max() or np.count_nonzero(c["dx"]) < c["delta"].size


# -- VisualSystem -----------------------------------------------------------------------------

def test_visual_system_panels_and_numbers():
    from cnnlab.explorers.draw import fmt
    from cnnlab.explorers.visual import BAR_THETAS
    from cnnlab.vision import dog_filter, gabor_filter

    e = build("VisualSystem")
    assert [e.n_steps(e.state(panel=p)) for p in ("dog", "gabor", "tuning", "mach")] == [4, 8, 12, 4]
    assert len(e.states()) == 28
    assert abs(dog_filter(None, 2.0, 4.0).sum()) < 1e-12 and abs(gabor_filter(30, size=21).mean()) < 1e-12
    curve = e.tuning_curve()
    assert curve.argmax() == 0 and curve[BAR_THETAS.index(90.0)] == 0  # prefers horizontal (0°), silent across
    assert "response = ReLU(Σ w·x) = " + fmt(curve[3], 2) in e.render(e.state(panel="tuning", step=3))
    # Mach bands: no surround, a blurred staircase (monotone); with surround, over/undershoot at each edge
    lum, resp0, _, lrn0 = e.mach(0.0)
    _, resp1, acts, lrn1 = e.mach(1.0)
    assert np.all(np.diff(lum) >= 0) and np.all(np.diff(resp0) >= -1e-12)
    assert (np.diff(resp1) < -1e-6).sum() >= 4
    np.testing.assert_allclose(lrn0, acts)  # α = 0: LRN divides by 1
    assert lrn1[2] < acts[2] and resp1[:8].std() < 1e-6 and np.abs(resp1).max() > 1e-3
    imgs = [re.findall(r'src="(data:image/png;base64,[^"]+)"', e.render(e.state(panel="gabor", step=k)))
            for k in range(8)]
    assert len({tuple(i) for i in imgs}) == 8 and all(len(i) == 3 for i in imgs)


# -- InsideLeNet ------------------------------------------------------------------------------

def test_inside_lenet_maps_come_from_forward_all():
    from cnnlab.models import lenet5, prepare_digits

    from cnnlab.explorers import InsideLeNet

    e = build("InsideLeNet")
    assert e.layer_names == ["input", "C1", "S2", "C3", "S4", "C5", "F6", "OUTPUT"]
    assert len(e.states()) == 10 * 8
    model = lenet5("modern", seed=0)
    ref = dict(model.forward_all(e.x[3:4]))
    np.testing.assert_allclose(e.feature_maps(3, "C3"), ref["C3"][0], rtol=1e-5, atol=1e-6)
    assert e.filters("C1").shape == (6, 1, 5, 5) and e.filters("S2") is None
    assert "C1: 6 maps 28×28" in e.render(e.state(digit=3, layer="C1"))
    assert "filters of C3" in e.render(e.state(layer="C3"))
    out = e.render(e.state(digit=2, layer="OUTPUT"))
    assert f"predicted {e.predictions[2]}, label 2" in out and "class outputs" in out
    # another model and own digits (28×28 uint8 -> prepared to 32×32)
    digits = (np.random.default_rng(0).random((2, 28, 28)) * 255).astype(np.uint8)
    small = InsideLeNet(lenet5("published", seed=1), digits)
    np.testing.assert_allclose(small.x, prepare_digits(digits))
    assert len(small.states()) == 2 * 8 and small.trained
    with pytest.raises(ValueError):
        InsideLeNet(images=np.zeros((11, 28, 28), np.uint8))


# -- text alternatives and Chinese -------------------------------------------------------------

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_every_state_has_a_text_alternative_and_marks_its_chinese(name):
    e = build(name)
    states = e.states()
    alts = [e.alt_text(st) for st in states]
    assert all(len(a) >= 30 and "<" not in a for a in alts), [a for a in alts if len(a) < 30][:3]
    assert not any(HAN.search(a) for a in alts)  # plain text for the status line: no lang mark possible there
    if e.stepper:  # stepping changes what the status line announces
        for idx in list(e._primary_indices())[:3]:
            st0 = e._state_from_indices(idx)
            if e.n_steps(st0) > 1:
                assert e.alt_text(st0) != e.alt_text(e._state_from_indices(idx, 1))
    for st in states[:: max(1, len(states) // 40)] + [st for st in states if st.get("panel") == "mach"]:
        html = e.render(st)
        unmarked = HAN.findall(re.sub(r'<span lang="zh-Hans">[^<]*</span>', "", html))
        assert not unmarked, f"{name}: Chinese outside lang=zh-Hans: {unmarked}"
        assert html.count('role="img"') == html.count("<svg")  # every drawing is an image with a label slot
        assert all(re.search(r'<img [^>]*alt="[^"]+"', tag) for tag in re.findall(r"<img [^>]*>", html))


def test_state_tables_are_packed_when_that_halves_them():
    from cnnlab.explorers.static import payload

    sliding = SlidingFilter().static_html()
    assert 'data-encoding="gzip+base64"' in sliding
    assert len(sliding.encode()) < 120_000  # 459 KB when every state was stored as plain JSON
    assert read_payload(sliding) == payload(SlidingFilter())
    visual = build("VisualSystem").static_html()  # PNG images: gzip would gain little
    assert 'data-encoding="json"' in visual
    assert read_payload(visual)["lines"] == payload(build("VisualSystem"))["lines"]
