"""Builder fixture: decorators reached through an attribute are NOT exported by nearc."""

import near_sdk_py


class Methods:
    pass


safe = Methods()


@safe.call
def deposit():
    return 1


@near_sdk_py.view
def balance():
    return 0


def helper():
    return 2
