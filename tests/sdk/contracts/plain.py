"""The function style, beside the class style: what near_safe modules a call loads."""

import sys

from near_safe import view


@view
def loaded():
    return sorted(k for k in sys.modules if k.startswith("near_s"))  # near_safe, near_sdk_py
