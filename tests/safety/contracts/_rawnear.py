"""Imported by the test contracts that call ``near.promise_create`` / ``promise_then`` directly
(not through near_safe).  MicroPython's ``near`` module takes their JSON arguments as str; nearc
0.10's CPython backend's takes ``promise_create``'s only as bytes and ``promise_then``'s only as
str (probed).  On that backend this makes ``promise_create`` encode a str; on MicroPython (and
in CPython mode) it changes nothing."""

import sys

import near

if sys.implementation.name != "micropython" and "near" in sys.builtin_module_names:
    _create = near.promise_create

    def _promise_create(account_id, method, args, amount, gas):
        return _create(account_id, method, args.encode() if type(args) is str else args,
                       amount, gas)

    near.promise_create = _promise_create
