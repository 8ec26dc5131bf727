"""Predictable wrong answers to chapter 2's exercises and what their feedback must say.

Read by tests/test_exercise_feedback.py: for every label, the check cell of
notebooks/ch2_math_principles.ipynb is re-run with ``my_answer = <answer>``
and its printed feedback must contain every listed substring. The answer
keys (expected values and hints) sit in the removed cell above each check
cell.
"""

CASES = {
    "ch2-ex1": [  # parameters: FC 784 -> 9, one 2x2 filter with its bias
        ((7056, 4), ["FAIL", "number 1 of 2", "number 2 of 2",
                     "both biases forgotten"]),
        ((7056, 5), ["FAIL", "number 1 of 2", "9 biases"]),
        ((153, 5), ["FAIL", "784 inputs"]),
        ((572265, 5), ["FAIL", "729 outputs"]),
        ((7065, 4), ["FAIL", "number 2 of 2", "filter's bias is missing"]),
        ((7065, 45), ["FAIL", "shares one filter"]),
        ((7065,), ["FAIL", "expected 2 numbers"]),
        ("7,065, 5", ["PASS"]),                      # typed as a string
        ((7065, 5), ["PASS"]),
    ],
    "ch2-ex2": [  # corner of a 7x7 input, 5x5 filter: P = 0 and P = 2
        ((1, 4), ["FAIL", "number 2 of 2", "3x3 filter with P = 1"]),
        ((1, 25), ["FAIL", "F x F"]),
        ((1, 3), ["FAIL", "rows times columns"]),
        ((0, 9), ["FAIL", "number 1 of 2", "first window covers"]),
        ((1, 9), ["PASS"]),
    ],
    "ch2-ex3": [  # conv3 -> pool2 -> conv3 -> pool2 -> conv3
        (9, ["FAIL", "as if every stride were 1"]),
        (7, ["FAIL", "poolings count too"]),
        (15, ["FAIL", "(2 - 1) times the current jump"]),
        (14, ["FAIL", "4, not 2"]),
        (20, ["FAIL", "is not right"]),
        ("18", ["PASS"]),
    ],
    "ch2-ex4": [  # 64x64 through two [conv 5x5 -> pool 2x2] blocks, 16 maps
        ((13, 169), ["FAIL", "number 2 of 2", "flattening 16 maps"]),
        ((26, 10816), ["FAIL", "second pooling is missing"]),
        ((16, 4096), ["FAIL", "L - F + 1"]),
        ((13, 2704, 16), ["FAIL", "expected 2 numbers"]),
        ("13, 2,704", ["PASS"]),
    ],
}
