"""Dotted decorators: nearc matches decorator names only, so these are not exported."""
import near_sdk_py as sdk

import near_safe


@near_safe.call  # expect: NS110
def set_name(name):
    near_safe.state.set("name", name)


@sdk.view  # expect: NS110
def get_name():
    return near_safe.state.get("name")
