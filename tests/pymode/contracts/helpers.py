"""A local module of class_contract.py: frozen next to it in the Wasm, imported afresh per call
in CPython mode."""

imports = 0
imports += 1


def greeting(name):
    return "hello " + name + " #" + str(imports)
