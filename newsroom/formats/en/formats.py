"""The one way the site writes a date and a time for people, on public pages and in the admin:
"29 November 2026" and "29 November 2026, 03:56 UTC", in the newsroom's time zone. Templates
write ``{{ value|date:"DATETIME_FORMAT" }}`` and Python ``newsroom.dates.when()``; machines read
ISO 8601 (``machine_time``, feeds, sitemaps, the API)."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i T"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
