"""Builder fixture: a near-sdk-py contract that imports near_safe and a local module, which
imports another local module (frozen transitively)."""

import counter_lib
from near_sdk_py import call, view

import near_safe


@view
def version():
    return counter_lib.describe(near_safe.__version__)


@call
def bump(by: int = 1):
    return counter_lib.bump(by)
