"""Fixtures for the articles tests: a client logged in as each newsroom role."""

import pytest
from django.test import Client

from .factories import make_user


@pytest.fixture
def login(db):
    """``login("Editor")`` is a client logged in as a new user with that role; ``login("superuser")``
    as a superuser, ``login("staff")`` as staff with no role, ``login(None)`` as a visitor."""

    def log_in(role):
        client = Client()
        if role == "superuser":
            client.force_login(make_user(is_staff=True, is_superuser=True))
        elif role == "staff":
            client.force_login(make_user(is_staff=True))
        elif role is not None:
            client.force_login(make_user(role))
        return client

    return log_in


@pytest.fixture
def editor_client(login):
    return login("Editor")


@pytest.fixture
def reporter_client(login):
    return login("Reporter")
