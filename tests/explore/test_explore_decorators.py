"""Decorators check their own use (hypothesis's standard): a conflicting or misplaced
@rule / @invariant / @precondition is refused where it is applied - when the decorator runs or
when the class statement ends - with a message naming the method, the conflict and the fix.
A Machine with no rules is refused where it is about to be explored (as_test, explore, check,
the CLI): a class statement cannot tell it from an abstract base meant to be subclassed."""

import pytest
from explore_machines import VaultMachine

from near_safe.cli import main
from near_safe.errors import UsageError
from near_safe.explore import Machine, Settings, amounts, invariant, precondition, rule


def _never(self, rt):
    return False


# ------------------------------------------------------------ @rule and @invariant on one method
@pytest.mark.parametrize("order", ["rule_above", "invariant_above"])
def test_rule_and_invariant_on_one_method_is_refused(order):
    def method(self):
        pass

    method.__qualname__ = "Vault.method"
    with pytest.raises(UsageError) as info:
        if order == "rule_above":
            rule()(invariant()(method))
        else:
            invariant()(rule()(method))
    message = str(info.value)
    assert "Vault.method" in message
    assert "both a rule and an invariant" in message
    assert "split it into two methods" in message


def test_rule_and_invariant_refused_inside_a_class_statement():
    with pytest.raises(UsageError, match=r"Both\.check_and_act.*both a rule and an invariant"):
        class Both(Machine):
            @rule()
            @invariant()
            def check_and_act(self):
                pass


# ------------------------------------------------------------ @rule twice
def test_rule_twice_on_one_method_is_refused():
    with pytest.raises(UsageError) as info:
        class Twice(Machine):
            @rule(amount=amounts(1, 2))
            @rule(amount=[5])
            def stake(self, user, amount):
                pass
    message = str(info.value)
    assert "Twice.stake" in message and "@rule twice" in message
    assert "one @rule" in message and "sampled_from" in message


# ------------------------------------------------------------ @precondition on a non-rule
def test_precondition_on_a_plain_method_is_refused_when_the_class_is_created():
    with pytest.raises(UsageError) as info:
        class Helper(Machine):
            @precondition(_never)
            def helper(self, user):
                pass
    message = str(info.value)
    assert "Helper.helper" in message and "not a rule" in message
    assert "add @rule(...)" in message


def test_precondition_below_rule_is_accepted_and_gates_the_rule():
    """@rule above @precondition: precondition runs first and cannot tell yet; @rule then picks
    it up, so both orders work (as in hypothesis)."""

    class RuleAbove(Machine):
        @rule()
        @precondition(_never)
        def act(self, user):
            pass

    class PreconditionAbove(Machine):
        @precondition(_never)
        @rule()
        def act(self, user):
            pass

    for cls in (RuleAbove, PreconditionAbove):
        (spec,) = cls.rules()
        assert cls.precondition_of(spec) is _never


@pytest.mark.parametrize("order", ["precondition_above", "invariant_above"])
def test_precondition_on_an_invariant_is_refused(order):
    with pytest.raises(UsageError) as info:
        if order == "precondition_above":
            class Inv(Machine):
                @precondition(_never)
                @invariant()
                def solvent(self, rt):
                    return True
        else:
            class Inv(Machine):
                @invariant()
                @precondition(_never)
                def solvent(self, rt):
                    return True
    message = str(info.value)
    assert "Inv.solvent" in message and "invariant" in message
    assert "return True" in message  # the fix: return early where it does not apply


def test_precondition_twice_is_refused():
    with pytest.raises(UsageError, match=r"@precondition twice on .*Two\.act.*one predicate"):
        class Two(Machine):
            @precondition(_never)
            @precondition(_never)
            @rule()
            def act(self, user):
                pass


# ------------------------------------------------------------ a Machine with no rules
class AbstractBase(Machine):
    """A base with set-up and invariants but no rules: defining it stays possible."""

    settings = Settings(depth=1, budget=5, gas_variants=False)

    @invariant()
    def always(self):
        return True


class NoRules(AbstractBase):
    def setup(self, rt):
        pass


def test_a_base_machine_without_rules_can_be_defined_and_subclassed():
    class Concrete(AbstractBase):
        def setup(self, rt):
            pass

        @rule()
        def noop(self, user):
            pass

    assert [s.name for s in Concrete.rules()] == ["noop"]
    assert AbstractBase.rules() == []


@pytest.mark.parametrize("entry", ["explore", "check", "as_test"])
def test_exploring_a_machine_without_rules_is_refused(entry):
    with pytest.raises(UsageError) as info:
        getattr(NoRules, entry)()
    message = str(info.value)
    assert "NoRules" in message and "no rules" in message
    assert "@rule" in message and "subclass" in message


def test_cli_exits_2_on_an_explore_py_whose_machines_have_no_rules(tmp_path, capsys):
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "explore.py").write_text(
        "from near_safe.explore import Machine, invariant\n"
        "class Lonely(Machine):\n"
        "    def setup(self, rt):\n"
        "        pass\n"
        "    @invariant()\n"
        "    def ok(self):\n"
        "        return True\n")
    assert main(["explore", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "Lonely" in err and "no rules" in err and "@rule" in err


def test_vault_machine_still_explores():
    assert VaultMachine.rules()  # the shared fixture machine is unaffected


def test_docs_list_the_messages_as_the_code_gives_them():
    """docs/explorer.md's table of refused misuses quotes each message: keep them in step."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "explorer.md").read_text()
    doc = " ".join(doc.split())

    def fn(self):
        return True

    def fresh():
        def method(self):
            return True
        method.__qualname__ = "Q"
        return method

    def message(action):
        with pytest.raises(UsageError) as info:
            action()
        return str(info.value)

    messages = [
        message(lambda: rule()(invariant()(fresh()))),
        message(lambda: rule()(rule()(fresh()))),
        message(lambda: invariant()(invariant()(fresh()))),
        message(lambda: precondition(_never)(invariant()(fresh()))),
        message(lambda: precondition(_never)(precondition(_never)(fresh()))),
        message(lambda: type("X", (Machine,), {"NAME": precondition(_never)(fn)}))
        .replace("X.NAME", "Q"),
        message(lambda: type("M", (Machine,), {}).explore()),
    ]
    for text in messages:
        assert f"`{text}`" in doc, text
