"""The AHEAD API sandbox: a local stand-in for the real API, for tests, demos and development.

::

    from connector.sandbox import SandboxServer

    with SandboxServer() as server:
        ...  # talk to server.base_url; look inside with server.sandbox
"""

from connector.sandbox.app import create_app
from connector.sandbox.clock import SandboxClock
from connector.sandbox.config import FaultRule, LifecycleConfig, SandboxConfig
from connector.sandbox.server import SandboxServer, serve
from connector.sandbox.state import Sandbox

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
