"""The embedded mode's broker: kombu's SQLAlchemy transport on a SQLite file, polled promptly.

kombu's virtual transports cannot be woken: a worker asks each queue for a message and, when
none gives one, sleeps `polling_interval` (1 s by default) before asking again. With
`worker_prefetch_multiplier=1` the worker also gets "nothing" while each of its processes holds
a job, and sleeps just the same, so after every job a process idled out the rest of the second:
one job per process per second, however short the jobs (the probe's 2 jobs/s).

This transport tells the two apart. Every slot busy: check again after `BUSY_CHECK_S`, which
costs no query (the prefetch count is in memory), so a freed process gets its next job at once.
Queues empty: query again after `POLLING_INTERVAL_S`, which bounds how long a job submitted to
an idle worker waits, at the price of a transaction per queue per interval on the broker's own
file; an idle worker's CPU grows as the interval shrinks, and a tenth of a second keeps pickup
well under the half second a reader would notice.

The interval cannot be given as the `polling_interval` transport option: the SQLAlchemy
transport passes every option it does not know on to `create_engine`, which refuses it.
"""

from __future__ import annotations

import time
from queue import Empty
from typing import Any

from kombu.transport import sqlalchemy
from sqlalchemy import event

POLLING_INTERVAL_S = 0.1
BUSY_CHECK_S = 0.005


class SqliteBrokerChannel(sqlalchemy.Channel):
    def _engine_from_config(self) -> Any:
        engine = super()._engine_from_config()
        event.listen(engine, "connect", _write_ahead_log)
        return engine


def _write_ahead_log(connection: Any, _: Any) -> None:
    """WAL: a commit syncs one log file, where the default rollback journal syncs the journal
    and the database each time (every delivery is a commit); and the API's enqueueing no longer
    blocks the worker's reads. `synchronous` stays FULL: a committed message survives a power
    loss."""
    connection.execute("PRAGMA journal_mode = WAL")


class SqliteBrokerTransport(sqlalchemy.Transport):
    Channel = SqliteBrokerChannel
    polling_interval = POLLING_INTERVAL_S

    def drain_events(self, connection: Any, timeout: float | None = None, **_: Any) -> None:
        """Deliver one message, waiting at most `timeout` (then TimeoutError, alias
        socket.timeout, as kombu's own loop does: Celery's worker loop expects exactly that)."""
        assert self.cycle is not None  # made by the transport's __init__
        started = time.monotonic()
        while True:
            try:
                self.cycle.get(self._deliver, timeout=timeout)
                return
            except Empty:
                if timeout is not None and time.monotonic() - started >= timeout:
                    raise TimeoutError() from None
                time.sleep(BUSY_CHECK_S if self._all_slots_busy() else self.polling_interval)

    def _all_slots_busy(self) -> bool:
        consuming = [channel for channel in self.channels if channel._consumers]
        return bool(consuming) and not any(channel.qos.can_consume() for channel in consuming)
