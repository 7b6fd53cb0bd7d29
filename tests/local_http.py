"""A scripted HTTP server on 127.0.0.1 for replaying recorded responses through the live code path."""

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def scripted_server(responses: list[tuple[int, dict, bytes]]):
    """Serve ``responses`` in order (the last one repeats); yields (base_url, request_log)."""
    request_log: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server naming)
            index = min(len(request_log), len(responses) - 1)
            request_log.append(self.path)
            status, headers, body = responses[index]
            self.send_response(status)
            headers = {"Content-Length": str(len(body)), **headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", request_log
    finally:
        server.shutdown()
        server.server_close()
