"""Shared pytest configuration (kept minimal: other test modules rely on it).

Hypothesis runs deterministically (derandomize) with a small example budget so
the suite is reproducible and fast on a shared 2-core machine. Pick another
profile with ``HYPOTHESIS_PROFILE=thorough pytest ...``.
"""

import os

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # hypothesis is a dev requirement; tests that need it import it themselves
    settings = None

if settings is not None:
    settings.register_profile(
        "cnnlab",
        derandomize=True,
        deadline=None,
        max_examples=30,
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.register_profile("thorough", deadline=None, max_examples=500)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "cnnlab"))
