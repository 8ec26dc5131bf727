"""Auto-checks for the course's exercises: a clear PASS / FAIL, never an exception.

A student writes an answer into a variable (``my_answer = ...``) and runs the
check cell. Unanswered exercises (``None``) print a reminder instead of failing,
so a notebook always runs top to bottom. Each function returns ``True``,
``False`` or ``None`` (not answered) so that tests can assert on it.

Whatever a student can type is read, never raised on: a number written as a
string with thousands separators (``"2,765,910"``), a tuple or list for several
numbers or a shape, a NumPy array, a dict with the wrong kind of values. A FAIL
says which element (or which row of a table) is wrong, without printing the
right value, and -- when the wrong value is a predictable one listed in
``mistakes`` -- names the likely mistake.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

import numpy as np

__all__ = ["check", "check_table", "read_numbers", "NOT_ANSWERED"]

NOT_ANSWERED = "not answered yet — fill in my_answer"

#: Characters people put between thousands: "2,765,910", "2 765 910",
#: "2_765_910", the full-width comma of Chinese input "2，765，910".
_THOUSANDS = re.compile(r"(?<=\d)[,_\s\u00a0\u2009\u202f\uff0c](?=\d{3}(\D|$))")
_BRACKETS = "()[]{}"
_MINUS = {"\u2212": "-", "\uff0d": "-", "\uff0b": "+"}


def _number_from_text(text):
    """One number from a string such as ``"2,765,910"``, ``" 1.5e3 "`` or ``"−3"``."""
    cleaned = text.strip()
    for wrong, right in _MINUS.items():
        cleaned = cleaned.replace(wrong, right)
    cleaned = _THOUSANDS.sub("", cleaned)
    return float(cleaned)  # ValueError when it is not a number


def _numbers_from_text(text, size):
    """``size`` numbers from a string: ``"20, 30"``, ``"(20, 30)"``, ``"20 30"``."""
    cleaned = text.strip().strip(_BRACKETS).replace("\uff0c", ",")
    if size == 1:
        return _number_from_text(cleaned)
    for separator in (r";", r",\s+", r"\s+", r","):
        parts = [p for p in re.split(separator, cleaned) if p.strip()]
        if len(parts) == size:
            try:
                return [_number_from_text(p.strip(_BRACKETS)) for p in parts]
            except ValueError:
                continue
    return _number_from_text(cleaned)


def read_numbers(answer, size=1):
    """Read what a student typed as a float array.

    Parameters
    ----------
    answer : number, str, sequence, array_like
        ``153``, ``"2,765,910"``, ``(20, 30)``, ``"20, 30"``,
        ``["14", "16"]``, a NumPy array, ...
    size : int
        How many numbers are expected; helps to split a string such as
        ``"20, 30"`` (two numbers) apart from ``"2,765"`` (one).

    Returns
    -------
    numpy.ndarray of float
        The numbers, in the shape they were given.

    Raises
    ------
    ValueError
        When ``answer`` holds something that is not a number; the message
        says what it was.
    """
    if isinstance(answer, (str, bytes)):
        text = answer.decode() if isinstance(answer, bytes) else answer
        try:
            return np.asarray(_numbers_from_text(text, size), dtype=float)
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
    if isinstance(answer, Mapping):
        raise ValueError("a dict holds named values, not a number")
    if isinstance(answer, (set, frozenset)):
        raise ValueError("a set has no order; use a tuple such as (20, 30)")
    if isinstance(answer, (list, tuple)):
        items = [read_numbers(item) for item in answer]
        if len({item.shape for item in items}) > 1:
            raise ValueError(f"{_show(answer)} nests its numbers unevenly")
        return np.asarray(items, dtype=float)
    try:
        values = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{_show(answer)} is not a number") from None
    return values


def _show(value):
    """A value as the feedback prints it: ``2,765,910``, ``0.5``, ``(20, 30)``."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return f"{int(number):,}" if number.is_integer() else f"{number:g}"
    if isinstance(value, (list, tuple)):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return _show(value.item())
        if value.size <= 6:
            return np.array2string(value, separator=", ")
        return f"an array of shape {value.shape}"
    name = type(value).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _close(given, reference, tol):
    return given.shape == reference.shape and bool(
        np.allclose(given, reference, rtol=0, atol=tol))


