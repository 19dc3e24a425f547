"""sizes: a small web service, the app lab 3 packages.

Usage:
    app.py [--port=N]
    app.py --selfcheck
    app.py -h | --help

Options:
    --port=N     serve on 0.0.0.0:N [default: 8000]
    --selfcheck  serve on a loopback port, ask it twice, print the answers, exit
    -h --help    show this text

    GET /               hello from slimlab
    GET /size?bytes=N   N bytes for people, e.g. "130.5 MB" (humanize, from PyPI)

docopt (from PyPI) reads the command line from this text. The self-check lets
the smoke test prove that the image still serves HTTP and that both
dependencies were installed, in a container with no network.
"""

import http.client
import http.server
import threading
import urllib.parse

import docopt
import humanize


def answer(path: str) -> tuple[int, str]:
    """The status and text the service answers for a request path."""
    url = urllib.parse.urlsplit(path)
    if url.path == "/":
        return 200, "hello from slimlab"
    if url.path == "/size":
        value = urllib.parse.parse_qs(url.query).get("bytes", [""])[0]
        if value.isdigit():
            return 200, humanize.naturalsize(int(value))
        return 400, "give ?bytes=N with a whole number N"
    return 404, "not found"


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        status, text = answer(self.path)
        body = (text + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass  # keep the self-check's output to its answers


def selfcheck() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    for path in ("/", "/size?bytes=130451306"):
        # http.client, not urllib: it never routes loopback through an HTTP_PROXY.
        connection = http.client.HTTPConnection(*server.server_address[:2], timeout=10)
        connection.request("GET", path)
        response = connection.getresponse()
        print(f"GET {path} -> {response.status} {response.read().decode().strip()}")
        connection.close()
    server.shutdown()


def main() -> None:
    args = docopt.docopt(__doc__)
    if args["--selfcheck"]:
        selfcheck()
        return
    port = int(args["--port"])
    print(f"listening on :{port}", flush=True)
    http.server.ThreadingHTTPServer(("", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
