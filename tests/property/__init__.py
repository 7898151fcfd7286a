"""Property tests: loaders and chunker against generated, often hostile, input.

Profiles: `footnote-fast` (the default: derandomised, bounded for the suite's time budget) and
`footnote-deep` (FOOTNOTE_HYPOTHESIS_PROFILE=footnote-deep: random and many more examples).
They are applied per test through PROFILE, so other suites' Hypothesis settings are untouched.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "footnote-fast",
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "footnote-deep",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile(os.environ.get("FOOTNOTE_HYPOTHESIS_PROFILE", "footnote-fast"))
