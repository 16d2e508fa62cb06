"""Builder fixture: imports a module that exists nowhere."""

import frobnicate_ledger
from near_sdk_py import view


@view
def get():
    return frobnicate_ledger.value()
