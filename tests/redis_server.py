"""A redis-server of a test's own, on a free port, started and stopped by the test: lets a test
take Redis away and bring it back without touching the machine's shared Redis."""

import socket
import subprocess

import redis


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    def __init__(self, directory, port=None):
        self.directory = directory
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        """Start redis-server and return once it accepts connections."""
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            cwd=self.directory,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        # Reading its log until it says it is ready waits exactly as long as needed.
        for line in self.process.stdout:
            if "ready to accept connections" in line.lower():
                return
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self):
        """Stop the server (only this one, by its process)."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process.stdout.close()
            self.process = None

    def client(self):
        return redis.Redis.from_url(self.url)
