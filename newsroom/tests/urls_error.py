"""A URLconf with views that fail, to show the 500 and 503 pages."""

from django.db import OperationalError
from django.urls import path


def broken(request):
    raise ZeroDivisionError("secret internal detail")


def database_gone(request):
    raise OperationalError('connection to server at "10.0.0.5", port 5432 failed: secret internal detail')


urlpatterns = [path("broken/", broken), path("database-gone/", database_gone)]
handler500 = "newsroom.views.server_error"
