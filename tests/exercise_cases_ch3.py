"""Predictable wrong answers to chapter 3's exercises and what their feedback must say.

Read by tests/test_exercise_feedback.py: for every label, the check cell of
notebooks/ch3_backprop_derivation.ipynb is re-run with ``my_answer = <answer>``
and its printed feedback must contain every listed substring.
"""

RIGHT_EX1 = {(1, 1): "d11*w11",
             (2, 3): "d11*w23 + d12*w22 + d21*w13 + d22*w12",
             (3, 3): "d11*w33 + d12*w32 + d21*w23 + d22*w22",
             (4, 4): "d22*w33"}


def _ex1(**changes):
    """The right answer to ch3-ex1 with some formulas replaced (key a23=...)."""
    answer = dict(RIGHT_EX1)
    for name, text in changes.items():
        answer[(int(name[1]), int(name[2]))] = text
    return answer


STRIDE1 = [[1, 2, 3, 2, 1], [2, 4, 6, 4, 2], [3, 6, 9, 6, 3],
           [2, 4, 6, 4, 2], [1, 2, 3, 2, 1]]
STRIDE2 = [[1, 1, 2, 1, 1], [1, 1, 2, 1, 1], [2, 2, 4, 2, 2],
           [1, 1, 2, 1, 1], [1, 1, 2, 1, 1]]

CASES = {
    "ch3-ex1": [
        # one formula right, the other three not given: no pass
        ({(1, 1): "d11*w11"},
         ["PASS (∂E/∂a11)", "∂E/∂a23: not answered yet", "1 of 4 formulas right",
          "passes when all four are"]),
        # the filter not rotated: the weights read forwards
        (_ex1(a23="d11*w12 + d12*w13 + d21*w22 + d22*w23"),
         ["FAIL (∂E/∂a23)", "rotated by 180°", "3 of 4 formulas right"]),
        # a term forgotten: fewer windows than there are
        (_ex1(a33="d11*w33 + d22*w22"),
         ["FAIL (∂E/∂a33)", "2 of its 4 terms", "(1,1), (1,2), (2,1), (2,2)"]),
        # right δs, weights neither right nor mirrored
        (_ex1(a23="d11*w23 + d12*w22 + d21*w12 + d22*w13"),
         ["FAIL (∂E/∂a23)", "the right δs, not the right weights"]),
        # indices counted from 0
        (_ex1(a11="d00*w00"),
         ["FAIL (∂E/∂a11)", "numbered from 1"]),
        # a window that does not contain the input
        (_ex1(a44="d22*w33 + d11*w11"),
         ["FAIL (∂E/∂a44)", "window of output(s) (2,2)"]),
        # not a formula (no multiplication sign)
        (_ex1(a11="d11w11"), ["FAIL (∂E/∂a11)", "cannot read it as a formula"]),
        # keys typed as text are accepted; a misspelled key is reported
        ({"a11": "d11*w11", "a23": RIGHT_EX1[(2, 3)], "a33": RIGHT_EX1[(3, 3)],
          "a44": RIGHT_EX1[(4, 4)], "a32": "d22*w11"},
         ["unknown key 'a32'", "4 of 4 formulas right"]),
        # not a dict at all
        ("d11*w11", ["FAIL (my_answer)", "a dict"]),
    ],
    "ch3-ex2": [
        # the two maps swapped
        ({1: STRIDE2, 2: STRIDE1},
         ["FAIL (stride 1)", "counts at stride 2", "FAIL (stride 2)",
          "counts at stride 1"]),
        # the size of the output map instead of one count per pixel
        ({1: STRIDE1, 2: [[1, 1], [1, 1]]},
         ["PASS (stride 1)", "FAIL (stride 2)", "count is per input pixel"]),
        # row count plus column count instead of their product
        ({1: [[a + b for b in (1, 2, 3, 2, 1)] for a in (1, 2, 3, 2, 1)],
          2: STRIDE2},
         ["FAIL (stride 1)", "their product", "PASS (stride 2)"]),
        # one wrong entry: the feedback names it
        ({1: STRIDE1, 2: [row[:] for row in STRIDE2[:2]]
          + [[2, 2, 9, 2, 2]] + [row[:] for row in STRIDE2[3:]]},
         ["FAIL (stride 2)", "row 3, column 3"]),
        # a tuple of the two maps is read as (stride 1, stride 2)
        ((STRIDE1, STRIDE2), ["PASS (stride 1)", "PASS (stride 2)"]),
        # only one answered
        ({1: STRIDE1}, ["PASS (stride 1)", "not answered"]),
        ({1: STRIDE1, 3: STRIDE2}, ["unknown key 3"]),
    ],
    "ch3-ex3": [
        # the value the classmate reported: the filter not rotated
        ((2, 2, 9), ["FAIL (row, column, value)", "the value reported",
                     "read backwards"]),
        # right entry, some other wrong value
        ((2, 2, 4), ["FAIL", "right entry, wrong value", "rotated filter"]),
        # counted from 0
        ((1, 1, 6), ["FAIL", "entry (1,1) = 1 is right", "numbered from 1"]),
        # another entry named
        ((3, 2, 11), ["FAIL", "entry (3,2) = 11 is right"]),
        ((4, 1, 0), ["FAIL", "the matrix is 3×3"]),
        ("centre", ["FAIL", "three numbers"]),
    ],
}
