"""The site's URLconf under /moved/, to show that remembered addresses follow a changed URLconf."""

from django.urls import include, path

urlpatterns = [path("moved/", include("newsroom.urls"))]
