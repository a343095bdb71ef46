"""The client side of stacklab's executor agent protocol (workloads/osv: stacklab.osv.protocol).

One request per TCP connection: the agent greets with a nonce, the client sends
HMAC-SHA256(secret, nonce + " " + request) in hex and the request, the agent replies with one line,
`OK key=value ...` or `ERR reason=...`. Requests: STATUS, LAUNCH, KILL."""

from __future__ import annotations

import hashlib
import hmac
import socket

GREETING = "STACKLAB-OSV-AGENT 1"
DEFAULT_PORT = 7610


class AgentError(Exception):
    """The agent could not be reached, or did not speak the protocol."""


def request(host: str, port: int, secret: str, line: str, timeout: float = 5.0) -> dict[str, str]:
    """Send one request line; return the reply's fields, with `status` set to OK or ERR."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as connection:
            stream = connection.makefile("rwb")
            greeting = stream.readline().decode().strip()
            if not greeting.startswith(GREETING + " "):
                raise AgentError(f"{host}:{port} is not a stacklab executor agent (it said {greeting!r})")
            nonce = greeting[len(GREETING) + 1 :]
            signature = hmac.new(secret.strip().encode(), f"{nonce} {line}".encode(), hashlib.sha256).hexdigest()
            stream.write(f"{signature} {line}\n".encode())
            stream.flush()
            reply = stream.readline().decode().split()
    except OSError as error:
        raise AgentError(f"{host}:{port}: {error}") from error
    if not reply:
        raise AgentError(f"{host}:{port} closed the connection without a reply")
    fields = dict(word.split("=", 1) for word in reply[1:] if "=" in word)
    return {"status": reply[0], **fields}
