"""Builder fixture: imports a module that exists nowhere."""

from near_sdk_py import view

import frobnicate_ledger


@view
def get():
    return frobnicate_ledger.value()
