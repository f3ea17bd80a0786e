"""Article bodies pass the one HTML allowlist on every write path: the admin form, ``save()``
from the shell, ``objects.create`` and the importer. Payloads from the OWASP XSS filter evasion
cheat sheet go in; the stored HTML is parsed to prove nothing executable came out."""

import html
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils.html import strip_tags
from hypothesis import given
from hypothesis import strategies as st

from articles.html import has_text, paragraphs_to_html, sanitize_html
from articles.models import Article

from .admin_forms import form_data
from .factories import make_article

pytestmark = pytest.mark.django_db

XSS_PAYLOADS = [
    "<script>alert('XSS')</script>",
    "<SCRIPT SRC=https://xss.rocks/xss.js></SCRIPT>",
    '<SCRIPT/XSS SRC="http://xss.rocks/xss.js"></SCRIPT>',
    '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
    "<SCRIPT SRC=http://xss.rocks/xss.js?< B >",
    '</TITLE><SCRIPT>alert("XSS");</SCRIPT>',
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>',
    '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
    '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105'
    '&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000049&#0000041">',
    "<svg/onload=alert('XSS')>",
    '<svg><script xlink:href="data:,alert(1)"></script></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert('XSS')\">link</a>",
    '<a href="JaVaScRiPt:alert(1)">link</a>',
    '<a href="  javascript:alert(1)">link</a>',
    "<a href=\"jav\tascript:alert('XSS');\">link</a>",
    "<a href=\"jav&#x09;ascript:alert('XSS');\">link</a>",
    "<a href=\"jav&#x0A;ascript:alert('XSS');\">link</a>",
    "<a href=\"jav&#x0D;ascript:alert('XSS');\">link</a>",
    "<a href=\" &#14;  javascript:alert('XSS');\">link</a>",
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;'
    '&#116;&#40;&#49;&#41;">link</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112'
    '&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000049&#0000041">link</a>',
    '<a href="&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28'
    '&#x31&#x29">link</a>',
    '<a href="javascript&colon;alert(1)">link</a>',
    "<a href=\"vbscript:msgbox('XSS')\">link</a>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">link</a>',
    '<a href="https://example.org/" onclick="alert(1)">a real link with a handler</a>',
    '<p onclick="alert(1)">Click me</p>',
    "<strong onmouseover=alert(1)>bold</strong>",
    "<h2 onfocus=alert(1) autofocus tabindex=1>heading</h2>",
    '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    '<INPUT TYPE="IMAGE" SRC="javascript:alert(\'XSS\');">',
    "<iframe src=http://xss.rocks/scriptlet.html <",
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>",
    '<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.rocks/scriptlet.html"></OBJECT>',
    '<EMBED SRC="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">div</DIV>",
    "<p style=\"width: expression(alert('XSS'));\">styled</p>",
    '<LINK REL="stylesheet" HREF="javascript:alert(\'XSS\');">',
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">',
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(2)">go</button></form>',
    "<details open ontoggle=alert(1)>details</details>",
    '<video><source onerror="alert(1)"></video>',
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<XSS STYLE="behavior: url(xss.htc);">',
]

FORBIDDEN_TAGS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "style", "svg", "math", "link",
    "meta", "base", "form", "input", "button", "img", "video", "source", "body",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "background", "data", "xlink:href"}
UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")


class _Inspector(HTMLParser):
    """Collects everything in stored HTML that a browser could execute."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and value:
                # Browsers ignore whitespace and control characters in a URL's scheme.
                scheme = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(value)).lower()
                if scheme.startswith(UNSAFE_SCHEMES):
                    self.found.append(f"{tag}[{name}={value!r}]")

    handle_startendtag = handle_starttag


def executable_parts(stored_html):
    inspector = _Inspector()
    inspector.feed(stored_html)
    inspector.close()
    return inspector.found


def test_the_inspector_finds_the_payloads_before_sanitising():
    # Or the tests below would prove nothing. (Two payloads fool a parser, not only filters.)
    found = [payload for payload in XSS_PAYLOADS if executable_parts(payload)]
    assert len(found) >= len(XSS_PAYLOADS) - 2 >= 30


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_admin_form_stores_no_executable_html(editor_client, payload):
    article = make_article(status=Article.Status.DRAFT)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = {**form_data(editor_client.get(url)), "body": f"<p>Before</p>{payload}<p>After</p>"}

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    stored = Article.objects.get(pk=article.pk).body
    assert executable_parts(stored) == []
    assert "<p>Before</p>" in stored


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_save_from_the_shell_stores_no_executable_html(payload):
    article = Article(headline="Shell", body=payload)
    article.save()
    assert executable_parts(Article.objects.get(pk=article.pk).body) == []


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_objects_create_stores_no_executable_html(payload):
    article = Article.objects.create(headline="Create", body=payload)
    assert executable_parts(Article.objects.get(pk=article.pk).body) == []


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_imported_paragraphs_store_no_executable_html(payload):
    body = paragraphs_to_html(["An ordinary paragraph.", payload])
    article = Article.objects.create(headline="Imported", body=body)
    stored = Article.objects.get(pk=article.pk).body
    assert executable_parts(stored) == []
    # Imported text is text: the payload is shown to readers, not run.
    assert html.unescape(stored) == f"<p>An ordinary paragraph.</p><p>{payload}</p>"


def test_updating_an_existing_article_sanitises_again():
    article = make_article()
    article.body = '<p onclick="steal()">Edited</p><script>steal()</script>'
    article.save()
    assert Article.objects.get(pk=article.pk).body == "<p>Edited</p>"


def test_allowed_markup_is_kept():
    body = (
        "<h2>Sub</h2><p><strong>b</strong> <em>i</em> <s>s</s> "
        '<a href="https://example.org/" title="t">link</a><br>x</p>'
        '<ul><li>one</li></ul><ol start="3"><li>x</li></ol><blockquote><p>q</p></blockquote><hr>'
    )
    article = Article.objects.create(headline="Markup", body=body)
    assert Article.objects.get(pk=article.pk).body == body.replace(
        'title="t">', 'title="t" rel="noopener noreferrer nofollow">'
    )


@pytest.mark.parametrize(
    "href", ["https://example.org/a?b=c", "http://example.org/", "mailto:desk@example.org", "/articles/x/"]
)
def test_safe_links_are_kept(href):
    assert f'href="{html.escape(href)}"' in sanitize_html(f'<p><a href="{href}">link</a></p>')


def test_script_content_is_dropped_not_shown_as_text():
    assert sanitize_html("<p>Hi</p><script>alert(1)</script><style>p{}</style>") == "<p>Hi</p>"


@pytest.mark.parametrize("empty", ["", None, "<p></p>", "<p><br></p>", "<script>x</script>"])
def test_an_empty_editor_stores_an_empty_body(empty):
    assert sanitize_html(empty) == ""


HTML_PIECES = ["<p>", "</p>", "<br>", "<h2>", "<", ">", "&nbsp;", "&#32;", " ", "\n", "\u00a0", "<!--", "-->", "a", "."]


@given(st.lists(st.sampled_from(HTML_PIECES), max_size=12).map("".join))
def test_has_text_agrees_with_stripping_the_tags(value):
    assert has_text(value) == bool(strip_tags(value).strip())


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_has_text_agrees_with_stripping_the_tags_of_hostile_markup(payload):
    assert has_text(payload) == bool(strip_tags(payload).strip())
