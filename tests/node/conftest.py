from near_safe.node.pytest_fixture import near_node  # noqa: F401  (the session fixture)
