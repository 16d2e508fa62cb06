"""Aliased decorators and near-sdk-py's contract_method are invisible to nearc."""
from near_safe import state
from near_safe import view as readonly
from near_sdk_py import contract_method


@readonly  # expect: NS110
def get_name():
    return state.get("name")


@contract_method  # expect: NS110
def ping():
    return "pong"
