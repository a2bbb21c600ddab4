# Fixtures shared with tests/demo and tests/step, which import them the same way.
from tests.samples.harness import demo_facts, live_simulator, lookalike, lookalike_source  # noqa: F401