def _which_elements(given, reference, tol):
    """Which elements of a same-shaped answer are wrong, in words."""
    wrong = np.argwhere(~np.isclose(given, reference, rtol=0, atol=tol))
    if reference.ndim == 1:
        names = [f"number {i + 1} of {reference.size} ({_show(given[i])})"
                 for (i,) in wrong]
    else:
        names = [f"entry (row {idx[0] + 1}, column {idx[1] + 1})"
                 if reference.ndim == 2 else f"entry {tuple(int(k) for k in idx)}"
                 for idx in wrong]
    listed = ", ".join(names[:5]) + (f" and {len(names) - 5} more"
                                      if len(names) > 5 else "")
    return (f"{listed} {'is' if len(names) == 1 else 'are'} wrong"
            + (" (rows and columns counted from 1)"
               if reference.ndim == 2 else ""))


def _mistake_hint(given, mistakes, size, tol):
    """The explanation of the first listed mistake that ``given`` matches."""
    for wrong, explanation in (mistakes or {}).items():
        try:
            if callable(wrong):
                if wrong(given if given.ndim else given.item()):
                    return explanation
                continue
            if _close(given, read_numbers(wrong, size), tol):
                return explanation
        except Exception:  # a malformed entry in mistakes must not break a check
            continue
    return None


def _judge(answer, expected, tol, mistakes):
    """``(ok, words)``: whether ``answer`` matches ``expected``; why not in words."""
    reference = read_numbers(expected)
    try:
        given = read_numbers(answer, reference.size)
    except ValueError as error:
        wanted = ("a number" if reference.size == 1
                  else f"{reference.size} numbers, e.g. a tuple"
                  if reference.ndim == 1 else f"an array of shape {reference.shape}")
        return False, f"{error} (expected {wanted})"
    if given.shape != reference.shape and given.size == reference.size == 1:
        given = given.reshape(reference.shape)
    if _close(given, reference, tol):
        return True, ""
    parts = []
    if given.shape != reference.shape:
        if reference.ndim <= 1 and given.ndim <= 1:
            parts.append(f"expected {reference.size} number"
                         f"{'s' if reference.size != 1 else ''}, got {given.size}")
        else:
            parts.append(f"expected shape {reference.shape}, got {given.shape}")
    elif reference.size > 1:
        parts.append(_which_elements(given, reference, tol))
    else:
        parts.append(f"{_show(given.item())} is not right")
    likely = _mistake_hint(given, mistakes, reference.size, tol)
    if likely:
        parts.append(f"likely mistake: {likely}")
    return False, "; ".join(parts)


