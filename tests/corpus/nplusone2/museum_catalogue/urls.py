from django.contrib.sitemaps.views import sitemap
from django.http import HttpResponse
from django.urls import path

from .feeds import NewAcquisitionsAtomFeed, NewAcquisitionsFeed
from .sitemaps import sitemaps

app_name = "museum"


def placeholder(request, **kwargs):
    return HttpResponse("")


urlpatterns = [
    path("collections/<slug:slug>/", placeholder, name="collection"),
    path("collections/<slug:collection>/<slug:slug>/", placeholder, name="artwork"),
    path("exhibitions/<slug:slug>/", placeholder, name="exhibition"),
    path("acquisitions/rss/", NewAcquisitionsFeed(), name="acquisitions-rss"),
    path("acquisitions/atom/", NewAcquisitionsAtomFeed(), name="acquisitions-atom"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
]
