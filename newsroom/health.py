"""The database check behind /healthz, with a deadline.

A database that is stopped refuses connections at once, but one that accepts them and never
answers (a frozen server, a network that drops packets) would hold a plain ``SELECT 1`` for as
long as TCP keeps trying. So the check runs in a thread of its own with its own connection, and
the caller waits at most ``timeout`` seconds for it. One check runs at a time per process: callers
arriving while it is still waiting share it, so a hung database never piles up threads."""

import threading

from django.db import connection


class DatabaseProbe:
    def __init__(self):
        self.lock = threading.Lock()
        self.pending = None

    def problem(self, timeout):
        """None when the database answered within ``timeout`` seconds, otherwise what went wrong."""
        with self.lock:
            if self.pending is None or self.pending.finished.is_set():
                self.pending = _Check()
            check = self.pending
        if not check.finished.wait(timeout):
            return f"no answer within {timeout} s"
        return check.error


class _Check:
    def __init__(self):
        self.finished = threading.Event()
        self.error = None
        threading.Thread(target=self.run, name="database-probe", daemon=True).start()

    def run(self):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except Exception as error:  # any failure to answer is the answer
            self.error = str(error) or type(error).__name__
        finally:
            connection.close()  # this thread's own connection
            self.finished.set()


database_probe = DatabaseProbe()
