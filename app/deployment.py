"""A start-up check of how the portal is deployed: PROXY_FIX_X_FOR trusts X-Forwarded-For, which only a
proxy in front may set. If clients can reach gunicorn (or `flask run`) directly, each could choose its own
address for the rate limits, so a public listening address beside PROXY_FIX_X_FOR earns a warning.

The bind address is read, best effort, where gunicorn and Flask take it: the command line (`-b`/`--bind`,
`--host`), GUNICORN_CMD_ARGS, PORT (gunicorn then listens on 0.0.0.0), FLASK_RUN_HOST, and a `bind = …`
line of gunicorn.conf.py in the working directory."""
from __future__ import annotations

import ipaddress
import logging
import os
import re
import shlex
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

log = logging.getLogger("pser.deployment")

PUBLIC_BIND_WARNING = (
    "PROXY_FIX_X_FOR=%s trusts the X-Forwarded-For header, but the server listens on %s, which clients may "
    "reach directly and so pick their own address for rate limits. Listen on a private address "
    "(127.0.0.1 or the internal network) behind the proxy, or unset PROXY_FIX_X_FOR (see README, Deployment)."
)


def _options(args: Sequence[str], names: tuple[str, ...]) -> list[str]:
    values = []
    for i, arg in enumerate(args):
        for name in names:
            if arg == name and i + 1 < len(args):
                values.append(args[i + 1])
            elif name.startswith("--") and arg.startswith(name + "="):
                values.append(arg.split("=", 1)[1])
            elif not name.startswith("--") and arg.startswith(name) and len(arg) > len(name):
                values.append(arg[len(name):])
    return values


def bind_addresses(argv: Sequence[str], environ: Mapping[str, str], cwd: Path | None = None) -> list[str]:
    """The addresses the server was told to listen on, as given (host:port, [v6]:port, unix:path)."""
    program = Path(argv[0]).name if argv else ""
    found: list[str] = []
    if "gunicorn" in program or "gunicorn" in " ".join(argv[:2]):
        found += _options(argv[1:], ("--bind", "-b"))
        found += _options(shlex.split(environ.get("GUNICORN_CMD_ARGS", "")), ("--bind", "-b"))
        config = (cwd or Path.cwd()) / "gunicorn.conf.py"
        if not found and config.is_file():
            found += re.findall(r"""^\s*bind\s*=\s*\[?\s*["']([^"']+)["']""", config.read_text(errors="replace"), re.M)
        if not found and environ.get("PORT"):
            found.append(f"0.0.0.0:{environ['PORT']}")
    elif "flask" in program or environ.get("FLASK_RUN_HOST"):
        found += _options(argv[1:], ("--host", "-h"))
        if environ.get("FLASK_RUN_HOST"):
            found.append(environ["FLASK_RUN_HOST"])
    return found


def is_public(address: str) -> bool:
    """True when `address` (host:port, [v6]:port, a bare host, or unix:path) may be reached from outside."""
    if address.startswith(("unix:", "fd://")):
        return False
    host = address
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.rsplit(":", 1)[0]
    if host in ("", "*", "0.0.0.0", "::"):
        return True
    if host == "localhost":
        return False
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return True  # a host name: it may resolve to anything
    return not (ip.is_loopback or ip.is_private or ip.is_link_local)


def warn_if_proxy_trusted_publicly(proxy_fix_x_for: int, argv: Sequence[str] | None = None,
                                   environ: Mapping[str, str] | None = None) -> list[str]:
    """Log a warning (and return the public addresses) when PROXY_FIX_X_FOR is set and we listen publicly."""
    if not proxy_fix_x_for:
        return []
    public = [a for a in bind_addresses(sys.argv if argv is None else argv,
                                        os.environ if environ is None else environ) if is_public(a)]
    if public:
        log.warning(PUBLIC_BIND_WARNING, proxy_fix_x_for, ", ".join(public))
    return public
