"""The trivial near-sdk-py contract of the gas-model check (docs/gas-model.md): read the
input, return a string; plus a storage write and a view."""

from near_sdk_py import Storage, call, view


@call
def greet(name):
    return "Hello, " + name + "!"


@call
def remember(name):
    Storage.set("name", name)
    return "ok"


@view
def recall():
    return Storage.get_string("name")
