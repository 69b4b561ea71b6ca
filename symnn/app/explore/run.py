"""``symnn explore``: start the web app with uvicorn on loopback (or a host given), print the URL, open it.

The socket is bound here, before uvicorn starts, so a random free port (``--port 0``, the
default) is known in time to print it; Ctrl-C stops uvicorn, which closes open streams
within SHUTDOWN_SECONDS and returns.
"""

from __future__ import annotations

import importlib
import ipaddress
import socket
import sys
import threading
import webbrowser

from symnn.errors import InvalidArgumentError, require

SHUTDOWN_SECONDS = 2


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port`` (0: a free port the system picks), refused with a clear message."""
    if not isinstance(port, int) or not 0 <= port <= 65535:
        raise InvalidArgumentError(f"--port must be from 0 (a free port) to 65535, not {port!r}")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as error:
        raise InvalidArgumentError(f"--host {host!r} is not an address of this machine ({error.strerror})") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as error:
        sock.close()
        raise InvalidArgumentError(f"cannot listen on {host}:{port}: {error.strerror}"
                                   + ("; leave out --port for a free one" if port else "")) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket, host: str) -> str:
    port = sock.getsockname()[1]
    shown = "127.0.0.1" if host == "localhost" else host
    shown = f"[{shown}]" if ":" in shown and not shown.startswith("[") else shown
    return f"http://{shown}:{port}/"


def serve(host: str = "127.0.0.1", port: int = 0, open_browser: bool = True) -> int:
    """Run the explorer until Ctrl-C (exit code 0)."""
    uvicorn = require("uvicorn", "explore", "the explorer's web server")
    require("starlette", "explore", "the explorer's web app")
    # loaded only now, once Starlette is known to be there (every other command imports this module)
    server_module = importlib.import_module("symnn.app.explore.server")

    sock = bind(host, port)
    try:  # from here on Ctrl-C, even before uvicorn has started, stops the explorer
        url = url_of(sock, host)
        loopback = is_loopback(host)
        if not loopback:
            print(f"symnn explore: warning: listening on {host}, which other machines may reach; the explorer has "
                  "no login, so anyone who can reach it can use it", file=sys.stderr)
        # on loopback, only requests that name it (a web page cannot reach it through a DNS name of its own)
        app = server_module.create_app(allowed_hosts=list(server_module.LOOPBACK_NAMES)
                                       if loopback and ":" not in host else None)
        config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=SHUTDOWN_SECONDS,
                                access_log=False)
        server = uvicorn.Server(config)
        print(f"symnn explore: {url}", flush=True)
        print("(Ctrl-C stops it)", flush=True)
        if open_browser:
            threading.Timer(0.5, webbrowser.open, [url]).start()
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn shuts down first, then raises the signal again: Ctrl-C is how one stops it
        pass
    finally:
        sock.close()
    print("symnn explore: stopped", flush=True)
    return 0
