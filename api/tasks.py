"""Background tasks (django-tasks): plain functions in api/webhooks.py and api/events.py."""

from django_tasks import task

from . import events, webhooks


@task()
def dispatch_event(event_pk):
    webhooks.dispatch(event_pk)


@task()
def deliver(delivery_pk):
    webhooks.deliver(delivery_pk)


@task()
def check_state(object_type, pk):
    events.check_state(object_type, pk)


@task()
def check_states(object_type, pks):
    events.check_states(object_type, pks)
