"""The site's URLs, with a stand-in for the species page while the species directory's own is not
there: the API links each species to its page (`species:detail`), whatever that page shows.

Once `species/urls.py` has its `detail` page these are exactly the site's URLs.
"""

from django.http import HttpResponse
from django.urls import include, path

from lagportal.urls import handler500
from lagportal.urls import urlpatterns as site_urlpatterns
from species.urls import urlpatterns as species_urlpatterns

if any(getattr(pattern, "name", None) == "detail" for pattern in species_urlpatterns):
    urlpatterns = site_urlpatterns
else:

    def species_page(request, slug):
        return HttpResponse(slug)

    stand_in = ([path("<slug:slug>/", species_page, name="detail"), *species_urlpatterns], "species")
    urlpatterns = [
        path("species/", include(stand_in)) if getattr(pattern, "namespace", None) == "species" else pattern
        for pattern in site_urlpatterns
    ]

__all__ = ["handler500", "urlpatterns"]
