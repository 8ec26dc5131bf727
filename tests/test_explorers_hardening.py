"""Explorers given unusual or wrong arguments: they return or raise a clear error quickly
(issue 14, "Nothing hangs"), and the layout helpers place panels without overlap."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from cnnlab.explorers import (FCvsConv, ParticipationCounts, Pooling, ReceptiveField, SensitivityMap,
                              SlidingFilter)
from cnnlab.explorers.draw import Column, Grid, Row, svg

pytest.importorskip("ipywidgets")


def run_bounded(code: str, seconds: float = 60) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter; a hang fails the test instead of hanging it."""
    try:
        return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                              timeout=seconds)
    except subprocess.TimeoutExpired:
        pytest.fail(f"did not return within {seconds} s:\n{code}")


def test_a_1x1_filter_case_does_not_loop_forever():
    # a 1×1 filter equals its 180° rotation: the old "draw until it differs" loop never ended
    done = run_bounded("""
        from cnnlab.explorers import SensitivityMap
        e = SensitivityMap(cases=[("1×1 filter", 3, 1, 1)])
        assert e.n_steps(e.state(view="weight")) == 1
        print(e.formula(e.state(view="input", step=4)))
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "∂E/∂a22 = δ22·w11"


def test_a_symmetric_draw_is_made_asymmetric_without_a_loop():
    e = SensitivityMap(cases=[("2×2", 3, 2, 1), ("3×3", 5, 3, 1)], seed=3)
    for case in range(2):
        w = e.data(case)["w"]
        assert not np.array_equal(w, np.rot90(w, 2))


def test_too_many_states_are_refused_quickly():
    done = run_bounded("""
        from cnnlab.explorers import SlidingFilter
        e = SlidingFilter(sizes=range(1, 17), filters=range(1, 17), strides=range(1, 5), paddings=range(0, 4),
                          L=5, F=3, S=1, P=0)
        try:
            e.static_html()
        except ValueError as err:
            print(err)
    """)
    assert done.returncode == 0, done.stderr
    assert "more than 5000 states" in done.stdout and "fewer choices" in done.stdout


@pytest.mark.parametrize("make, message", [
    (lambda: SlidingFilter(L=99), r"L=99 is not among the choices of sizes: \(3, 4, 5, 6, 7\)"),
    (lambda: SlidingFilter(F=4), r"F=4 is not among the choices of filters: \(1, 2, 3\)"),
    (lambda: SlidingFilter(sizes=(5, 0)), r"every choice of sizes must be an int from 1 to 16; got 0"),
    (lambda: SlidingFilter(paddings=(0, 1.5)), r"every choice of paddings must be an int from 0 to 8; got 1.5"),
    (lambda: SlidingFilter(strides=()), r"strides must offer at least one choice"),
    (lambda: ParticipationCounts(sizes=(200,)), r"every choice of sizes must be an int from 1 to 16; got 200"),
    (lambda: ReceptiveField(stack=7), r"stack must be an int from 0 to 3; got 7"),
    (lambda: ReceptiveField(stacks=()), r"stacks: give at least one"),
    (lambda: Pooling(size=1), r"size \(the 3×3 window must fit\) must be an int from 3 to 12; got 1"),
    (lambda: Pooling(sigma=0), r"sigma must be a finite number > 0; got 0"),
    (lambda: SensitivityMap(cases=[("big", 99, 3, 1)]), r"cases: H of case 'big' must be an int from 1 to 12; got 99"),
    (lambda: SensitivityMap(cases=()), r"cases: give at least one"),
    (lambda: FCvsConv(images=[]), r"images: give 1 to 20"),
])
def test_out_of_range_arguments_name_the_argument_and_the_range(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_out_of_range_states_name_the_control_or_the_step():
    e = SlidingFilter()
    with pytest.raises(ValueError, match=r"step \(position\) of this state must be an int from 0 to 8; got 99"):
        e.state(step=99)
    with pytest.raises(ValueError, match=r"from 0 to 3; got 4"):
        e.state(S=2, step=4)
    with pytest.raises(ValueError, match=r"S=9 is not one of \[1, 2, 3\]"):
        e.state(S=9)
    with pytest.raises(ValueError, match=r"unknown control\(s\) \['Q'\]"):
        e.state(Q=1)
    with pytest.raises(ValueError, match=r"step \(no stepper\) of this state must be an int from 0 to 0; got 1"):
        FCvsConv().state(step=1)


def test_live_view_set_names_a_wrong_control_or_step():
    live = SlidingFilter().live()
    with pytest.raises(ValueError, match=r"unknown control 'nope'; controls are \['F', 'L', 'P', 'S'\]"):
        live.set(nope=1)
    with pytest.raises(ValueError, match=r"step must be an int from 0 to 8; got 9"):
        live.set(step=9)
    with pytest.raises(ValueError, match=r"step: FCvsConv has no stepper"):
        FCvsConv().live().set(step=1)


def test_receptive_field_views_are_two_explorers():
    assert ParticipationCounts().stepper is None
    assert ReceptiveField().stepper == "output unit"
    with pytest.raises(TypeError):
        ReceptiveField(view="counts")


# -- the layout helpers ----------------------------------------------------------------------

def _boxes(panels, x0=0, gap=24):
    out = []
    for p in panels:
        out.append((x0, x0 + p.width))
        x0 += p.width + gap
    return out


def test_row_places_panels_side_by_side_without_overlap():
    a = Grid(np.zeros((3, 3)), caption="a")
    b = Grid(np.zeros((2, 5)), caption="a long caption wider than the grid")
    c = Grid(np.zeros((4, 1)), cell=20)
    row = Row(a, b, c)
    assert row.width == a.width + b.width + c.width + 2 * 24
    assert b.width == 8 * len(b.caption) > 5 * 28  # the caption, not the cells, sets the width
    assert row.height == max(a.height, b.height, c.height) == 20 + 3 * 28  # a is the tallest
    drawn = svg(row)
    assert f'width="{row.width + 4}" height="{row.height + 4}"' in drawn and 'role="img"' in drawn
    # the first cell of each grid starts where its panel starts
    firsts = [int(x) for x in re.findall(r'<g class="cx-grid"><rect x="(\d+)"', drawn)]
    assert firsts == [x for x, _ in _boxes([a, b, c])]


def test_column_stacks_panels_and_marks_follow_their_grid():
    a = Grid(np.zeros((2, 2)), caption="top").mark(1, 1, cls="cx-out")
    b = Grid(np.zeros((3, 3)), caption="bottom").mark(0, 1, 2, 2)
    col = Column(a, b, gap=10)
    assert col.height == a.height + 10 + b.height and col.width == max(a.width, b.width)
    drawn = svg(col)
    assert f'<rect class="cx-out" x="28" y="{20 + 28}" width="28" height="28"/>' in drawn
    assert f'<rect class="cx-win" x="28" y="{a.height + 10 + 20}" width="56" height="56"/>' in drawn