def check(answer, expected, tol=1e-6, what=None, hint=None, mistakes=None):
    """Compare one answer (a number, several numbers or an array) with the reference.

    Parameters
    ----------
    answer : number, str, sequence, array_like or None
        The student's answer; ``None`` means not answered yet. Strings are
        read as numbers (``"2,765,910"``; ``"20, 30"`` for two numbers),
        tuples and lists as several numbers.
    expected : number or array_like
        The reference, computed by cnnlab in the notebook.
    tol : float
        Absolute tolerance of the comparison (``np.allclose(..., rtol=0)``).
    what : str, optional
        What the answer is ("AlexNet conv1 parameters"), shown in the message.
    hint : str, optional
        Shown after a FAIL.
    mistakes : dict, optional
        Predictable wrong answers -> the mistake each one reveals, shown after
        a FAIL with that answer: ``{2416: "the connection table forgotten"}``.
        A key may also be a function of the answer (a float, or an array for
        several numbers) that returns True for the mistake, e.g.
        ``lambda a: a == expected - 96``.

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
        ok, words = _judge(answer, expected, tol, mistakes)
    except Exception as error:  # never raise on an answer: say what happened
        ok, words = False, f"could not read the answer ({error})"
    if ok:
        print(f"PASS{label}")
    else:
        print(f"FAIL{label} — not yet; {words}; "
              + (hint or "try again (solution in the dropdown)"))
    return ok


def _key_form(key):
    """Keys that differ only in case, spaces, '_' or '-' name the same row."""
    return re.sub(r"[\s_\-]+", "", str(key)).lower()


def _match_keys(answer, truth):
    """``(given, unknown)``: truth key -> answered value; keys matching no row."""
    forms = {_key_form(key): key for key in truth}
    given, unknown = {}, []
    for key, value in answer.items():
        if key in truth:
            given[key] = value
        elif _key_form(key) in forms and forms[_key_form(key)] not in answer:
            given[forms[_key_form(key)]] = value
        else:
            unknown.append(key)
    return given, unknown


def check_table(answer, truth, accept=None, mistakes=None, tol=1e-6):
    """Check a table of answers row by row (e.g. parameters per layer).

    Parameters
    ----------
    answer : dict or None
        Row name -> the student's value (a number, or a string such as
        ``"1,516"``); missing rows or ``None`` values count as not answered.
        Row names match regardless of case, spaces, ``_`` and ``-``; a name
        that matches no row is reported as an unknown key, with the expected
        keys listed.
    truth : dict
        Row name -> the reference value.
    accept : dict, optional
        Row name -> ``(alternative value, explanation)`` for a second answer
        that is also right under another counting convention.
    mistakes : dict, optional
        Row name -> {predictable wrong value -> the mistake it reveals}; a
        value may also be a function of the answer returning True, e.g.
        ``{"C3": {2416: "the connection table forgotten"}}``.
    tol : float
        Absolute tolerance of each comparison.

    Returns
    -------
    bool or None
        ``True`` when every row is right, ``None`` when ``answer`` is ``None``.
    """
    if answer is None:
        print(NOT_ANSWERED)
        return None
    keys = ", ".join(repr(key) for key in truth)
    if not isinstance(answer, Mapping):
        print(f"FAIL — the answer should be a dict of row -> value, got "
              f"{_show(answer)}; expected keys: {keys}")
        return False
    accept, mistakes = accept or {}, mistakes or {}
    given, unknown = _match_keys(answer, truth)
    guesses = {}
    for key in unknown:
        close = difflib.get_close_matches(_key_form(key),
                                          [_key_form(k) for k in truth], n=1)
        guess = next((k for k in truth if close and _key_form(k) == close[0]
                      and k not in given), None)
        guesses[guess] = key
        print(f"unknown key {key!r}"
              + (f" (did you mean {guess!r}?)" if guess is not None else "")
              + f" — expected keys: {keys}")
    width = max(len(str(key)) for key in truth)
    right = 0
    for key, value in truth.items():
        value_given = given.get(key)
        if value_given is None:
            print(f"{key:>{width}}: "
                  + (f"missing — you wrote {guesses[key]!r} instead"
                     if key in guesses else "not answered yet"))
            continue
        try:
            ok, words = _judge(value_given, value, tol, mistakes.get(key))
            alternative = (key in accept and
                           _judge(value_given, accept[key][0], tol, None)[0])
        except Exception as error:  # never raise on an answer
            ok, alternative = False, False
            words = f"could not read {_show(value_given)} ({error})"
        if ok:
            right += 1
            print(f"{key:>{width}}: PASS ({_show(value)})")
        elif alternative:
            right += 1
            print(f"{key:>{width}}: PASS — {accept[key][1]}")
        else:
            print(f"{key:>{width}}: FAIL — {words}")
    print(f"{right} of {len(truth)} right")
    return right == len(truth)
