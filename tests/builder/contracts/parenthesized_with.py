"""Builder fixture: valid CPython 3.11 that nearc's mpy-cross cannot compile (it crashes on
parenthesized context managers) and that the builder's own syntax check does not catch, so the
toolchain failure path is exercised."""

from near_sdk_py import view


class Ctx:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@view
def both():
    with (Ctx() as a, Ctx() as b):
        return str(a is not b)
