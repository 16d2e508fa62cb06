"""Run ``near-safe node`` as a subprocess on a free loopback port (tests only)."""

import os
import re
import subprocess
import sys
import threading


class NodeProcess:
    def __init__(self, *args, timeout=60):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "near_safe.cli", "node", "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        line = []
        reader = threading.Thread(target=lambda: line.append(self.proc.stdout.readline()),
                                  daemon=True)
        reader.start()
        reader.join(timeout)
        m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line[0] if line else "")
        if not m:
            self.stop()
            raise RuntimeError(f"the node did not start: {line} {self.proc.stderr.read()}")
        self.banner = line[0]
        self.url = m.group(1)

    def kill(self):
        """SIGKILL: no chance to flush or close anything."""
        self.proc.kill()
        self.proc.wait(timeout=30)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        for f in (self.proc.stdout, self.proc.stderr):
            f.close()
