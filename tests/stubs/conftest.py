# The look-alike client, built once per session, shared with tests/samples.
from tests.samples.harness import lookalike, lookalike_source  # noqa: F401
