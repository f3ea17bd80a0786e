"""A URLconf with a view that fails, to show the 500 page."""

from django.urls import path


def broken(request):
    raise ZeroDivisionError("secret internal detail")


urlpatterns = [path("broken/", broken)]
