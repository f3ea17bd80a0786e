from django.shortcuts import redirect
from django.views.generic import DetailView

from .models import Article, Section, SlugRedirect


class ArticleDetailView(DetailView):
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().select_related("section")

    def get(self, request, *args, **kwargs):
        slug = kwargs["slug"]
        if not self.get_queryset().filter(slug=slug).exists():
            moved = SlugRedirect.objects.filter(old_slug=slug, article__in=self.get_queryset()).first()
            if moved:
                return redirect(moved.article, permanent=True)
        return super().get(request, *args, **kwargs)


class SectionDetailView(DetailView):
    model = Section

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["articles"] = Article.objects.published().filter(section=self.object)[:20]
        return context
