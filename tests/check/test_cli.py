"""`near-safe check` through the real CLI entry point (near_safe.cli.main): exit codes, output
formats, suppression comments, configuration and folder discovery."""

import json
import textwrap

import pytest

from near_safe.cli import main

from .sarif_check import validate

BAD = textwrap.dedent('''\
    from near_sdk_py import Storage, call


    class Counter:
        @call
        def increment(self):
            Storage.set("count", "1")
    ''')  # NS107 on line 6

OWNER = textwrap.dedent('''\
    import near
    from near_sdk_py import Context, Storage, call


    @call
    def set_fee(fee):
        if Context.predecessor_account_id() != Storage.get_string("owner"):
            near.panic_utf8("owner only")
        Storage.set("fee", str(fee))
    ''')  # NS107 + NS112 on line 6

GOOD = textwrap.dedent('''\
    from near_safe import call, state


    @call
    def increment():
        state.set("count", state.get("count", 0) + 1)
    ''')

LOW_GAS = textwrap.dedent('''\
    from near_sdk_py import CrossContract, call
    from near_sdk_py.promises import callback


    class Reader:
        @call
        def read(self):
            return CrossContract("data.near").call("get").then("on_read").value()

        @callback
        def on_read(self, result):
            return result.data
    ''')  # NS106 (10 Tgas default) on line 8


def write(folder, name, text):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def run(capsys, *argv):
    code = main(["check", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


# ---------------------------------------------------------------- exit codes and human output
def test_clean_file_exits_0(tmp_path, capsys):
    code, out, _ = run(capsys, write(tmp_path, "good.py", GOOD))
    assert code == 0
    assert "0 findings in 1 file" in out


def test_findings_exit_1_with_location_id_severity_why_and_fix(tmp_path, capsys):
    path = write(tmp_path, "bad.py", BAD)
    code, out, _ = run(capsys, path)
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(f"{path}:6:5: NS107 warning [unintended-deposit] line 6: ")
    assert "    why: near-sdk-py's @call" in out
    assert "    fix: Use near_safe's @call" in out
    assert "1 finding (1 warning) in 1 file" in out


def test_unparsable_file_is_reported_and_the_others_still_checked(tmp_path, capsys):
    write(tmp_path, "a_broken.py", "def f(:\n    pass\n")
    write(tmp_path, "b_bad.py", BAD)
    code, out, _ = run(capsys, tmp_path)
    assert code == 2
    assert "a_broken.py:1:7: NS000 error cannot parse" in out
    assert "b_bad.py:6:5: NS107" in out
    assert "1 file(s) could not be parsed" in out


def test_missing_path_is_a_usage_error(tmp_path, capsys):
    code, _, err = run(capsys, tmp_path / "nope.py")
    assert code == 2
    assert "nope.py: no such file or folder" in err


def test_unknown_rule_in_disable_option_is_a_usage_error(tmp_path, capsys):
    code, _, err = run(capsys, write(tmp_path, "bad.py", BAD), "--disable", "NS999")
    assert code == 2
    assert "--disable NS999: unknown rule id" in err


def test_bad_format_is_a_usage_error(tmp_path, capsys):
    code, _, err = run(capsys, write(tmp_path, "bad.py", BAD), "--format", "xml")
    assert code == 2
    assert "invalid choice" in err


# ---------------------------------------------------------------- JSON and SARIF
def test_json_output(tmp_path, capsys):
    write(tmp_path, "owner.py", OWNER)
    write(tmp_path, "broken.py", "x = (\n")
    code, out, _ = run(capsys, tmp_path, "--format", "json")
    assert code == 2
    doc = json.loads(out)
    assert doc["files"] == 2 and doc["exit_code"] == 2
    assert [(f["rule"], f["line"], f["column"]) for f in doc["findings"]] == [
        ("NS107", 6, 1), ("NS112", 6, 1)]
    f = doc["findings"][1]
    assert f["severity"] == "warning" and f["name"] == "privileged-without-one-yocto"
    assert f["path"].endswith("owner.py") and "line 6" in f["message"]
    assert f["why"] and "one_yocto=True" in f["fix"]
    assert doc["errors"][0]["rule"] == "NS000" and doc["errors"][0]["line"] >= 1


def test_sarif_output_is_valid_sarif_2_1_0(tmp_path, capsys):
    write(tmp_path, "owner.py", OWNER)
    write(tmp_path, "gas.py", LOW_GAS)
    write(tmp_path, "broken.py", "x = (\n")
    code, out, _ = run(capsys, tmp_path, "--format", "sarif")
    assert code == 2
    log = json.loads(out)
    assert validate(log) == []
    run0 = log["runs"][0]
    rules = run0["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(r["id"] for r in rules)
    assert all(r["shortDescription"]["text"] and r["defaultConfiguration"]["level"] in
               ("error", "warning", "note") for r in rules)
    got = sorted((r["ruleId"], r["level"],
                  r["locations"][0]["physicalLocation"]["region"]["startLine"])
                 for r in run0["results"])
    assert got == [("NS106", "warning", 8), ("NS107", "warning", 6), ("NS112", "warning", 6)]
    assert run0["invocations"][0]["executionSuccessful"] is False
    assert run0["invocations"][0]["toolExecutionNotifications"][0]["descriptor"]["id"] == "NS000"


def test_sarif_validator_rejects_broken_logs():
    """The validator used above can fail: each required property removed is caught."""
    good = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x", "rules": [
        {"id": "NS101", "shortDescription": {"text": "t"},
         "defaultConfiguration": {"level": "error"}}]}},
        "results": [{"ruleId": "NS101", "ruleIndex": 0, "level": "error",
                     "message": {"text": "m"}, "locations": [{"physicalLocation": {
                         "artifactLocation": {"uri": "a.py"},
                         "region": {"startLine": 1, "startColumn": 1}}}]}]}]}
    assert validate(good) == []
    broken = json.loads(json.dumps(good))
    broken["version"] = "2.0.0"
    del broken["runs"][0]["results"][0]["message"]
    broken["runs"][0]["results"][0]["level"] = "fatal"
    broken["runs"][0]["results"][0]["ruleIndex"] = 3
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    del broken["runs"][0]["tool"]["driver"]["rules"][0]["id"]
    problems = validate(broken)
    assert len(problems) == 6, problems


