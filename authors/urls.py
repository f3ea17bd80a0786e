from django.urls import path

from newsroom.cache import cache_public_page

from . import views

app_name = "authors"
urlpatterns = [
    path("", cache_public_page(views.AuthorListView.as_view(), params=("page",)), name="list"),
    path("<slug:slug>/", cache_public_page(views.AuthorDetailView.as_view(), params=("page",)), name="detail"),
]
