"""Parts of pages rendered once for what they show."""

import pytest
from django.test import override_settings
from django.utils import timezone

from breaking.models import TickerItem
from breaking.tests.factories import make_ticker_item
from newsroom import fragments

TEMPLATES = ("includes/more_top_reads.html",)


@pytest.fixture
def renders(monkeypatch):
    """The contexts rendered, in order."""
    rendered = []
    render = fragments.render_to_string

    def counting(name, context):
        rendered.append(context)
        return render(name, context)

    monkeypatch.setattr(fragments, "render_to_string", counting)
    return rendered


def test_a_part_is_rendered_once_for_what_it_shows(renders):
    first = fragments.render_fragment(TEMPLATES, {"articles": []}, ["nothing"])
    again = fragments.render_fragment(TEMPLATES, {"articles": []}, ["nothing"])

    assert first == again
    assert len(renders) == 1


def test_a_part_showing_something_else_is_rendered_anew(renders):
    fragments.render_fragment(TEMPLATES, {"articles": []}, ["one thing"])
    fragments.render_fragment(TEMPLATES, {"articles": []}, ["another"])

    assert len(renders) == 2


def test_a_part_is_rendered_anew_for_another_time_zone(renders):
    fragments.render_fragment(TEMPLATES, {"articles": []}, ["nothing"])
    with override_settings(TIME_ZONE="Asia/Tokyo"), timezone.override("Asia/Tokyo"):
        fragments.render_fragment(TEMPLATES, {"articles": []}, ["nothing"])

    assert len(renders) == 2


def test_parts_of_one_page_come_in_one_round_trip_and_repeat_without_rendering(renders):
    parts = [({"articles": []}, ["a"]), ({"articles": []}, ["b"]), ({"articles": []}, ["a"])]

    assert len(fragments.render_fragments(TEMPLATES, parts)) == 3
    assert len(renders) == 2


@pytest.mark.django_db
def test_the_ticker_bar_shows_an_edited_item_at_once(client):
    item = make_ticker_item(text="Markets open higher")
    assert "Markets open higher" in client.get("/").text

    TickerItem.objects.filter(pk=item.pk).update(text="Markets open lower")

    assert "Markets open lower" in client.get("/").text


def test_parts_this_process_used_lately_need_no_round_trip_to_the_shared_cache(renders, monkeypatch):
    parts = [({"articles": []}, ["a"]), ({"articles": []}, ["b"])]
    first = fragments.render_fragments(TEMPLATES, parts)
    asked = []
    get_many = fragments.cache.get_many
    monkeypatch.setattr(fragments.cache, "get_many", lambda keys: asked.append(keys) or get_many(keys))

    assert fragments.render_fragments(TEMPLATES, parts) == first
    assert asked == [] and len(renders) == 2
    # Another process (or this one, once they have been dropped) finds them in the shared cache.
    fragments.local_fragments.forget()
    assert fragments.render_fragments(TEMPLATES, parts) == first
    assert len(asked) == 1 and len(renders) == 2


def test_parts_kept_in_this_process_are_bounded_in_size():
    kept = fragments.Recent(lambda: 16 * 1024, share=16)  # as local_fragments, with a smaller limit
    for number in range(200):
        kept.put(f"part-{number}", "x" * 500)
    kept.put("too-big", "x" * 2000)  # over a sixteenth of the whole: not kept

    assert kept.size == sum(len(html) for html in kept.values.values()) <= 16 * 1024
    assert len(kept.values) == 16 * 1024 // 500
    assert kept.get_many(["part-199", "part-0", "too-big"]) == {"part-199": "x" * 500}  # the newest stay
