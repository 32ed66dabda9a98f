"""The job runtime: dramatiq actors that ring a doorbell, and the event loop that does the work.

Actors take ids and run the async service step on the runtime's event loop (the server's loop in
embedded mode, a dedicated loop in ``storno worker``), so one database engine and pool serve both.
The database is the source of truth for pending work: :meth:`Runtime.sweep` re-enqueues whatever
is due and not running, so nothing is lost when the in-process broker's queue dies with a restart.

Actor names follow ``area.verb``: ``submission.step``, ``sync.company``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import dramatiq
from dramatiq.brokers.stub import StubBroker

__all__ = ["Runtime", "make_broker"]

log = logging.getLogger("storno.worker")
STEP_TIMEOUT = 300.0


def make_broker(url: str) -> dramatiq.Broker:
    """Redis broker for ``redis://…`` (distributed mode), else the in-process stub broker."""
    if url.startswith(("redis://", "rediss://")):
        from dramatiq.brokers.redis import RedisBroker

        return RedisBroker(url=url)
    if url.startswith("amqp://"):
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        return RabbitmqBroker(url=url)
    broker = StubBroker()
    broker.emit_after("process_boot")  # else dramatiq's time limits never fire in-process
    return broker


class Runtime:
    """Actors bound to ``broker`` whose bodies run ``handlers[name](*args)`` on ``loop``.

    ``handlers`` maps actor names to async callables; ``due`` lists (actor, args) whose work is
    due now (the sweep). ``workers`` threads consume the broker when :meth:`start_workers` runs.
    """

    def __init__(
        self,
        broker: dramatiq.Broker,
        loop: asyncio.AbstractEventLoop,
        handlers: dict[str, Callable[..., Awaitable[Any]]],
        due: Callable[[], Awaitable[list[tuple[str, tuple[Any, ...]]]]],
    ) -> None:
        self.broker = broker
        self.loop = loop
        self.handlers = handlers
        self.due = due
        self.actors: dict[str, dramatiq.Actor] = {}
        self.worker: dramatiq.Worker | None = None
        for name in handlers:
            self.actors[name] = dramatiq.actor(self._body(name), actor_name=name, broker=broker, max_retries=0, time_limit=int(STEP_TIMEOUT * 1000))

    def _body(self, name: str) -> Callable[..., None]:
        def run(*args: Any) -> None:
            future = asyncio.run_coroutine_threadsafe(self.handlers[name](*args), self.loop)
            try:
                future.result(timeout=STEP_TIMEOUT)
            except Exception:
                log.exception("job %s%r failed; the sweep will retry what is still due", name, args)

        run.__name__ = name.replace(".", "_")
        return run

    def enqueue(self, name: str, *args: Any) -> None:
        """Ring the doorbell for ``name(*args)`` (call after the transaction committed)."""
        try:
            self.actors[name].send(*args)
        except Exception:  # the broker is a doorbell: the sweep finds the work anyway
            log.warning("could not enqueue %s%r; the sweep will pick it up", name, args, exc_info=True)

    def start_workers(self, threads: int = 2) -> None:
        """Consume the broker in ``threads`` worker threads of this process."""
        self.worker = dramatiq.Worker(self.broker, worker_threads=threads, worker_timeout=100)
        self.worker.start()

    def stop(self) -> None:
        """Stop the worker threads (else the process hangs at exit)."""
        if self.worker is not None:
            self.worker.stop(timeout=5000)
            self.worker = None

    async def sweep(self) -> int:
        """Enqueue every due piece of work once; returns how many."""
        items = await self.due()
        for name, args in items:
            self.enqueue(name, *args)
        return len(items)

    async def sweep_forever(self, interval: float = 1.0) -> None:
        """Run :meth:`sweep` every ``interval`` seconds until cancelled."""
        while True:
            try:
                await self.sweep()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("scheduler sweep failed")
            await asyncio.sleep(interval)
