"""One world per runtime mode, built once per session and restored from a snapshot after
every test: what tests/safety, tests/sdk and tests/promises share.  A world is any object with
an ``rt`` (near_safe.testing.Runtime)."""

import pytest

MODES = ("wasm", "python")


def per_mode(build, modes=MODES):
    """A fixture (assign it to a name in a conftest or test module): each test gets the world
    ``build(mode)`` made for its mode, as it was right after it was built."""
    built = {}

    @pytest.fixture(params=list(modes))
    def fixture(request):
        mode = request.param
        if mode not in built:
            world = build(mode)
            built[mode] = (world, world.rt.snapshot())
        world, snap = built[mode]
        yield world
        world.rt.restore(snap)

    return fixture
