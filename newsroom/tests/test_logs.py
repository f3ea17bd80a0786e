"""Logs: one JSON object a line, and a Redis outage that does not flood them."""

import json
import logging

from newsroom.logs import Throttle

CACHE_WITHOUT_REDIS = """
import django; django.setup()
from django.core.cache import cache
for number in range(50):
    assert cache.get(f"key-{number}") is None
    cache.set(f"key-{number}", number)
"""


def test_a_redis_outage_logs_one_traceback_not_one_per_call(run_django):
    result = run_django(code=CACHE_WITHOUT_REDIS, env={"REDIS_URL": "redis://127.0.0.1:1/0"})
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    redis_lines = [line for line in lines if line["logger"] == "newsroom.redis"]
    assert len(redis_lines) == 1
    assert redis_lines[0]["level"] == "ERROR" and "ConnectionError" in redis_lines[0]["exception"]


def record(created, message="Exception ignored"):
    entry = logging.LogRecord("newsroom.redis", logging.ERROR, __file__, 1, message, (), None)
    entry.created = created
    return entry


def test_throttle_lets_one_record_through_per_interval_and_counts_the_rest():
    throttle = Throttle(seconds=10)
    assert throttle.filter(record(100.0))
    assert not throttle.filter(record(101.0))
    assert not throttle.filter(record(109.9))
    assert throttle.filter(record(100.5, "Another message"))
    later = record(110.0)
    assert throttle.filter(later)
    assert later.dropped == 2
