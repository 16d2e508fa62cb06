"""A contract that uses only near_safe's Vector: which iterable collections does a call define?"""

import sys

from near_safe import Vector, call


@call
def defined():
    v = Vector("v")
    v.append(len(v))
    names = sys.modules["near_safe.contract._collections"].__dict__
    return sorted(n for n in ("UnorderedMap", "IterableMap", "UnorderedSet", "IterableSet",
                              "TreeMap") if n in names)
