"""Predictable wrong answers to the homework's exercises, and the feedback each must produce.

Read by tests/test_exercise_feedback.py: for every label, the notebook's check
cell (tagged ``exercise-check``, metadata ``"exercise": label``) is run with
``my_answer`` set to each wrong answer below, and its printed feedback must
contain every listed substring. Labels: H1-H3 are ``hw-h1`` ... ``hw-h3``, the
further exercises H4-H6 keep the labels ``hw-ex1`` ... ``hw-ex3``.
"""

CASES = {
    "hw-h1": [
        # the biases forgotten in the FC network
        ({"FC": 2_765_800, "CNN": 467_942},
         ["FC: FAIL", "biases are missing", "CNN: PASS"]),
        # the colour channels forgotten (D = 1 instead of 3)
        ({"FC": 922_710, "CNN": 467_798},
         ["FC: FAIL", "RGB pixel gives 3", "CNN: FAIL", "D = 3 channels"]),
        # the CNN's biases forgotten
        ({"FC": 2_765_910, "CNN": 467_776},
         ["FC: PASS", "CNN: FAIL", "biases are missing"]),
        # the poolings forgotten before the dense layer
        ({"FC": 2_765_910, "CNN": 29_498_342},
         ["CNN: FAIL", "three 2x2 poolings"]),
        # typed as strings with thousands separators: read, not raised on
        ({"FC": "2,765,910", "CNN": "467,942"}, ["2 of 2 right"]),
    ],
    "hw-h2": [
        # every bias forgotten
        ({"fully connected": 4_816_896, "locally connected": 117_600,
          "shared weights": 150, "dense, no pooling": 192_000,
          "dense after pooling": 48_000},
         ["fully connected: FAIL", "locally connected: FAIL",
          "shared weights: FAIL", "dense, no pooling: FAIL",
          "dense after pooling: FAIL", "biases are missing", "0 of 5"]),
        # the convolution's count given for the locally connected layer
        ({"fully connected": 4_821_600, "locally connected": 156,
          "shared weights": 156, "dense, no pooling": 192_120,
          "dense after pooling": 192_120},
         ["locally connected: FAIL", "its own 25 weights and bias",
          "dense after pooling: FAIL", "that is without pooling",
          "3 of 5"]),
        # one filter instead of six
        ({"shared weights": 26}, ["shared weights: FAIL", "6 maps"]),
    ],
    "hw-h3": [
        # the connection table forgotten
        ({"C1": 156, "S2": 12, "C3": 2_416, "S4": 32, "C5": 48_120,
          "F6": 10_164, "OUTPUT": 0},
         ["C3: FAIL", "connection table is forgotten", "6 of 7"]),
        # S2 and S4 taken for max pooling: no parameters
        ({"C1": 156, "S2": 0, "C3": 1_516, "S4": 0, "C5": 48_120,
          "F6": 10_164, "OUTPUT": 0},
         ["S2: FAIL", "S4: FAIL", "trainable coefficient",
          "trainable bias"]),
        # a bias forgotten in each layer that has one
        ({"C1": 150, "S2": 6, "C3": 1_500, "S4": 16, "C5": 48_000,
          "F6": 10_080, "OUTPUT": 0},
         ["C1: FAIL", "C3: FAIL", "C5: FAIL", "F6: FAIL",
          "biases are missing", "S2: FAIL", "coefficient or the bias",
          "S4: FAIL"]),
        # the table and the biases forgotten together
        ({"C3": 2_400}, ["C3: FAIL", "connection table and the biases"]),
        # the 840 prototype values counted: accepted, with the note
        ({"C1": 156, "S2": 12, "C3": 1_516, "S4": 32, "C5": 48_120,
          "F6": 10_164, "OUTPUT": 840},
         ["fixes them by hand", "7 of 7"]),
    ],
    "hw-ex1": [
        ({"conv1 parameters": 34_848, "conv1 output size": 54,
          "conv2 parameters": 614_656},
         ["conv1 parameters: FAIL", "biases are missing",
          "conv1 output size: FAIL", "227x227",
          "conv2 parameters: FAIL", "without the split"]),
        ({"conv2 parameters": 307_200},
         ["conv2 parameters: FAIL", "biases are missing"]),
    ],
    "hw-ex2": [
        ({"final size": 10, "receptive field": 36, "parameters": 10_056},
         ["parameters: FAIL", "biases are missing", "2 of 3"]),
    ],
    "hw-ex3": [
        ({"fc6 parameters": 102_760_448},
         ["fc6 parameters: FAIL", "biases are missing"]),
        ({"fc6 parameters": 2_101_248},
         ["fc6 parameters: FAIL", "after global average pooling"]),
    ],
}
