"""tests/compat: near-pytest suites on near_safe's embedded runtime.

``suite/`` is written exactly as a near-pytest 1.0.0 user writes tests (no near_safe import);
this conftest switches the backend on for the folder the way ``-p near_safe.compat.plugin``
does for a user (``test_activation.py`` runs part of the suite through that real option and
through PYTEST_PLUGINS in a separate pytest process).
"""

import near_safe.compat


def pytest_configure(config):
    if not near_safe.compat.is_active():
        near_safe.compat.activate()
        config.add_cleanup(near_safe.compat.deactivate)
