"""HTTP framing of the node's JSON-RPC (POST /, and GET /status as neard serves it).

A body larger than ``max_body`` is refused from its Content-Length, before it is read
(nearcore's ``json_payload_max_size``, 10 MiB by default, chain/jsonrpc/src/lib.rs
RpcLimitsConfig); the connection is then closed.  HTTP status codes follow nearcore's
jsonrpc: 400 for a request validation error, 500 for an internal error, 200 otherwise.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import _views as V

MAX_BODY = 10 * 1024 * 1024


def _status_for(response: dict) -> int:
    err = response.get("error")
    if not err:
        return 200
    return {"REQUEST_VALIDATION_ERROR": 400, "INTERNAL_ERROR": 500}.get(err.get("name"), 200)


class _Handler(BaseHTTPRequestHandler):
    server_version = "near-safe-node"
    protocol_version = "HTTP/1.1"
    # headers and body are two writes: with Nagle on, the body waits for the client's delayed
    # ACK of the headers (about 40 ms per answer on Linux, bench/bench_node.py measured it)
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):  # quiet: the node prints one line at start
        pass

    def _send(self, status: int, payload, close: bool = False):
        try:
            body = json.dumps(payload).encode()
        except (TypeError, ValueError) as e:  # a bug: answer it rather than drop the line
            status, body = 500, json.dumps({"jsonrpc": "2.0", "id": None, "error":
                                            V.internal_error(f"unserializable answer: {e}")
                                            }).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path.rstrip("/") == "/status":
            with self.server.node.lock:
                return self._send(200, self.server.node.status())
        self._send(404, {"error": "not found: POST JSON-RPC to / or GET /status"})

    def do_POST(self):
        node, limit = self.server.node, self.server.max_body
        length = self.headers.get("Content-Length")
        try:
            n = int(length)
        except (TypeError, ValueError):
            return self._send(411, {"jsonrpc": "2.0", "id": None, "error": V.parse_error(
                "a request needs a Content-Length header")}, close=True)
        if n < 0 or n > limit:
            return self._send(413, {"jsonrpc": "2.0", "id": None, "error": V.parse_error(
                f"request body of {n} bytes is larger than the limit of {limit} bytes")},
                close=True)
        body = self.rfile.read(n)
        try:
            request = json.loads(body)
        except (ValueError, UnicodeDecodeError) as e:
            response = {"jsonrpc": "2.0", "id": None, "error": V.parse_error(str(e))}
        else:
            try:
                response = node.handle(request)
            except Exception as e:  # a bug: answer it, keep serving
                response = {"jsonrpc": "2.0", "id": None,
                            "error": V.internal_error(f"{type(e).__name__}: {e}")}
        self._send(_status_for(response), response)


class NodeServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, node, host: str = "127.0.0.1", port: int = 3030,
                 max_body: int = MAX_BODY):
        self.node = node
        self.max_body = max_body
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


def start_block_timer(node, seconds: float, stop: threading.Event) -> threading.Thread:
    """``--block-time S``: one block every S seconds until ``stop`` is set."""
    def loop():
        while not stop.wait(seconds):
            node.produce_blocks(1)

    t = threading.Thread(target=loop, name="near-safe-node blocks", daemon=True)
    t.start()
    return t
