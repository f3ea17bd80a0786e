"""An HTTP server on loopback, in a thread, that records every request it gets and answers each
with the status and body it is told to: a stand-in for a CDN's API or a Varnish server."""

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Recorded:
    method: str
    path: str
    headers: object  # an email.message.Message: names in any case
    body: bytes


@dataclass
class Recorder:
    status: int = 200
    body: bytes = b""
    delay: float = 0.0  # seconds to wait before answering
    requests: list = field(default_factory=list)

    def start(self):
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def handle_one_request(self):
                self.raw_requestline = self.rfile.readline(65537)
                if not self.raw_requestline or not self.parse_request():
                    self.close_connection = True
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                recorder.requests.append(Recorded(self.command, self.path, self.headers, body))
                if recorder.delay:
                    threading.Event().wait(recorder.delay)
                try:
                    self.send_response(recorder.status)
                    self.send_header("Content-Length", str(len(recorder.body)))
                    self.end_headers()
                    self.wfile.write(recorder.body)
                    self.wfile.flush()
                except OSError:
                    self.close_connection = True  # the client gave up waiting

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
