"""The :class:`Sandbox`: every part of one sandbox instance, reachable as ``app.state.sandbox``."""

from __future__ import annotations

import random
import uuid
from datetime import datetime

import httpx

from connector.api.models import (
    OrderStatus,
    OrderSubmission,
    SandboxState,
    WebhookEvent,
    WebhookSubscription,
)
from connector.sandbox import lifecycle, orders
from connector.sandbox.auth import SandboxAuth
from connector.sandbox.clock import SandboxClock
from connector.sandbox.config import SandboxConfig
from connector.sandbox.faults import FaultRules
from connector.sandbox.references import StoreReferences
from connector.sandbox.seed import seed
from connector.sandbox.store import Document, Store, Table
from connector.sandbox.webhooks import WebhookDispatcher


class Sandbox:
    """One sandbox: configuration, clock, store, authentication, faults and webhooks.

    Tests reach it as ``app.state.sandbox`` to look inside, e.g.
    ``sandbox.store.count("customer_order_submissions")``.

    Args:
        config: the sandbox configuration.
        clock: the sandbox clock.
        webhook_transport: an ``httpx`` transport for webhook deliveries (tests); ``None``
            delivers over the network.

    Attributes:
        config: the configuration it was made with.
        clock: its clock.
        store: its records (seeded if ``config.seed`` and the store was empty).
        references: reference-data lookups for validation.
        auth: the OAuth endpoints and the credential check.
        faults: the fault rules in force.
        webhooks: the dispatcher that delivers webhook events.
    """

    def __init__(
        self,
        config: SandboxConfig,
        clock: SandboxClock,
        *,
        webhook_transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.config = config
        self.clock = clock
        self.store = Store(config.data_path)
        self.references = StoreReferences(self.store)
        self.auth = SandboxAuth(config, clock)
        self.faults = FaultRules(config.faults, config.random_seed)
        self._webhook_transport = webhook_transport
        self.webhooks = self._new_dispatcher()
        self._dispatcher_started = False
        self._random = random.Random(config.random_seed)
        if config.seed:
            seed(self.store, organization_id=config.organization_id)

    def __repr__(self) -> str:
        where = self.config.data_path or "memory"
        return f"<Sandbox organization={self.config.organization_name!r} store={where}>"

    def start(self) -> None:
        """Start webhook delivery (the app's startup does this)."""
        if self._dispatcher_started:
            # A dispatcher runs once; an app started again (a second test client) gets a new one.
            self.webhooks = self._new_dispatcher()
        self.webhooks.start()
        self._dispatcher_started = True

    def stop(self) -> None:
        """Stop webhook delivery (the app's shutdown does this); undelivered events are dropped."""
        self.webhooks.stop()

    def tick(self) -> list[orders.Transition]:
        """Move every order whose next lifecycle step is due by the sandbox clock."""
        transitions = orders.advance_due_orders(
            self.store, self.config.lifecycle, now=self.clock.now(), rng=self._random
        )
        self._publish(transitions)
        return transitions

    def submit_order(self, submission: OrderSubmission) -> Document:
        """Store a new order (Pending) and return it."""
        return orders.submit_order(
            self.store,
            submission,
            organization_id=self.config.organization_id,
            now=self.clock.now(),
        )

    def advance_order(self, order_id: int, target: OrderStatus | None = None) -> Document:
        """Move an order on by hand (default: to its next status) and return it.

        Raises:
            SandboxHTTPError: 404 for an unknown order, 409 when it cannot move to ``target``.
        """
        transitions = orders.advance_order(
            self.store, order_id, target, now=self.clock.now(), rng=self._random
        )
        self._publish(transitions)
        return transitions[-1].order

    def advance_clock(self, seconds: float) -> datetime:
        """Move the sandbox clock forward, then move the orders that became due."""
        now = self.clock.advance(seconds)
        self.tick()
        return now

    def reset(self) -> None:
        """Back to the state of a new sandbox: the seeded store and the configured faults.

        The clock does not move back, and OAuth tokens stay valid.
        """
        with self.store.transaction():
            self.store.clear()
            if self.config.seed:
                seed(self.store, organization_id=self.config.organization_id)
        self.faults.set(self.config.faults)

    def state(self) -> SandboxState:
        """The sandbox clock and the number of records per table."""
        return SandboxState(now=self.clock.now(), counts=self.store.counts())

    def close(self) -> None:
        """Release the store; call once the app has stopped."""
        self.store.close()

    def _new_dispatcher(self) -> WebhookDispatcher:
        return WebhookDispatcher(
            self.config.webhooks, self.clock, transport=self._webhook_transport
        )

    def _publish(self, transitions: list[orders.Transition]) -> None:
        if not transitions:
            return
        subscriptions = [
            WebhookSubscription.model_validate(doc) for doc in self.store.all(Table.WEBHOOKS)
        ]
        for transition in transitions:
            for name in lifecycle.events_on_entering(transition.status):
                event = WebhookEvent(
                    id=f"evt_{uuid.uuid4().hex}",
                    event=name,
                    created_at=self.clock.now(),
                    data=transition.order,
                )
                for subscription in subscriptions:
                    if name in subscription.events:
                        self.webhooks.publish(subscription, event)
