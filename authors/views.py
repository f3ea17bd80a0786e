from django.views.generic import DetailView, ListView

from .models import Author


class AuthorListView(ListView):
    model = Author
    paginate_by = 50


class AuthorDetailView(DetailView):
    model = Author
