"""Builder fixture: valid CPython 3.11, rejected by MicroPython's compiler (no match)."""

from near_sdk_py import view


@view
def classify(x: int = 1):
    match x:
        case 1:
            return "one"
    return "other"
