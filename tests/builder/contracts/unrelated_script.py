"""Builder fixture: a .py file next to the contracts that none of them imports; it must never
be frozen (nearc itself would freeze every .py in the folder)."""

import subprocess  # CPython only: would break the build if it were frozen

print(subprocess)
