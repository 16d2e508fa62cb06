"""Builder fixture: imported by counter_lib only (a transitive local import)."""


def label(text):
    return "[" + text + "]"
