"""VM tests: make vmhelpers importable (a uniquely named module, unlike ``conftest``)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
