from tests.samples.harness import demo_facts, lookalike, lookalike_source  # noqa: F401  (shared fixtures)
