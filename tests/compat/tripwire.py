"""A pytest plugin for test_activation.py's child pytest runs: records every attempt to reach
the neard sandbox (looking up or downloading the binary, starting a process, opening a
connection) into the file named by $NEAR_TRIPWIRE_LOG, and stops the attempt with an error so
an offline machine fails fast instead of waiting on the network.

It patches below near-pytest (shutil.which, requests, subprocess, sockets), so it sees the
sandbox path whether or not near_safe.compat has swapped near-pytest's own objects."""

import os
import shutil
import socket
import subprocess

import requests

_LOG = os.environ["NEAR_TRIPWIRE_LOG"]


def _record(what):
    with open(_LOG, "a") as f:
        f.write(what + "\n")


class SandboxReached(RuntimeError):
    pass


_which = shutil.which


def which(cmd, *args, **kwargs):
    if "near-sandbox" in str(cmd) or "neard" in str(cmd):
        _record(f"which {cmd}")
    return _which(cmd, *args, **kwargs)


def session_request(self, method, url, *args, **kwargs):
    _record(f"http {method} {url}")
    raise SandboxReached(f"network request {method} {url} attempted")


_popen_init = subprocess.Popen.__init__


def popen_init(self, args, *rest, **kwargs):
    text = " ".join(map(str, args)) if isinstance(args, (list, tuple)) else str(args)
    if "sandbox" in text or "neard" in text:
        _record(f"process {text}")
        raise SandboxReached(f"process {text} attempted")
    return _popen_init(self, args, *rest, **kwargs)


_connect = socket.socket.connect


def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _record(f"connect {address}")
        raise SandboxReached(f"connection to {address} attempted")
    return _connect(self, address)


shutil.which = which
requests.Session.request = session_request
subprocess.Popen.__init__ = popen_init
socket.socket.connect = connect
