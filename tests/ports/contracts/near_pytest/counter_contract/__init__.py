"""near-pytest 1.0.0's example counter (examples/counter_contract/__init__.py) ported to
near_safe.  The original writes raw ``@near.export`` functions that read ``near.input()`` and
call ``near.value_return`` themselves; near_safe's decorators do both (strict input, one JSON
result), so the port names the arguments as parameters instead: more than an import change,
listed in docs/porting.md ("Gaps")."""

from near_safe import call, init, state, view


# Store the count in contract storage
@init
def new(starting_count: int = 0):
    """Initialize the contract with a starting count."""
    state.set("count", starting_count)
    return True


@call
def increment():
    """Increment the counter and return the new value."""
    count = state.get("count", 0) + 1
    state.set("count", count)
    return count


@call
def decrement():
    """Decrement the counter and return the new value."""
    count = state.get("count", 0) - 1
    state.set("count", count)
    return count


@view
def get_count():
    """Get the current count."""
    return state.get("count", 0)


@call
def reset(value: int = 0):
    """Reset the counter to the given value."""
    state.set("count", value)
    return value
