from django.db import models


class PagePurge(models.Model):
    """One purge of the page cache: the tags (things pages show) that a change made stale.
    Written once the change has committed, so that a page rendered after ``purged_at`` shows
    it; every app process reads the new rows at most every PAGE_CACHE_RECHECK_SECONDS."""

    tags = models.TextField(help_text="Space-separated tags; “*” is every page.")
    purged_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"Purge {self.pk}: {self.tags}"
