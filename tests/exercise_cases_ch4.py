"""Predictable wrong answers to chapter 4's exercises and what their feedback must say.

Read by tests/test_exercise_feedback.py: for every label, the check cell of
notebooks/ch4_history.ipynb is re-run with ``my_answer = <answer>`` and its
printed feedback must contain every listed substring.
"""

CASES = {
    "ch4-ex1": [  # parameters of ZFNet's first layer: 96 filters 7x7x3 + bias
        (14_112, ["FAIL", "biases are missing"]),
        (4_800, ["FAIL", "depth of its input"]),
        (4_704, ["FAIL", "each filter has a bias"]),
        (148, ["FAIL", "one filter"]),
        (34_944, ["FAIL", "AlexNet's"]),
        ("14,208", ["PASS"]),                       # thousands separator
    ],
    "ch4-ex2": [  # receptive field after pool 2x2/2 and two 3x3 convolutions
        (5, ["FAIL", "pooling is missing"]),
        (6, ["FAIL", "jump j = 2"]),
        (11, ["FAIL", "F - 1 = 1"]),
        (10, ["PASS"]),
    ],
}
