from tests.samples.harness import demo_facts, live_simulator, lookalike, lookalike_source  # noqa: F401  (shared fixtures)