# ---------------------------------------------------------------- suppression
@pytest.mark.parametrize("comment, remaining", [
    ("# near-safe: ignore[NS107]", ["NS112"]),
    ("# near-safe: ignore[NS107,NS112]", []),
    ("# near-safe: ignore[ns112, NS107]", []),
    ("# near-safe: ignore", []),
    ("# near-safe: ignore[NS101]", ["NS107", "NS112"]),
])
def test_suppression_comment_on_the_reported_line(tmp_path, capsys, comment, remaining):
    source = OWNER.replace("def set_fee(fee):", "def set_fee(fee):  " + comment)
    code, out, _ = run(capsys, write(tmp_path, "owner.py", source), "--format", "json")
    assert [f["rule"] for f in json.loads(out)["findings"]] == remaining
    assert code == (1 if remaining else 0)


def test_suppression_on_another_line_or_in_a_string_does_not_count(tmp_path, capsys):
    source = OWNER.replace('"owner only"', '"# near-safe: ignore[NS112]"')
    source = source.replace("@call", "@call  # near-safe: ignore[NS107,NS112]")
    code, out, _ = run(capsys, write(tmp_path, "owner.py", source), "--format", "json")
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["NS107", "NS112"]


# ---------------------------------------------------------------- configuration
def test_nearest_pyproject_disables_rules(tmp_path, capsys):
    write(tmp_path, "pyproject.toml", '[tool.near-safe]\ndisable = ["NS107"]\n')
    write(tmp_path, "pkg/contracts/owner.py", OWNER)
    code, out, _ = run(capsys, tmp_path / "pkg", "--format", "json")
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["NS112"]
    # a nearer pyproject.toml wins (here: without the section, so every rule is on)
    write(tmp_path, "pkg/pyproject.toml", "[project]\nname = 'x'\n")
    code, out, _ = run(capsys, tmp_path / "pkg", "--format", "json")
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["NS107", "NS112"]


def test_severity_threshold_and_enable(tmp_path, capsys):
    write(tmp_path, "a/owner.py", OWNER)
    write(tmp_path, "a/init.py", "from near_sdk_py import Storage, init\n\n\nclass C:\n"
                                 "    @init\n    def new(self):\n        Storage.set('a', 'b')\n")
    write(tmp_path, "pyproject.toml", '[tool.near-safe]\nseverity = "error"\n')
    code, out, _ = run(capsys, tmp_path / "a", "--format", "json")
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["NS111"]
    write(tmp_path, "pyproject.toml", '[tool.near-safe]\nenable = ["NS112"]\n')
    code, out, _ = run(capsys, tmp_path / "a", "--format", "json")
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["NS112"]
    code, out, _ = run(capsys, tmp_path / "a", "--format", "json", "--severity", "error")
    assert code == 0 and json.loads(out)["findings"] == []


def test_min_callback_gas_default_is_near_safes_measured_reservation(tmp_path, capsys):
    from near_safe import CALLBACK_GAS, TGAS

    write(tmp_path, "gas.py", LOW_GAS)
    code, out, _ = run(capsys, tmp_path, "--format", "json")
    [finding] = json.loads(out)["findings"]
    assert finding["rule"] == "NS106"
    assert "default 10 Tgas (no gas given)" in finding["message"]
    assert f"at least {CALLBACK_GAS / TGAS:g} Tgas" in finding["message"]


