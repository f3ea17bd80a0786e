"""Who else has an article's change form open. Rendering the form counts its user as present
(``notice``, from ArticleAdmin.render_change_form); while the page stays open and visible, static/js/presence.js
says so every POLL_SECONDS through ``heartbeat`` and redraws the notice from the answer, and
leaving the page takes its user off. Everything is in the database, so every process sees it."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.timesince import timesince
from django.views.decorators.http import require_http_methods

from .models import Article, ArticlePresence

POLL_SECONDS = 15
# Someone counts as present this long after the page last said so: a few missed polls.
PRESENT_FOR = timedelta(seconds=60)
# Rows older than this are deleted; until then someone who comes back keeps their opening time.
FORGET_AFTER = timedelta(minutes=5)


@dataclass(frozen=True)
class Present:
    """Someone else with the form open, as the notice names them."""

    user_id: int
    name: str
    opened_at: datetime

    def opened(self, now):
        if now - self.opened_at < timedelta(minutes=1):
            return "opened just now"
        return f"opened {timesince(self.opened_at, now, depth=1)} ago"

    def as_json(self, now):
        return {
            "user": self.user_id,
            "name": self.name,
            "opened_at": self.opened_at.isoformat(),
            "opened": self.opened(now),
        }


def record(*, article, user):
    """Count ``user`` as having ``article``'s form open now, forgetting the article's old rows
    (a few at most); returns the time written, which ``leave`` takes as ``seen``."""
    now = timezone.now()
    ArticlePresence.objects.filter(article=article, last_seen__lt=now - FORGET_AFTER).delete()
    # One statement, safe when two requests of the same user race: an existing row only gets
    # its last_seen moved on.
    ArticlePresence.objects.bulk_create(
        [ArticlePresence(article=article, user=user, opened_at=now, last_seen=now)],
        update_conflicts=True,
        unique_fields=["article", "user"],
        update_fields=["last_seen"],
    )
    return now


def others(*, article, user, now):
    """The other active staff who had ``article``'s form open within PRESENT_FOR of ``now``."""
    rows = (
        ArticlePresence.objects.filter(
            article=article, last_seen__gte=now - PRESENT_FOR, user__is_active=True, user__is_staff=True
        )
        .exclude(user=user)
        .select_related("user")
    )
    return [Present(row.user_id, display_name(row.user), row.opened_at) for row in rows]


def leave(*, article, user, seen=None):
    """Take ``user`` off ``article``. With ``seen`` (the time the leaving page last wrote), a
    newer write wins: reloading the page, or another tab with the same form, keeps the user on."""
    rows = ArticlePresence.objects.filter(article=article, user=user)
    if seen is not None:
        rows = rows.filter(last_seen__lte=seen)
    rows.delete()


def aware_time(text):
    """``text`` as a time with its offset, or None if it is not one."""
    try:
        moment = parse_datetime(text)
    except ValueError:
        return None
    return moment if moment is not None and timezone.is_aware(moment) else None


def display_name(user):
    full_name = user.get_full_name()
    return f"{full_name} ({user.username})" if full_name else user.username


@require_http_methods(["POST", "DELETE"])
def heartbeat(request, pk, *, model_admin):
    """POST: the page is still open; answers with the others present. DELETE, or POST with
    ``leaving=1`` (sent as the page goes away): the page is closed."""
    # Staff who may not see articles at all learn nothing, not even which ids exist.
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    article = get_object_or_404(Article, pk=pk)
    if not model_admin.has_view_or_change_permission(request, article):
        raise PermissionDenied
    params = request.GET if request.method == "DELETE" else request.POST
    if request.method == "DELETE" or params.get("leaving") == "1":
        seen = params.get("seen") or None
        if seen is not None:
            seen = aware_time(seen)
            if seen is None:
                return HttpResponseBadRequest("seen must be a time as the heartbeat gave it.")
        leave(article=article, user=request.user, seen=seen)
        return HttpResponse(status=204)
    now = record(article=article, user=request.user)
    present = others(article=article, user=request.user, now=now)
    return JsonResponse({"seen": now.isoformat(), "others": [other.as_json(now) for other in present]})


def notice(*, article, user):
    """Count ``user`` as present on ``article``'s form; what the notice shows: the others
    present, and what its script needs to keep it current."""
    now = record(article=article, user=user)
    return {
        "others": [other.as_json(now) for other in others(article=article, user=user, now=now)],
        "seen": now.isoformat(),
        "poll_seconds": POLL_SECONDS,
    }
