"""Builder fixture: a local module the counter contract imports."""

from counter_util import label
from near_sdk_py import Storage


def describe(version):
    return label("near_safe " + version)


def bump(by):
    value = int(Storage.get_string("count") or "0") + by
    Storage.set("count", str(value))
    return value