def test_min_callback_gas_setting(tmp_path, capsys):
    write(tmp_path, "gas.py", LOW_GAS.replace('CrossContract("data.near")',
                                              'CrossContract("data.near", gas=25 * 10**12)'))
    code, out, _ = run(capsys, tmp_path, "--format", "json")
    assert code == 0  # 25 Tgas given explicitly: enough for the default minimum
    write(tmp_path, "pyproject.toml", "[tool.near-safe]\nmin-callback-gas = 30\n")
    code, out, _ = run(capsys, tmp_path, "--format", "json")
    [finding] = json.loads(out)["findings"]
    assert "gets 25 Tgas; a MicroPython callback needs at least 30 Tgas" in finding["message"]


def test_config_option_points_to_a_file(tmp_path, capsys):
    write(tmp_path, "src/owner.py", OWNER)
    cfg = write(tmp_path, "ci/near-safe.toml", '[tool.near-safe]\ndisable = ["NS112", "NS107"]\n')
    code, out, _ = run(capsys, tmp_path / "src", "--config", cfg)
    assert code == 0


def test_other_commands_subtables_are_ignored(tmp_path, capsys):
    write(tmp_path, "pyproject.toml",
          '[tool.near-safe]\ndisable = ["NS107"]\n\n[tool.near-safe.build]\ncache = "x"\n')
    code, out, _ = run(capsys, write(tmp_path, "bad.py", BAD))
    assert code == 0


@pytest.mark.parametrize("toml, message", [
    ('disabel = ["NS107"]', "unknown key 'disabel' in [tool.near-safe]"),
    ('severity = "high"', "'severity' is 'high'; use one of 'error', 'warning', 'note'"),
    ('disable = "NS107"', "'disable' must be a list of rule ids"),
    ('disable = ["NS1O7"]', "'disable' names unknown rule id(s) NS1O7"),
    ("min-callback-gas = -1", "'min-callback-gas' is -1; give a positive number of Tgas"),
    ("[broken", "not valid TOML"),
])
def test_bad_config_exits_2_naming_the_key_and_the_fix(tmp_path, capsys, toml, message):
    cfg = write(tmp_path, "pyproject.toml", toml if toml.startswith("[") else
                "[tool.near-safe]\n" + toml + "\n")
    code, out, err = run(capsys, write(tmp_path, "good.py", GOOD))
    assert code == 2
    assert message in err and str(cfg) in err
    assert out == ""


def test_missing_config_file_is_a_usage_error(tmp_path, capsys):
    code, _, err = run(capsys, write(tmp_path, "good.py", GOOD), "--config", tmp_path / "no.toml")
    assert code == 2 and "does not exist" in err


# ---------------------------------------------------------------- discovery
def test_folders_are_searched_skipping_build_venv_and_hidden(tmp_path, capsys):
    write(tmp_path, "contracts/bad.py", BAD)
    write(tmp_path, "contracts/sub/bad2.py", BAD)
    for skipped in ("build/bad.py", ".venv/bad.py", "venv/bad.py", "node_modules/x/bad.py",
                    ".hidden/bad.py", "env2/lib/bad.py", "pkg.egg-info/bad.py",
                    "contracts/__pycache__/bad.py"):
        write(tmp_path, skipped, BAD)
    write(tmp_path, "env2/pyvenv.cfg", "home = /usr\n")
    write(tmp_path, "contracts/notes.txt", "not python")
    code, out, _ = run(capsys, tmp_path, "--format", "json")
    doc = json.loads(out)
    assert doc["files"] == 2
    assert sorted(f["path"].split("contracts")[-1] for f in doc["findings"]) == [
        "/bad.py", "/sub/bad2.py"]


def test_an_explicit_file_is_checked_whatever_its_folder(tmp_path, capsys):
    code, _, _ = run(capsys, write(tmp_path, "build/bad.py", BAD))
    assert code == 1


def test_output_file_option(tmp_path, capsys):
    target = tmp_path / "report.sarif"
    code, out, _ = run(capsys, write(tmp_path, "bad.py", BAD), "--format", "sarif", "-o", target)
    assert code == 1 and out == ""
    assert validate(json.loads(target.read_text())) == []


def test_star_import_of_the_public_api():
    namespace = {}
    exec("from near_safe.check import *", namespace)
    assert {"check_paths", "check_source", "RULES", "Finding"} <= set(namespace)


def test_every_rule_is_documented_under_its_help_anchor():
    """SARIF's helpUri points at docs/checker.md#<anchor>: each rule has a heading there whose
    GitHub anchor (lower case, punctuation dropped, spaces to hyphens) is that anchor, with
    the rule's severity, and the fix text names something to write (a call or a decorator)."""
    import re
    from pathlib import Path

    from near_safe.check import RULES

    docs = (Path(__file__).resolve().parents[2] / "docs" / "checker.md").read_text()
    anchors = set()
    for line in docs.splitlines():
        if line.startswith("### "):
            title = line[4:].strip().lower()
            anchors.add(re.sub(r"[^a-z0-9 _-]", "", title).replace(" ", "-"))
    for rule in RULES.values():
        assert rule.help_anchor in anchors, rule.id
        assert re.search(r"[A-Za-z_.]+\(|@\w+", rule.fix), rule.id
