"""newsroom.wsgi's application with the answering worker's process id in an ``X-Served-By``
header, for bench/breaking_news.py only: its editor waits until every gunicorn worker has
served an edit. The product's own WSGI entry point never sends it."""

import os

from newsroom.wsgi import application as newsroom_application


def application(environ, start_response):
    def start_response_naming_worker(status, headers, exc_info=None):
        return start_response(status, [*headers, ("X-Served-By", str(os.getpid()))], exc_info)

    return newsroom_application(environ, start_response_naming_worker)
