"""Argument kinds from annotations (issue 14, item 2): read from the syntax tree at build time
(MicroPython keeps no annotations), written into the staged source as the equivalent args=,
so the Wasm and CPython mode check the same kinds; args= stays an override, and an annotation
that disagrees with it, or that has no kind, is a build error naming the method."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from near_safe.builder import build_count
from near_safe.builder._misuse import annotation_kind, check_decorator_misuse, staged_source
from near_safe.errors import BuildError
from near_safe.testing import NEAR, Runtime

CONTRACTS = Path(__file__).parent / "contracts"
ANNOTATED = CONTRACTS / "annotated.py"
HEADER = "from near_safe import call, view, callback, multi_callback, INT, STR, ANY, optional\n"


def _kind(text):
    return annotation_kind(ast.parse(text, mode="eval").body)


@pytest.mark.parametrize("text,kind", [
    ("str", ("str", False)), ("int", ("int", False)), ("bool", ("bool", False)),
    ("list", ("list", False)), ("List[int]", ("list", False)), ("list[str]", ("list", False)),
    ("dict", ("dict", False)), ("Dict[str, int]", ("dict", False)),
    ("AccountId", ("account", False)), ("near_sdk_py.AccountId", ("account", False)),
    ("Balance", ("amount", False)), ("Amount", ("amount", False)), ("U128", ("amount", False)),
    ("Optional[str]", ("str", True)), ("typing.Optional[AccountId]", ("account", True)),
    ("str | None", ("str", True)), ("None | int", ("int", True)),
    ("Union[int, None]", ("int", True)), ("'AccountId'", ("account", False)),
    ("Any", ("any", False)),
])
def test_each_annotation_gives_its_kind(text, kind):
    assert _kind(text) == kind


@pytest.mark.parametrize("text", ["float", "bytes", "Optional[bytes]", "int | str", "MyType", "Tuple[int]", "'1 +'"])
def test_an_annotation_without_a_kind_is_refused(text):
    with pytest.raises(Exception) as info:
        _kind(text)
    assert type(info.value).__name__ == "_NoKind"


def _spec(source, name):
    """The args= the staged source gives ``name`` (its decorator's keyword), as a dict."""
    tree = ast.parse(source)
    node = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == name)
    dec = node.decorator_list[-1]
    kw = next(k for k in dec.keywords if k.arg == "args")
    return ast.literal_eval(kw.value)


def test_the_staged_source_declares_the_annotated_kinds_and_keeps_every_line():
    source = ANNOTATED.read_text()
    staged = staged_source(source, ANNOTATED)
    assert _spec(staged, "bid") == {"end_time": "int", "auctioneer": "account",
                                    "amount": "amount", "memo": "?str", "tags": "?list",
                                    "final": "?bool"}
    # unannotated -> ANY; a string annotation is read too; the other options stay
    assert _spec(staged, "note") == {"text": "any", "count": "?int"}
    assert "@call(payable=True, args=" in staged
    # a callback's first parameter is its result, not an argument
    assert _spec(staged, "on_done") == {"key": "str"}
    assert _spec(staged, "module_level") == {"who": "account", "extra": "?dict"}
    # nothing to add: a method without parameters keeps its decorator as written
    assert "    @view\n    def get(self) -> dict:" in staged
    assert len(staged.splitlines()) == len(source.splitlines())
    for a, b in zip(ast.walk(ast.parse(source)), ast.walk(ast.parse(staged))):
        if isinstance(a, ast.FunctionDef):
            assert (a.name, a.lineno) == (b.name, b.lineno)


def test_cpython_mode_blanks_the_annotations_it_would_evaluate():
    staged = staged_source(ANNOTATED.read_text(), ANNOTATED, blank_annotations=True)
    for node in ast.walk(ast.parse(staged)):
        if isinstance(node, ast.arg):
            assert node.annotation is None, node.arg
        if isinstance(node, ast.FunctionDef):
            assert node.returns is None
    assert _spec(staged, "bid")["auctioneer"] == "account"
    # MicroPython never evaluates them, so the Wasm's source may name what is not imported
    compile(staged, "annotated.py", "exec")


def test_args_written_by_hand_override_the_annotations():
    src = HEADER + "@call(args={'a': ANY, 'b': optional(INT)})\ndef f(a: float, b: int = 0):\n" \
                   "    pass\n"
    assert check_decorator_misuse(Path("c.py"), src) == []
    assert staged_source(src, "c.py") == src
    # AMOUNT hands the body an int, ACCOUNT a str: near-sdk-py's `amount: int` agrees
    src = HEADER.replace("ANY", "ANY, AMOUNT, ACCOUNT") + (
        "@call(args={'amount': AMOUNT, 'who': ACCOUNT})\ndef f(amount: int, who: str):\n"
        "    pass\n")
    assert check_decorator_misuse(Path("c.py"), src) == []
    # the checker's corpus example of a ported contract builds (issue 14, item 4)
    ported = Path(__file__).parents[1] / "check" / "corpus" / "NS113" / \
        "good_ported_annotations.py"
    check_decorator_misuse(ported)


