"""Static files as WhiteNoise stores them (compressed, under hashed names), with each file's
address worked out once per process."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """The manifest does not change while the process runs, and every page links to its
    stylesheet, script, icons and card images: looking each one up costs more than a query."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = {}

    def url(self, name, force=False):
        try:
            return self._urls[name, force]
        except KeyError:
            url = self._urls[name, force] = super().url(name, force)
            return url
