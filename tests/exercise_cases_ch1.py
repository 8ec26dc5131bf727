"""Predictable wrong answers to chapter 1's exercises and what their feedback must say.

Read by tests/test_exercise_feedback.py: for every label, the check cell of
notebooks/ch1_visual_system.ipynb is re-run with ``my_answer = <answer>``
and its printed feedback must contain every listed substring.
"""

CASES = {
    "ch1-ex1": [  # orientations preferred by the flipped Gabor filters
        ((120, 120), ["FAIL", "number 1 of 2", "rotation by 180°"]),
        ((60, 60), ["FAIL", "number 2 of 2", "180° - 60°"]),
        ((60, 30), ["FAIL", "transpose"]),
        ((120, 60), ["FAIL", "swapped"]),
        ("60, 120", ["PASS"]),                      # typed as a string
        ((60,), ["FAIL", "expected 2 numbers"]),
    ],
    "ch1-ex2": [  # DoG response to a uniform grey field of 0.4
        (0.4, ["FAIL", "weights sum to 1"]),
        (0.2, ["FAIL", "is not right"]),
        (0.0, ["PASS"]),
    ],
    "ch1-ex3": [  # dropout on a = 2.0 with p = 0.3 (the drop probability)
        ((0.7, 2.857, 2.0), ["FAIL", "number 1 of 3", "drop probability"]),
        ((0.3, 1.4, 2.0), ["FAIL", "number 2 of 3", "divides by it"]),
        ((0.3, 6.667, 2.0), ["FAIL", "not by p"]),
        ((0.3, 2.0, 2.0), ["FAIL", "without rescaling"]),
        ((0.3, 2.857, 1.4), ["FAIL", "number 3 of 3", "test time"]),
        ((0.3, 2.857, 2.0), ["PASS"]),
    ],
    "ch1-ex4": [  # receptive fields of a 9x9 then 11x11 stack, stride 1 / 2
        ((20, 30), ["FAIL", "share a pixel"]),
        ((19, 19), ["FAIL", "number 2 of 2", "2 input pixels apart"]),
        ((19, 38), ["FAIL", "does not double"]),
        ((19, 29), ["PASS"]),
    ],
}
