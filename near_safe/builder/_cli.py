"""`near-safe build CONTRACT.py [-o OUT.wasm] [--rebuild] [--quiet]
[--compiler py [-O N] [--pins FILE]]` and `near-safe build --warm`.

Prints the Wasm's path and size on stdout; progress goes to stderr.  Bad input raises
BuildError/UsageError, which cli.py prints with exit code 2.

Release builds: ``-o OUT.wasm`` writes the Wasm only after a cache hit verified against its key
(a modified entry is rebuilt, with a warning on stderr); ``--rebuild`` uses no cached Wasm at all
(docs/architecture.md, "Trust boundaries").
"""

from __future__ import annotations

from ..errors import UsageError


def add_arguments(parser) -> None:
    parser.add_argument("contract", nargs="?", help="the contract's .py file")
    parser.add_argument("-o", "--output", metavar="OUT.wasm",
                        help="also write the Wasm here (default: only the cache); a cached "
                             "Wasm is written only after it verifies against its key")
    parser.add_argument("--rebuild", action="store_true",
                        help="use no cached Wasm, build from the sources (e.g. a release "
                             "build; with --warm: rebuild the toolchain too)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument("--compiler", choices=("mpy", "py"), default="mpy",
                        help="mpy: MicroPython (default, every nearc); py: nearc 0.10's CPython "
                             "backend (Python >= 3.12; heavy: minutes and GBs per build)")
    parser.add_argument("-O", "--opt-level", type=int, default=None, metavar="0-5",
                        help="--compiler py only: nearc's optimisation level (default 5, with "
                             "near_safe's pin list; 1-2 do not fit NEAR's size limit)")
    parser.add_argument("--pins", action="append", default=[], metavar="FILE",
                        help="--compiler py only: a pin file of your own (python -m "
                             "near_safe.builder.pyprofile --out FILE YOUR_TESTS); repeatable")
    parser.add_argument("--warm", action="store_true",
                        help="warm the shared MicroPython toolchain (run once, e.g. in CI)")


def run(args) -> int:
    from . import build, warm

    progress = False if args.quiet else None
    if args.warm:
        if args.compiler != "mpy":
            raise UsageError("--warm warms the MicroPython toolchain: drop --compiler py")
        if args.contract or args.output:
            raise UsageError("--warm takes no contract or -o: run `near-safe build --warm` alone")
        result = warm(progress=progress, rebuild=args.rebuild)
        state = "was already warm" if result.cached else "is warm now"
        print(f"toolchain {state} (warm-up contract: {result.wasm}, {result.size} bytes)")
        return 0
    if not args.contract:
        raise UsageError("missing CONTRACT.py: run `near-safe build CONTRACT.py [-o OUT.wasm]`")
    if (args.opt_level is not None or args.pins) and args.compiler != "py":
        raise UsageError("--opt-level and --pins apply to the CPython backend: add --compiler py")
    if args.compiler == "py":
        from ._cpython import DEFAULT_OPT_LEVEL, build_py

        level = DEFAULT_OPT_LEVEL if args.opt_level is None else args.opt_level
        result = build_py(args.contract, args.output, progress=progress, rebuild=args.rebuild,
                          opt_level=level, pins=args.pins)
        note = " (cached)" if result.cached else ""
        print(f"{result.wasm} {result.size} bytes{note}")
        return 0
    result = build(args.contract, args.output, progress=progress, rebuild=args.rebuild)
    note = " (cached)" if result.cached else ""
    print(f"{result.wasm} {result.size} bytes{note}")
    return 0
