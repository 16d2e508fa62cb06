"""Structural validation of a SARIF 2.1.0 log against the properties the OASIS schema
(sarif-schema-2.1.0.json) marks required, plus the enums and ranges it constrains, for the
objects near-safe emits. Returns a list of problems (empty when valid)."""

LEVELS = {"none", "note", "warning", "error"}


def _message(obj, where, problems):
    if not isinstance(obj, dict) or not ("text" in obj or "id" in obj):
        problems.append(f"{where}: message needs 'text' or 'id'")
    elif "text" in obj and not isinstance(obj["text"], str):
        problems.append(f"{where}.text: must be a string")


def _location(loc, where, problems):
    phys = loc.get("physicalLocation")
    if not isinstance(phys, dict):
        problems.append(f"{where}: physicalLocation missing")
        return
    if "artifactLocation" not in phys and "address" not in phys:
        problems.append(f"{where}.physicalLocation: needs artifactLocation or address")
    art = phys.get("artifactLocation", {})
    if not isinstance(art.get("uri"), str) or not art["uri"]:
        problems.append(f"{where}.artifactLocation.uri: must be a non-empty string")
    region = phys.get("region")
    if not isinstance(region, dict):
        problems.append(f"{where}.region: missing")
        return
    for key in ("startLine", "startColumn"):
        v = region.get(key)
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            problems.append(f"{where}.region.{key}: must be an integer >= 1, got {v!r}")


def validate(log) -> list:
    problems = []
    if not isinstance(log, dict):
        return ["log: must be an object"]
    if log.get("version") != "2.1.0":
        problems.append("version: must be '2.1.0'")
    runs = log.get("runs")
    if not isinstance(runs, list):
        return problems + ["runs: required array"]
    for i, run in enumerate(runs):
        w = f"runs[{i}]"
        driver = run.get("tool", {}).get("driver") if isinstance(run.get("tool"), dict) else None
        if not isinstance(driver, dict):
            problems.append(f"{w}.tool.driver: required object")
            continue
        if not isinstance(driver.get("name"), str):
            problems.append(f"{w}.tool.driver.name: required string")
        rules = driver.get("rules", [])
        ids = []
        for j, rule in enumerate(rules):
            rw = f"{w}.tool.driver.rules[{j}]"
            if not isinstance(rule.get("id"), str):
                problems.append(f"{rw}.id: required string")
            ids.append(rule.get("id"))
            for key in ("shortDescription", "fullDescription", "help"):
                if key in rule and not isinstance(rule[key].get("text"), str):
                    problems.append(f"{rw}.{key}.text: required string")
            level = rule.get("defaultConfiguration", {}).get("level")
            if level not in LEVELS:
                problems.append(f"{rw}.defaultConfiguration.level: {level!r} not in {LEVELS}")
            if "helpUri" in rule and "://" not in rule["helpUri"]:
                problems.append(f"{rw}.helpUri: must be an absolute URI")
        if len(set(ids)) != len(ids):
            problems.append(f"{w}: duplicate rule ids")
        for j, inv in enumerate(run.get("invocations", [])):
            iw = f"{w}.invocations[{j}]"
            if not isinstance(inv.get("executionSuccessful"), bool):
                problems.append(f"{iw}.executionSuccessful: required boolean")
            for k, note in enumerate(inv.get("toolExecutionNotifications", [])):
                _message(note.get("message"), f"{iw}.toolExecutionNotifications[{k}]", problems)
                if note.get("level", "warning") not in LEVELS:
                    problems.append(f"{iw}.toolExecutionNotifications[{k}].level: bad level")
        results = run.get("results")
        if not isinstance(results, list):
            problems.append(f"{w}.results: expected array")
            continue
        for j, res in enumerate(results):
            rw = f"{w}.results[{j}]"
            _message(res.get("message"), rw, problems)
            if res.get("level", "warning") not in LEVELS:
                problems.append(f"{rw}.level: {res.get('level')!r} not in {LEVELS}")
            rid = res.get("ruleId")
            if not isinstance(rid, str):
                problems.append(f"{rw}.ruleId: expected string")
            idx = res.get("ruleIndex")
            if idx is not None and (not isinstance(idx, int) or not 0 <= idx < len(rules)
                                    or rules[idx].get("id") != rid):
                problems.append(f"{rw}.ruleIndex: {idx!r} does not point at rule {rid}")
            locs = res.get("locations", [])
            if not locs:
                problems.append(f"{rw}.locations: near-safe results must have a location")
            for k, loc in enumerate(locs):
                _location(loc, f"{rw}.locations[{k}]", problems)
    return problems
