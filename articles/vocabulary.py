"""The words of an article as the search vocabulary holds them (migration 0014): what SQLite's
``search_words()`` returns to the trigger that fills the vocabulary. Pure Python, with no
Django imports, so that the importer's reading worker (articles.seed_files) can compute each
page's words beside the parsing rather than the process that writes them."""

import json
import re

# A word as both indexes see one: letters and digits; everything else separates words.
WORD = re.compile(r"[^\W_]+")
TAG = re.compile(r"<[^>]+>")
ENTITY = re.compile(r"&#?[a-zA-Z0-9]+;")
# Longer "words" (a URL's run of letters, a hash) are not worth proposing.
MAX_WORD_LENGTH = 50


def indexed_words(*texts):
    """The distinct words of ``texts`` (plain text, or the body's sanitised HTML) as a JSON
    array, lowercased, for the vocabulary. The tags and entities of HTML are not words, as
    PostgreSQL's trigger has it."""
    words = set()
    for text in texts:
        words.update(WORD.findall(ENTITY.sub(" ", TAG.sub(" ", text or "")).lower()))
    return json.dumps(sorted(word for word in words if len(word) <= MAX_WORD_LENGTH))
