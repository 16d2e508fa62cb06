"""A hostile callee for tests/safety/test_hostile_data.py: every method succeeds and answers
the raw bytes its owner stored with ``set_answer`` (Borsh, raw text, nothing, JSON bombs...).
``ft_on_transfer`` does the same, so that it can stand as an NEP-141 receiver."""

import near

from near_safe import ACCOUNT, AMOUNT, STR, call


@call(args={"hex": STR})
def set_answer(hex):
    near.storage_write("answer", bytes.fromhex(hex))


@call
def answer():
    return near.storage_read("answer") or b""


@call(args={"sender_id": ACCOUNT, "amount": AMOUNT, "msg": STR})
def ft_on_transfer(sender_id, amount, msg):
    return near.storage_read("answer") or b""
