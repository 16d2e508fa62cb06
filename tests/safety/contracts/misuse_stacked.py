"""Two near_safe decorators on one method: refused at import under CPython and at build time;
a Wasm built without those checks panics when the method is called."""

from near_safe import call, view


@call
@view
def total():
    return 0


@view
def fine():
    return 1
