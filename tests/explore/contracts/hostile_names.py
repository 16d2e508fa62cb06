"""A contract whose receipts carry hostile method names and panic messages (issue 12, finding
3): NEAR limits a method name's length, not its characters, so a third-party contract in an
explored system can name a receipt with a newline and Python code, terminal escapes or line
separators.  ``ping`` calls such methods on itself; ``shout`` panics with escapes."""

import near
from near_sdk_py import call

TGAS = 1000000000000
NAMES = [
    "notify\n    import os; os.system('touch /tmp/near_safe_pwned')  #",
    "x\r\nimport os  #\u2028import sys",
    "\x1b[2J\x1b[31mred\x07",
]


@call
def ping():
    for name in NAMES:
        near.promise_create(near.current_account_id(), name, "{}", 0, 5 * TGAS)


@call
def shout():
    near.panic_utf8("bad\x1b[2J\r\n    import os; os.system('x')  #")
