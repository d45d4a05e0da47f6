"""What the end-to-end tests share: free loopback ports, a GET that says None
instead of raising, waiting for a condition, and starting the real redflagd
on free ports with its data in a test's temporary folder."""

import os
import socket
import subprocess
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url):
    """The body, or None when nothing answered with 2xx."""
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode()
    except OSError:
        return None


def wait_until(done, what, logs, seconds=90):
    """done()'s first truthy value, polled every half second."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = done()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}; logs in {logs}")


def start_redflagd(holder, redflagd, extra_args, data_dir=None):
    """Starts redflagd on free loopback ports with its data in holder.tmp (or
    data_dir), and waits until it serves: sets holder.grpc_port,
    holder.http_port, holder.log and holder.proc."""
    holder.grpc_port, holder.http_port = free_port(), free_port()
    holder.log = open(os.path.join(holder.tmp, "redflagd.log"), "w")
    holder.proc = subprocess.Popen(
        [redflagd, "--data-dir", data_dir or os.path.join(holder.tmp, "data"),
         "--grpc-listen", f"127.0.0.1:{holder.grpc_port}",
         "--http-listen", f"127.0.0.1:{holder.http_port}",
         "--port-file", os.path.join(holder.tmp, "ports.json")] + extra_args,
        stdout=holder.log, stderr=subprocess.STDOUT)
    deadline = time.time() + 30
    while not os.path.exists(os.path.join(holder.tmp, "ports.json")):
        if time.time() > deadline or holder.proc.poll() is not None:
            raise RuntimeError("redflagd did not start; see " + holder.log.name)
        time.sleep(0.02)
