"""The API's response shapes: they validate what the views return and make the OpenAPI schema."""

from datetime import datetime
from typing import Literal

from ninja import Field, Schema


class Section(Schema):
    id: int
    name: str
    slug: str
    description: str
    url: str = Field(description="The section's page on the site.")


class AuthorSummary(Schema):
    id: int
    name: str
    slug: str
    url: str


class Author(AuthorSummary):
    job_title: str
    bio: str = Field(description="Plain text.")
    photo: str | None
    website: str
    social_url: str


class Byline(Schema):
    role: str = Field(description="writer, reporting, photos, video, graphics, editing or translation.")
    author: AuthorSummary


class Image(Schema):
    url: str
    width: int | None
    height: int | None
    alt: str
    caption: str
    credit: str


class Correction(Schema):
    id: int
    article_id: int
    kind: Literal["correction", "clarification", "update"]
    text: str = Field(description="Plain text.")
    published_at: datetime


class Article(Schema):
    id: int
    slug: str
    url: str = Field(description="The article's page on the site.")
    headline: str
    summary: str
    body: str = Field(description="Sanitised HTML, or plain text with ?body=text.")
    body_format: Literal["html", "text"]
    section: Section | None
    bylines: list[Byline] = Field(description="In byline order; empty for wire copy with a credit line.")
    credit_line: str
    source_name: str
    source_url: str
    image: Image | None
    published_at: datetime
    updated_at: datetime
    expires_at: datetime | None
    corrections: list[Correction] = Field(description="Oldest first.")


class TickerItem(Schema):
    id: int
    text: str
    url: str | None
    article_id: int | None
    live_story_id: int | None
    live: bool = Field(description="Whether it links to a live story in progress, which the site shows as live.")
    latest_update_at: datetime | None = Field(
        description="For a live story in progress, its newest update's time (its start before the first); else null."
    )
    priority: int = Field(description="0 normal, 10 high, 20 urgent.")
    starts_at: datetime
    expires_at: datetime | None


class Page(Schema):
    next: str | None = Field(description="The next page's URL, or null on the last page.")


class ArticlePage(Page):
    results: list[Article]


class AuthorPage(Page):
    results: list[Author]


class CorrectionPage(Page):
    results: list[Correction]


class SectionList(Schema):
    results: list[Section]


class TickerItemList(Schema):
    results: list[TickerItem]


class Error(Schema):
    detail: str
