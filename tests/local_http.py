"""A scripted HTTP server on 127.0.0.1 for replaying recorded responses through the live code path.

Each scripted response is ``(status, headers, body)`` or ``(status, headers, body, options)`` where
options may hold ``delay_s`` (sleep before answering, to provoke a read timeout),
``declared_length`` (a Content-Length larger than the body, to provoke a truncated body) and
``drip_s`` (send the body 8 bytes at a time with this pause between, a server trickling under the
read timeout; stops when the client hangs up).

While a server runs, keyed calls may go to it over plain http (``GREENBRIDGE_TEST_LOOPBACK=1``,
connectors.credentials); pass ``keyed_loopback=False`` to test the production rule (https only).
"""

import os
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from connectors.credentials import TEST_LOOPBACK_VARIABLE


@contextmanager
def loopback_switch(on: bool):
    """Set the test-only switch that lets keyed calls use http on loopback, and restore it after."""
    before = os.environ.get(TEST_LOOPBACK_VARIABLE)
    if on:
        os.environ[TEST_LOOPBACK_VARIABLE] = "1"
    else:
        os.environ.pop(TEST_LOOPBACK_VARIABLE, None)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(TEST_LOOPBACK_VARIABLE, None)
        else:
            os.environ[TEST_LOOPBACK_VARIABLE] = before


@contextmanager
def scripted_server(responses: list[tuple], keyed_loopback: bool = True):
    """Serve ``responses`` in order (the last one repeats); yields (base_url, request_log).
    Each request is logged as its path; the headers of each are kept in ``request_log.headers``."""
    request_log = RequestLog()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server naming)
            index = min(len(request_log), len(responses) - 1)
            request_log.append(self.path)
            request_log.headers.append(dict(self.headers))
            status, headers, body, *rest = responses[index]
            options = rest[0] if rest else {}
            if options.get("delay_s"):
                time.sleep(options["delay_s"])
            self.send_response(status)
            declared = options.get("declared_length", len(body))
            for name, value in {"Content-Length": str(declared), **headers}.items():
                self.send_header(name, value)
            self.end_headers()
            try:
                if options.get("drip_s"):
                    for start in range(0, len(body), 8):
                        self.wfile.write(body[start:start + 8])
                        self.wfile.flush()
                        time.sleep(options["drip_s"])
                else:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)
            if declared != len(body):
                self.close_connection = True

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with loopback_switch(keyed_loopback):
            yield f"http://127.0.0.1:{server.server_address[1]}", request_log
    finally:
        server.shutdown()
        server.server_close()


class RequestLog(list):
    """The paths requested, in order; ``headers`` holds each request's headers."""

    def __init__(self):
        super().__init__()
        self.headers: list[dict] = []
