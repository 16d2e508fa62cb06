from near_safe.node.pytest_fixture import near_node  # noqa: F401  (the session fixture)

import pytest  # noqa: E402


@pytest.fixture
def node():
    """A node of its own for one test (tests that need a chain no other test touched)."""
    from near_safe.node.pytest_fixture import start_node

    running = start_node()
    try:
        yield running
    finally:
        running.stop()
