"""Predictable wrong answers to Chapter 5's exercise 5.1, and the feedback each must produce.

Read by tests/test_exercise_feedback.py: the check cell tagged
``exercise-check`` with metadata ``"exercise": "ch5-ex1"`` is run with
``my_answer`` set to each wrong answer, and its printed feedback must contain
every listed substring. (Exercises 5.2 and 5.3 are answered in prose.)
"""

CASES = {
    "ch5-ex1": [
        # the bias forgotten in both counts
        ({"parameters": 100, "connections": 10_000},
         ["parameters: FAIL", "bias is missing",
          "connections: FAIL", "bias is a connection too"]),
        # connections taken to be the parameters (positions forgotten)
        ({"parameters": 101, "connections": 101},
         ["parameters: PASS", "connections: FAIL", "10x10 positions"]),
        # one input map instead of four
        ({"parameters": 26, "connections": 10_100},
         ["parameters: FAIL", "one 5x5 filter per input map"]),
        # typed as strings: read, not raised on
        ({"parameters": "101", "connections": "10,100"}, ["2 of 2 right"]),
    ],
}