@pytest.mark.parametrize("src,message", [
    ("@call(args={'a': INT})\ndef f(a: str):\n    pass\n",
     "c.py:3: @call on f: argument 'a' is annotated str (kind STR) but args= declares INT"),
    ("class C:\n    @view(args={'who': STR})\n    def g(self, who: AccountId):\n        pass\n",
     "c.py:4: @view on g: argument 'who' is annotated AccountId (kind ACCOUNT) but args= "
     "declares STR"),
    ("@call\ndef f(x: float):\n    pass\n",
     "c.py:3: @call on f: argument 'x': near_safe has no float kind"),
    ("@callback\ndef cb(result, n: MyCount):\n    pass\n",
     "c.py:3: @callback on cb: argument 'n': MyCount is not a kind near_safe checks"),
])
def test_a_disagreement_or_an_annotation_without_kind_is_a_build_error(src, message):
    with pytest.raises(BuildError) as info:
        check_decorator_misuse(Path("c.py"), HEADER + src)
    assert str(info.value).startswith(message)
    assert "args=" in str(info.value)  # the fix
    with pytest.raises(BuildError):
        staged_source(HEADER + src, "c.py")  # CPython mode refuses it the same way


def test_another_librarys_decorator_is_not_rewritten():
    src = "from near_sdk_py import call\n@call\ndef f(a: int):\n    pass\n"
    assert staged_source(src, "c.py") == src


def test_a_build_with_a_disagreement_fails_before_the_toolchain(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(HEADER + "\n\n@call(args={'n': STR})\ndef f(n: int):\n    pass\n")
    before = build_count()
    proc = subprocess.run([sys.executable, "-m", "near_safe.cli", "build", str(bad)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2, proc.stderr
    assert "bad.py:5: @call on f: argument 'n' is annotated int" in proc.stderr
    assert build_count() == before


# --- the kinds are checked on chain: Wasm and CPython mode -------------------------------------

GOOD = {"end_time": 5, "auctioneer": "bob.near", "amount": "10"}
REFUSED = [
    (dict(GOOD, end_time="5"), "Method bid: argument 'end_time' must be an integer below 2^53"),
    (dict(GOOD, auctioneer="Bob"), "Method bid: argument 'auctioneer' must be a valid NEAR "
     "account id"),
    (dict(GOOD, amount=10), "Method bid: argument 'amount' must be a yoctoNEAR amount as a "
     "decimal string"),
    (dict(GOOD, memo=None), "Method bid: argument 'memo' must be a string"),
    (dict(GOOD, final=1), "Method bid: argument 'final' must be true or false"),
    (dict(GOOD, tags="a"), "Method bid: argument 'tags' must be a list"),
    ({"end_time": 5, "amount": "10"}, "Method bid: missing argument 'auctioneer'"),
    (dict(GOOD, zzz=1), "Method bid: unknown argument 'zzz'"),
]


@pytest.fixture(scope="module", params=["wasm", "python"])
def auction(request):
    rt = Runtime(mode=request.param)
    alice = rt.create_account("alice.near", balance=100 * NEAR)
    c = rt.deploy("auction.near", ANNOTATED, balance=10 * NEAR)
    return rt, alice, c


def test_annotated_arguments_reach_the_body_converted(auction):
    rt, alice, c = auction
    out = alice.call(c, "bid", dict(GOOD, memo="hi", tags=["x"], final=True))
    assert out.error is None and out.value == "11"
    assert rt.view(c, "get")["bid"] == [5, "bob.near", "10", "hi", ["x"], True]
    out = alice.call(c, "note", {"text": {"any": [1]}}, deposit=NEAR)
    assert out.error is None and rt.view(c, "get")["note"] == [{"any": [1]}, 1]
    assert alice.call(c, "module_level", {"who": "carol.near"}).value == "carol.near"


@pytest.mark.parametrize("args,panic", REFUSED)
def test_strict_input_is_refused_with_the_stable_panic_and_no_state_change(auction, args, panic):
    rt, alice, c = auction
    before = dict(rt.storage(c))
    out = alice.call(c, "bid", args)
    assert out.error is not None and panic in out.error
    assert dict(rt.storage(c)) == before


def test_a_module_level_function_gets_its_kinds_too(auction):
    rt, alice, c = auction
    out = alice.call(c, "module_level", {"who": "Not An Account"})
    assert "Method module_level: argument 'who' must be a valid NEAR account id" in out.error


# --- a near_safe decorator nearc would not export (issue 14, item 5) ---------------------------

@pytest.mark.parametrize("src,line,written,kind", [
    ("import near_safe\n\n@near_safe.call\ndef f():\n    pass\n", 3, "near_safe.call", "call"),
    ("from near_safe import call as safe_call_m\nfrom near_sdk_py import call\n\n"
     "@safe_call_m(payable=True)\ndef f():\n    pass\n", 4, "safe_call_m", "call"),
    ("import near_safe as ns\n\nclass C:\n    @ns.view\n    def f(self):\n        pass\n", 4,
     "ns.view", "view"),
    ("from near_safe import callback\ncb = callback\n\n@cb\ndef f(r):\n    pass\n", 4, "cb",
     "callback"),
])
def test_a_near_safe_decorator_nearc_would_not_export_fails_the_build(src, line, written, kind):
    with pytest.raises(BuildError) as info:
        check_decorator_misuse(Path("c.py"), src)
    msg = str(info.value)
    assert msg.startswith(f"c.py:{line}: @{written} on f: nearc exports a method only when")
    assert f"from near_safe import {kind}` and @{kind}" in msg


def test_an_alias_under_an_exported_name_and_local_modules_are_fine(tmp_path):
    # nearc exports by the written name: `view as call` is exported (as a view)
    assert check_decorator_misuse(Path("c.py"), "from near_safe import view as call\n\n"
                                  "@call\ndef f():\n    pass\n") == []
    # a local module's functions are not exports: no export rule there
    lib = tmp_path / "lib.py"
    assert check_decorator_misuse(tmp_path / "c.py", "import lib\n", {
        lib: "import near_safe\n\n@near_safe.call\ndef f():\n    pass\n"}) == []
