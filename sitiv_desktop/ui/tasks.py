"""Work off the GUI thread: one single-worker executor for the store, and long tasks with progress.

Everything that touches the local copy goes through ``StoreRunner.run``: the work runs on the one
worker thread (so writes never race each other), its result comes back to the GUI thread by a
signal. Tests build the runner with ``inline=True``: the work then runs at once, on the calling
thread, and tests need no waiting. A write announces itself: the runner notes the tables the
session wrote to (``session.new | dirty | deleted`` at each flush, and each Core insert, update
or delete) and tells the ``ChangeNotifier`` their kinds before the caller's callback runs, so
that no view depends on its caller remembering to say what changed.

Long tasks (a sync, a pack, the demonstration data) are Orange3-style work functions that know
nothing of Qt: ``work(state)`` calls ``state.progress(fraction, text)`` and checks
``state.cancelled``. Work that does not touch the store (rendering a PDF from data already read,
printing it) runs ``background``: on the runner's second executor, so that lists never wait
behind it. The one ``inline`` switch makes both executors run at once on the calling thread.
"""

from __future__ import annotations

import ctypes
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Qt, Signal, SignalInstance
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from sitiv_desktop.domain.kinds import RecordKind
from sitiv_desktop.errors import Cancelled
from sitiv_desktop.progress import Progress

if TYPE_CHECKING:
    # The handle only: the runner opens sessions through it and never reads the store's tables.
    from sitiv_desktop.store.database import Database

log = logging.getLogger(__name__)


def emit(signal: SignalInstance, *args: Any) -> None:
    """Emit ``signal``, giving back the reference PySide6 6.12.0 takes from ``True``.

    That version's ``SignalInstance.emit`` returns ``True`` without a reference of its own, so
    each emit from Python takes one from the interpreter's ``True`` until it aborts with
    « deallocating True or False ». One extra reference to ``True`` is harmless where the bug
    is fixed; every emit in the window goes through here.
    """
    result: object = signal.emit(*args)  # type: ignore[func-returns-value]
    if isinstance(result, bool):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))


T = TypeVar("T")
Success = Callable[[Any], object]
Failure = Callable[[BaseException], None]


