"""The progress line of a long import: files done of the total, pages per second and the time
left, redrawn in place on a terminal. A few lines of our own: the libraries that do this draw
bars and take over the terminal, and all an import needs is one line that a log never sees."""

import time

CLEAR_LINE = "\r\x1b[K"


class Progress:
    """Draws ``done/total`` on ``write`` (a function taking text) when ``on_terminal``, at most
    once every ``interval`` seconds, and always when the last file is done. Off a terminal it
    writes nothing at all."""

    def __init__(self, total, *, write, on_terminal, interval=0.5, clock=time.monotonic):
        self.total = total
        self.done = 0
        self._write = write
        self._on = on_terminal and total > 0
        self._interval = interval
        self._clock = clock
        self._started = clock()
        self._drawn_at = None

    def advance(self, count):
        self.done += count
        if not self._on:
            return
        now = self._clock()
        if self._drawn_at is not None and now - self._drawn_at < self._interval and self.done < self.total:
            return
        self._drawn_at = now
        self._write(CLEAR_LINE + self.line(now - self._started))

    def line(self, elapsed):
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = f"{_duration((self.total - self.done) / rate)} left" if rate else "time left unknown"
        return f"{self.done:,}/{self.total:,} files, {rate:,.0f} pages/s, {left}"

    def clear(self):
        """Wipe the line so that another message can be written on its own line."""
        if self._on and self._drawn_at is not None:
            self._write(CLEAR_LINE)
            self._drawn_at = None

    def finish(self):
        self.clear()


def _duration(seconds):
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
