"""Builder fixture: a near-sdk-py contract that imports near_safe and a local module, which
imports another local module (frozen transitively)."""

import near_safe  # noqa: F401  frozen: contract side only
from near_sdk_py import call, view

import counter_lib


@view
def version():
    return counter_lib.describe(near_safe.__version__)


@call
def bump(by: int = 1):
    return counter_lib.bump(by)