class InlineExecutor(Executor):
    """Runs each task at once on the calling thread (tests, like Picard's fake thread pool)."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # handed to the failure callback, like a thread would
            future.set_exception(error)
        return future


class _Relay(QObject):
    """Carries a finished future back to the GUI thread."""

    finished = Signal(object, object, object)


# What a notification names when everything may have changed (a sync, an import, a restore).
ALL = "all"


class ChangeNotifier(QObject):
    """Fired after each save or delete: views reload what they show, nothing polls.

    The signal carries a ``RecordKind``'s value, or ``ALL``.
    """

    changed = Signal(str)

    def notify(self, kind: RecordKind | str) -> None:
        emit(self.changed, str(kind))

    def notify_all(self) -> None:
        emit(self.changed, ALL)


@dataclass(frozen=True)
class _Written:
    """What a write returned, with the kinds of record it wrote."""

    result: Any
    kinds: frozenset[RecordKind]


def _tables_written(session: Session) -> set[str]:
    """Collects, while the session lives, the tables it inserts into, updates or deletes from."""
    tables: set[str] = set()

    def flushed(session: Session, _context: object) -> None:
        for record in (*session.new, *session.dirty, *session.deleted):
            table = getattr(record, "__table__", None)
            if table is not None:
                tables.add(table.name)

    def executed(state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            table = getattr(state.statement, "table", None)
            if table is not None:
                tables.add(table.name)

    event.listen(session, "after_flush", flushed)
    event.listen(session, "do_orm_execute", executed)
    return tables


class StoreRunner(QObject):
    """The one queue of work on the local copy; callbacks run on the GUI thread."""

    failed = Signal(object)

    def __init__(
        self, database: Database, inline: bool = False, notifier: ChangeNotifier | None = None
    ) -> None:
        super().__init__()
        self.database = database
        self.inline = inline
        self.notifier = notifier if notifier is not None else ChangeNotifier()
        self._executor: Executor = (
            InlineExecutor() if inline else ThreadPoolExecutor(1, thread_name_prefix="store")
        )
        self._background: Executor = (
            InlineExecutor() if inline else ThreadPoolExecutor(2, thread_name_prefix="background")
        )
        self._relay = _Relay()
        self._relay.finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._closed = False

    @property
    def executor(self) -> Executor:
        return self._executor

    @property
    def background(self) -> Executor:
        """For work that reads nothing from the store: rendering, printing, waiting on the
        network. Two workers, so that a print does not wait for a render."""
        return self._background

    def read(
        self,
        work: Callable[[Session], T],
        success: Callable[[T], object],
        failure: Failure | None = None,
    ) -> None:
        """Run ``work`` with a read session; ``success`` receives what it returned."""
        self._submit(lambda: self._in_read(work), success, failure)

    def write(
        self,
        work: Callable[[Session], T],
        success: Callable[[T], object],
        failure: Failure | None = None,
    ) -> None:
        """Run ``work`` with a writing session, committed when it returns; the notifier is told
        the kinds of record it wrote, then ``success`` receives what it returned."""

        def announced(written: _Written) -> None:
            for kind in sorted(written.kinds):
                self.notifier.notify(kind)
            success(written.result)

        self._submit(lambda: self._in_write(work), announced, failure)

    def _in_read(self, work: Callable[[Session], T]) -> T:
        with self.database.read_session() as session:
            return work(session)

    def _in_write(self, work: Callable[[Session], T]) -> _Written:
        with self.database.session() as session:
            tables = _tables_written(session)
            result = work(session)
        kinds = {RecordKind.of_table(table) for table in tables}
        return _Written(result, frozenset(kind for kind in kinds if kind is not None))

    def _submit(self, call: Callable[[], Any], success: Success, failure: Failure | None) -> None:
        if self._closed:
            return
        future = self._executor.submit(call)
        if self.inline:
            self._deliver(future, success, failure)
        else:
            future.add_done_callback(
                lambda done: emit(self._relay.finished, done, success, failure)
            )

    def _deliver(self, future: Future[Any], success: Success, failure: Failure | None) -> None:
        if self._closed:
            return
        error = future.exception()
        if error is None:
            success(future.result())
        elif failure is not None:
            failure(error)
        else:
            emit(self.failed, error)

    def close(self) -> None:
        """Finish the work queued, then stop delivering results (the window is going away)."""
        self._closed = True
        self._executor.shutdown(wait=True)
        self._background.shutdown(wait=True)


@dataclass
class TaskState:
    """What a work function sees: a progress callback and a cancel flag."""

    report: Progress
    _cancel: threading.Event = field(default_factory=threading.Event)

    def progress(self, fraction: float, text: str = "") -> None:
        if self._cancel.is_set():
            raise Cancelled()
        self.report(fraction, text)

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()


class LongTask(QObject):
    """A long work function in its own thread, reporting by signals: progressed, finished, failed.

    Given a runner, it queues on the store's worker, or on the runner's background executor when
    ``background``; a runner built ``inline`` runs it at once on the calling thread (tests).
    Without a runner it gets a thread of its own.
    """

    progressed = Signal(float, str)
    finished = Signal(object)
    failed = Signal(object)
    _done = Signal(object, object)

    def __init__(
        self,
        work: Callable[[TaskState], Any],
        runner: StoreRunner | None = None,
        parent: QObject | None = None,
        background: bool = False,
    ) -> None:
        super().__init__(parent)
        self.work = work
        self.runner = runner
        self.background = background
        self.state = TaskState(report=lambda fraction, text: emit(self.progressed, fraction, text))
        self._done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._thread: threading.Thread | None = None
        self._future: Future[None] | None = None

    def start(self) -> None:
        """Work touching the store queues on the store runner (inline in tests); other work
        (building a PDF from records already read) gets a thread of its own."""
        if self.runner is not None and self.runner.inline:
            result, error = self._run()
            self._deliver(result, error)
        elif self.runner is not None:
            executor = self.runner.background if self.background else self.runner.executor
            self._future = executor.submit(self._in_thread)
        else:
            self._thread = threading.Thread(target=self._in_thread, name="long-task", daemon=True)
            self._thread.start()

    def _run(self) -> tuple[Any, BaseException | None]:
        try:
            return self.work(self.state), None
        except BaseException as error:
            return None, error

    def _in_thread(self) -> None:
        result, error = self._run()
        emit(self._done, result, error)

    def _deliver(self, result: Any, error: BaseException | None) -> None:
        if error is None:
            emit(self.finished, result)
        else:
            emit(self.failed, error)

    def cancel(self) -> None:
        self.state.cancel()

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)
        if self._future is not None:
            self._future.result(timeout)
