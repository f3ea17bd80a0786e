"""One JSON object per log line on stderr, which log collectors read without parsing rules."""

import json
import logging
from datetime import UTC, datetime

RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JSONFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in RESERVED and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool | None) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class Throttle(logging.Filter):
    """Lets one record a ``seconds`` through per message, the next one saying how many were
    dropped: while Redis is down every cache call fails, several a page, and each would log a
    traceback."""

    def __init__(self, seconds=10):
        super().__init__()
        self.seconds = seconds
        self.last = {}  # message -> (time let through, records dropped since)

    def filter(self, record):
        key = (record.name, record.msg)
        passed_at, dropped = self.last.get(key, (None, 0))
        if passed_at is not None and record.created - passed_at < self.seconds:
            self.last[key] = (passed_at, dropped + 1)
            return False
        self.last[key] = (record.created, 0)
        if dropped:
            record.dropped = dropped
        return True
