"""A contract whose module body raises after defining its method: nearc's MicroPython prints
the exception (cooked, CR LF) and still calls the method."""

import near


@near.export
def still_runs():
    near.value_return("ran")


raise RuntimeError("module body failed")
