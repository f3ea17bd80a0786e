"""How much work SQLite did: its virtual machine's steps, counted through the progress handler.
Unlike a time, the count does not move with the machine's load, so a test can say that a query
reads a few rows rather than every row of a range."""

from django.db import connection

STEPS_PER_CALL = 100


def sqlite_steps(function, *args, **kwargs):
    """``(result of function(*args, **kwargs), hundreds of steps SQLite took meanwhile)``."""
    counted = [0]

    def count():
        counted[0] += 1

    connection.ensure_connection()
    connection.connection.set_progress_handler(count, STEPS_PER_CALL)
    try:
        result = function(*args, **kwargs)
    finally:
        connection.connection.set_progress_handler(None, 0)
    return result, counted[0]
