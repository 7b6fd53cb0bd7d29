"""A scripted HTTP server on 127.0.0.1 for replaying recorded responses through the live code path.

Each scripted response is ``(status, headers, body)`` or ``(status, headers, body, options)`` where
options may hold ``delay_s`` (sleep before answering, to provoke a read timeout) and
``declared_length`` (a Content-Length larger than the body, to provoke a truncated body).
"""

import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def scripted_server(responses: list[tuple]):
    """Serve ``responses`` in order (the last one repeats); yields (base_url, request_log)."""
    request_log: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server naming)
            index = min(len(request_log), len(responses) - 1)
            request_log.append(self.path)
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
        yield f"http://127.0.0.1:{server.server_address[1]}", request_log
    finally:
        server.shutdown()
        server.server_close()
