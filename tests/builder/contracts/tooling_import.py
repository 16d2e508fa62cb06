"""Builder fixture: imports near_safe's CPython-only tooling into a contract."""

from near_sdk_py import view

from near_safe.testing import Runtime


@view
def get():
    return str(Runtime)
