"""The AHEAD API sandbox: a local stand-in for the real API, for tests, demos and development.

::

    from connector.sandbox import SandboxServer

    with SandboxServer() as server:
        ...  # talk to server.base_url; look inside with server.sandbox

Each name is imported from its module on first use, so that the sandbox's configuration
(:mod:`connector.sandbox.config`) imports without the web and database libraries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from connector.lazy import lazy_exports

if TYPE_CHECKING:
    from connector.sandbox.app import create_app
    from connector.sandbox.clock import SandboxClock
    from connector.sandbox.config import FaultRule, LifecycleConfig, SandboxConfig
    from connector.sandbox.server import SandboxServer, serve
    from connector.sandbox.state import Sandbox

#: The module that defines each exported name.
_MODULES = {
    "FaultRule": "connector.sandbox.config",
    "LifecycleConfig": "connector.sandbox.config",
    "Sandbox": "connector.sandbox.state",
    "SandboxClock": "connector.sandbox.clock",
    "SandboxConfig": "connector.sandbox.config",
    "SandboxServer": "connector.sandbox.server",
    "create_app": "connector.sandbox.app",
    "serve": "connector.sandbox.server",
}

if not TYPE_CHECKING:
    # Hidden from the type checker, which would otherwise take any misspelt name for a valid one.
    __getattr__, __dir__ = lazy_exports(__name__, _MODULES)

__all__ = [
    "FaultRule",
    "LifecycleConfig",
    "Sandbox",
    "SandboxClock",
    "SandboxConfig",
    "SandboxServer",
    "create_app",
    "serve",
]
