"""The scratch memory CPython mode hands to VMLogic in place of the Wasm's linear memory.

In Wasm mode nearc's ``modnear.c`` passes pointers into MicroPython's heap to the NEAR host
functions (``mp_obj_str_get_data``, a stack ``u128_t``, a ``malloc`` buffer for registers).
CPython mode does the same through this object: every ``near.*`` call lays its arguments out
here, hands VMLogic the pointers, and reads results (registers, u128 amounts) back.  So VMLogic
runs the very same host-function code (same checks, same costs: read_memory/write_memory are
charged by length exactly as for the Wasm) in both modes.

The layout is a bump allocator reset at the start of every ``near.*`` call: nothing lives across
calls, as in modnear.c where each buffer is freed before the function returns.  Pointer 0 is
never handed out (it plays C's NULL, see ``NearHost._read_register_as_bytes``).
CPython only.
"""

from __future__ import annotations

from .logic import MemoryOutOfBounds


class ScratchMemory:
    """``read(ptr, n) -> bytes`` / ``write(ptr, data)``: the interface VMLogic uses for guest
    memory.  Grows on demand; a read or write outside the allocated area raises
    MemoryOutOfBounds (VMLogic reports MemoryAccessViolation, as for a Wasm out-of-bounds
    access)."""

    __slots__ = ("buf", "top")

    BASE = 16  # first pointer handed out (0 stays NULL)

    def __init__(self, size: int = 1 << 12):
        self.buf = bytearray(size)
        self.top = self.BASE

    # -- VMLogic's side --------------------------------------------------------------------

    def read(self, ptr: int, n: int) -> bytes:
        end = ptr + n
        if ptr < 0 or end > len(self.buf):
            raise MemoryOutOfBounds()
        return bytes(self.buf[ptr:end])

    def write(self, ptr: int, data) -> None:
        end = ptr + len(data)
        if ptr < 0 or end > len(self.buf):
            raise MemoryOutOfBounds()
        self.buf[ptr:end] = data

    @property
    def size(self) -> int:
        return len(self.buf)

    # -- NearHost's side (the C code's buffers) ---------------------------------------------

    def reset(self) -> None:
        self.top = self.BASE

    def reserve(self, n: int) -> int:
        """A fresh ``n``-byte area (like ``malloc(n)``); returns its pointer."""
        ptr = self.top
        end = ptr + n
        # keep 8-byte alignment, like the C structs (u128, u64 arrays) the host reads
        self.top = (end + 7) & ~7
        if self.top > len(self.buf):
            self.buf.extend(bytes(max(self.top - len(self.buf), len(self.buf))))
        return ptr

    def put(self, data: bytes) -> int:
        """Copy ``data`` in (a str/bytes object's data pointer in MicroPython); returns its
        pointer."""
        ptr = self.top
        end = ptr + len(data)
        top = self.top = (end + 7) & ~7
        buf = self.buf
        if top > len(buf):
            buf.extend(bytes(max(top - len(buf), len(buf))))
        buf[ptr:end] = data
        return ptr
