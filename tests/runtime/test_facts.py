"""One home for shared facts (issue 13): nearc's export decorator names, the C keywords nearc
refuses as export names, and the cache folder live in near_safe/_facts.py (units in
near_safe/_units.py, see test_units.py).  These tests read nearc's own analyzer for the facts and
fail if a CPython-side copy comes back."""

import ast
import importlib.util
from pathlib import Path

import near_safe
from near_safe import _facts
from near_safe.builder import _analyze, _toolchain
from near_safe.check import _analysis, _model
from near_safe.explore import _auto
from near_safe.testing.vm import wasm

PACKAGE = Path(near_safe.__file__).parent


def nearc_literal(function: str, variable: str) -> set:
    """The set literal nearc's analyzer assigns to ``variable`` inside ``function``."""
    spec = importlib.util.find_spec("nearc.analyzer")
    tree = ast.parse(Path(spec.origin).read_text())
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef) and fn.name == function:
            for node in ast.walk(fn):
                if isinstance(node, ast.Assign) and any(
                        isinstance(t, ast.Name) and t.id == variable for t in node.targets):
                    return set(ast.literal_eval(node.value))
    raise AssertionError(f"nearc.analyzer.{function} assigns no {variable}")


def test_export_decorators_are_nearcs():
    assert _facts.NEARC_EXPORT_DECORATORS | {_facts.NEARC_EXPORT_ATTRIBUTE} == \
        nearc_literal("find_exports", "export_decorators")


def test_c_keywords_are_nearcs():
    # the builder's copy lacked the ten C99/C11 keywords, the checker's seven of them
    assert _facts.C_KEYWORDS == nearc_literal("validate_export_names", "c_keywords")


def test_every_tool_uses_the_one_definition():
    assert _analyze.EXPORT_DECORATORS is _facts.NEARC_EXPORT_DECORATORS
    assert _auto.EXPORTS is _facts.NEARC_EXPORT_DECORATORS
    assert _model.EXPORT_SPELLINGS == _facts.NEARC_EXPORT_DECORATORS | {"near.export"}
    assert _analyze.C_KEYWORDS is _facts.C_KEYWORDS and _analysis.C_KEYWORDS is _facts.C_KEYWORDS
    assert _toolchain.cache_root is _facts.cache_root and wasm.cache_dir is _facts.cache_root


def test_cache_root_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("NEAR_SAFE_CACHE", str(tmp_path))
    assert _facts.cache_root() == tmp_path
    monkeypatch.delenv("NEAR_SAFE_CACHE")
    assert _facts.cache_root() == Path.home() / ".cache" / "near_safe"


def cpython_side_sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        # the contract side is frozen into the Wasm and may not import _facts; _facts is the home
        if rel in ("_root.py", "_facts.py") or rel.startswith(("contract/", "_templates/",
                                                                   "_examples/")):
            continue
        yield rel, ast.parse(path.read_text())


def string_collections(tree):
    """Each set/tuple/list literal of strings (frozenset({...}) included) in the module."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Set, ast.Tuple, ast.List)) and node.elts and all(
                isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
            yield node, {e.value for e in node.elts}


def test_no_copy_of_a_nearc_fact_comes_back():
    # C keywords that are not Python keywords: a Python name list never holds five of them
    c_only = _facts.C_KEYWORDS - {"break", "continue", "else", "for", "if", "return", "while"}
    copies = []
    for rel, tree in cpython_side_sources():
        for node, names in string_collections(tree):
            if len(names & _facts.NEARC_EXPORT_DECORATORS) >= 5:
                copies.append(f"{rel}:{node.lineno} nearc's export decorators "
                              "(use near_safe._facts.NEARC_EXPORT_DECORATORS)")
            if len(names & c_only) >= 5:
                copies.append(f"{rel}:{node.lineno} C keywords (use near_safe._facts.C_KEYWORDS)")
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value == _facts.CACHE_ENV:
                copies.append(f"{rel}:{node.lineno} reads ${_facts.CACHE_ENV} "
                              "(use near_safe._facts.cache_root())")
    assert not copies, copies


def test_the_copy_detector_finds_a_copy():
    tree = ast.parse('EXPORTS = ("export", "view", "call", "init", "callback", "multi_callback")\n'
                     'K = {"auto", "volatile", "register", "typedef", "union", "sizeof"}\n')
    found = [names for _, names in string_collections(tree)]
    assert len(found[0] & _facts.NEARC_EXPORT_DECORATORS) == 6
    assert len(found[1] & _facts.C_KEYWORDS) == 6
