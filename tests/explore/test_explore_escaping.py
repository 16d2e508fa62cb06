"""Issue 12, finding 3: every value that reaches the printed reproduction test or the terminal
is escaped.  Hostile receipt method names (a newline then Python, CR/LF, a line separator,
terminal escapes) and a hostile panic message go through every printer: the receipt trace,
the schedule's step descriptions, the balances, the report and the printed test, which must
compile to exactly the expected statements."""

import ast
import re

from explore_machines import CONTRACTS

from near_safe.explore import Machine, Settings, invariant, rule
from near_safe.explore._schedule import Attack, Call, Deliver
from near_safe.explore._text import clean_terminal, shown

HOSTILE = "hostile-names.near"
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]")


class HostileNames(Machine):
    settings = Settings(depth=2, budget=40, gas_variants=False)

    def setup(self, rt):
        rt.deploy(HOSTILE, CONTRACTS / "hostile_names.py")

    @rule()
    def ping(self, user):
        self.submit(user, HOSTILE, "ping")

    @rule()
    def shout(self, user):
        self.submit(user, HOSTILE, "shout")

    @invariant(idle_only=True)
    def nothing_ever_pinged(self, rt):
        assert rt.height == 0, "boom\x1b[2J\r\n    import os  #"  # breaks once anything ran


def test_hostile_names_reach_no_code_and_no_raw_terminal_control():
    result = HostileNames.explore()
    assert result.found
    report = result.report
    assert not RAW_CONTROL.search(report), RAW_CONTROL.findall(report)
    assert not RAW_CONTROL.search(result.summary())
    # the hostile names did run: they are in the trace, escaped
    assert "notify\\n    import os" in report
    source = report.split("Minimal schedule as a pytest test")[1].split("\n", 2)[2]
    # the hostile names are in the printed test's comments, escaped
    assert "  # hostile-names.near -> hostile-names.near.\"notify\\n    import os" in source
    tree = ast.parse(source)
    imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert [i.module for i in imports] == ["near_safe.explore", "near_safe.testing"]
    (test,) = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert len(tree.body) == 3
    first, *steps, last = test.body
    assert isinstance(first, ast.Assign) and first.targets[0].id == "run"
    for stmt in steps + [last]:  # nothing but run.submit(...) / run.step(...) / run.finish()
        assert isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)
        func = stmt.value.func
        assert isinstance(func, ast.Attribute) and func.value.id == "run"
        assert func.attr in ("submit", "step", "finish")
        for arg in stmt.value.args + [k.value for k in stmt.value.keywords]:
            assert all(isinstance(n, (ast.Constant, ast.Dict, ast.BinOp, ast.Name, ast.Load,
                                      ast.Mult, ast.Call, ast.List))
                       for n in ast.walk(arg)), ast.dump(arg)
    # the code lines are as many as the statements: no comment hid a line break
    body_lines = [line for line in source.splitlines() if line.startswith("    ")]
    assert len(body_lines) == len(test.body)
    compile(source, "<printed test>", "exec")


def test_every_printer_escapes():
    name = "notify\n    import os; os.system('x')  #"
    assert "\n" not in shown(name) and shown(name) == repr(name)
    assert shown("on_staked") == "on_staked"
    assert not RAW_CONTROL.search(shown("\x1b[2J\u2028\u202e"))
    for step in (Attack("a.near", name, '{"x": "\x01"}', 5), Call(name, (("k", name),)),
                 Deliver(name)):
        assert not RAW_CONTROL.search(step.describe()), step.describe()
    assert clean_terminal("a\nb\x1b[31m\u2028") == "a\nb\\x1b[31m\\u2028"
