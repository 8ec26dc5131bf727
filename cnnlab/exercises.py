"""Auto-checks for the course's exercises: a clear PASS / FAIL, never an exception.

A student writes an answer into a variable (``my_answer = ...``) and runs the
check cell. Unanswered exercises (``None``) print a reminder instead of failing,
so a notebook always runs top to bottom. Each function returns ``True``,
``False`` or ``None`` (not answered) so that tests can assert on it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

NOT_ANSWERED = "not answered yet — fill in my_answer"


def check(answer, expected, tol=1e-6, what=None, hint=None):
    """Compare one answer (a number or an array) with the reference.

    Parameters
    ----------
    answer : number, array_like or None
        The student's answer; ``None`` means not answered yet.
    expected : number or array_like
        The reference, computed by cnnlab in the notebook.
    tol : float
        Absolute tolerance of the comparison (``np.allclose(..., rtol=0)``).
    what : str, optional
        What the answer is ("AlexNet conv1 parameters"), shown in the message.
    hint : str, optional
        Shown after a FAIL.

    Returns
    -------
    bool or None
        ``True`` for PASS, ``False`` for FAIL, ``None`` when not answered.
    """
    label = f" ({what})" if what else ""
    if answer is None:
        print(NOT_ANSWERED + label)
        return None
    try:
        given = np.asarray(answer, dtype=float)
        reference = np.asarray(expected, dtype=float)
        ok = given.shape == reference.shape and np.allclose(given, reference, rtol=0, atol=tol)
    except (TypeError, ValueError):
        ok = False
    if ok:
        print(f"PASS{label}")
    else:
        print(f"FAIL{label} — not yet; " + (hint or "try again (solution in the dropdown)"))
    return ok


def check_table(answer, truth, accept=None):
    """Check a table of answers row by row (e.g. parameters per layer).

    Parameters
    ----------
    answer : dict or None
        Row name -> the student's value; missing rows or ``None`` values count
        as not answered.
    truth : dict
        Row name -> the reference value.
    accept : dict, optional
        Row name -> ``(alternative value, explanation)`` for a second answer
        that is also right under another counting convention.

    Returns
    -------
    bool or None
        ``True`` when every row is right, ``None`` when ``answer`` is ``None``.
    """
    if answer is None:
        print(NOT_ANSWERED)
        return None
    if not isinstance(answer, Mapping):
        raise TypeError(f"answer must be a dict of row -> value, got {type(answer).__name__}")
    accept = accept or {}
    width = max(len(str(key)) for key in truth)
    right = 0
    for key, value in truth.items():
        given = answer.get(key)
        if given is None:
            print(f"{key:>{width}}: not answered yet")
        elif given == value:
            right += 1
            print(f"{key:>{width}}: PASS ({given:,})")
        elif key in accept and given == accept[key][0]:
            right += 1
            print(f"{key:>{width}}: PASS — {accept[key][1]}")
        else:
            print(f"{key:>{width}}: FAIL — {given:,} is not right")
    print(f"{right} of {len(truth)} right")
    return right == len(truth)
