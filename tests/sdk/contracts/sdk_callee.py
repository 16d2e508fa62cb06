"""A plain near-sdk-py 1.0.0 contract (not near_safe): its str results leave as raw UTF-8, its
other results as JSON, bytes as they are (near_sdk_py/decorators.py)."""

from near_sdk_py import Contract, view


class Callee(Contract):
    @view
    def text(self):
        return "hello world"

    @view
    def unicode_text(self):
        return "caf\u00e9 \u20ac"

    @view
    def numeric_text(self):
        return "42"

    @view
    def number(self):
        return 42

    @view
    def record(self):
        return {"a": [1, 2]}

    @view
    def nothing(self):
        return None

    @view
    def blob(self):
        return b"\xff\x00\xfe"
