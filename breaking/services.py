"""Writes to live coverage that touch more than one row: posting an update (the update, its
authors, the story's latest-update time and a revision) and removing one."""

import reversion
from django.db import transaction
from django.utils import timezone

from authors.models import Author

from .models import LiveStory, LiveUpdate


class UpdateRefused(Exception):
    """The story takes no updates now (it has ended)."""


@transaction.atomic
def post_update(
    *, story, user, title="", body="", image=None, image_alt="", pinned=False, key_event=False, authors=None
):
    """Post an update to ``story`` now, credited to ``authors`` (by default the poster's own
    author profile, if they have one). Readers see it at once if the story is public."""
    story = LiveStory.objects.select_for_update().get(pk=story.pk)
    if not story.accepts_updates():
        raise UpdateRefused(f"“{story}” has ended: it takes no more updates.")
    update = LiveUpdate(
        story=story, title=title, body=body, image=image or "", image_alt=image_alt, pinned=pinned,
        key_event=key_event, posted_by=user, posted_at=timezone.now(),
    )  # fmt: skip
    update.full_clean()
    with reversion.create_revision():
        update.save()
        if authors is None:
            authors = Author.objects.filter(user=user) if user is not None else []
        update.authors.set(authors)
        reversion.set_user(user)
        reversion.set_comment("Posted.")
    LiveStory.objects.filter(pk=story.pk).update(last_posted_at=update.posted_at)
    return update


@transaction.atomic
def record_edit(*, update, user):
    """Save an edited update, marked as edited by ``user`` now (readers see "Edited")."""
    update.edited_at = timezone.now()
    update.edited_by = user
    update.save()
    return update


@transaction.atomic
def remove_update(*, update, user):
    """Take an update down: the row stays, marked removed, and readers see that it was removed
    where it was. Its revisions keep what it said."""
    if update.deleted_at is not None:
        return update
    update.deleted_at = timezone.now()
    update.deleted_by = user
    with reversion.create_revision():
        update.save(update_fields=["deleted_at", "deleted_by"])
        reversion.set_user(user)
        reversion.set_comment("Removed.")
    return update
