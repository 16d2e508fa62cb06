"""A contract that uses only near_safe's Vector: which near_safe modules does a call load?"""

import sys

from near_safe import Vector, call


@call
def loaded():
    v = Vector("v")
    v.append(len(v))
    return sorted(k for k in sys.modules if k.startswith("near_s"))
