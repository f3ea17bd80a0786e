"""Read an admin page's form the way a browser would submit it, so tests can change a field or
two and POST everything else as it was, inline management forms included."""

from html.parser import HTMLParser

from django.contrib.messages import get_messages
from django.urls import reverse


class _FormReader(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data = {}
        self._select = None
        self._multiple = False
        self._options = []
        self._textarea = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        name = attrs.get("name")
        if tag == "option" and self._select:
            self._options.append((attrs.get("value") or "", "selected" in attrs))
            return
        if not self.inside or not name or "__prefix__" in name or "disabled" in attrs:
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self._add(name, attrs.get("value", "on"))
                return
            self._add(name, attrs.get("value") or "")
        elif tag == "select":
            self._select = name
            self._multiple = "multiple" in attrs
            self._options = []
        elif tag == "textarea":
            self._textarea = name
            self._text = []

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            chosen = [value for value, selected in self._options if selected]
            if not chosen and self._options and not self._multiple:
                chosen = [self._options[0][0]]  # what a browser submits when nothing is selected
            for value in chosen:
                self._add(self._select, value)
            self._select = None
        elif tag == "textarea" and self._textarea:
            self._add(self._textarea, "".join(self._text).removeprefix("\n"))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)


def form_data(response, form_id=None):
    """The fields of the admin form in ``response`` (the change form unless ``form_id``), as a
    dict ready for ``client.post``: single values as strings, multiple values as lists."""
    opts = response.context["opts"]
    reader = _FormReader(form_id or f"{opts.model_name}_form")
    reader.feed(response.content.decode())
    return {name: values[0] if len(values) == 1 else values for name, values in reader.data.items()}


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def edit(client, article, **changes):
    """Load the article's change form, change some fields and save it, as an editor would."""
    url = change_url(article)
    return client.post(url, {**form_data(client.get(url)), **changes})


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def row_containing(response, text):
    """The changelist table row (its HTML) that contains ``text``."""
    body = response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    (row,) = [row for row in body.split("</tr>") if f">{text}<" in row]
    return row
