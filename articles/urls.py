from django.urls import path

from . import views

app_name = "articles"
urlpatterns = [
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("sections/<slug:slug>/", views.SectionDetailView.as_view(), name="section"),
]
