"""hello: a tiny web service on Python's standard library, the app lab 6 packages.

    python server.py               serve on 0.0.0.0:8000
    python server.py --selfcheck   serve on a loopback port, GET /, print the answer, exit

The self-check lets the smoke test prove that the image still serves HTTP even
in a container with no network and no shell or curl to call it with.
"""

import argparse
import http.client
import http.server
import threading

BODY = b"hello from slimlab\n"


class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, format, *args):
        pass  # keep the self-check's output to the one answer


def selfcheck() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # http.client, not urllib: it never routes loopback through an HTTP_PROXY.
    connection = http.client.HTTPConnection(*server.server_address[:2], timeout=10)
    connection.request("GET", "/")
    try:
        response = connection.getresponse()
    except http.client.RemoteDisconnected:
        # The handler raised: the server printed its traceback just above.
        raise SystemExit("selfcheck: the server closed the connection without an answer") from None
    print(f"GET / -> {response.status} {response.read().decode().strip()}")
    server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--selfcheck", action="store_true", help="serve on loopback, request /, print the answer and exit")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    if args.selfcheck:
        selfcheck()
        return
    print(f"listening on :{args.port}", flush=True)
    http.server.ThreadingHTTPServer(("", args.port), Hello).serve_forever()


if __name__ == "__main__":
    main()
