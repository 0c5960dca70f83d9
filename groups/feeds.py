"""Each group's updates as an Atom feed, for feed readers and other sites."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from lagportal.lib.markdown import render_markdown

from .models import LocalActionGroup

UPDATES_IN_FEED = 20


class GroupUpdatesFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug):
        return get_object_or_404(LocalActionGroup.objects.active().without_geometry(), slug=slug)

    def title(self, group):
        return _("%(group)s: updates") % {"group": group.name}

    def subtitle(self, group):
        return group.summary

    def link(self, group):
        return group.get_absolute_url()

    def feed_url(self, group):
        return reverse("groups:update_feed", args=[group.slug])

    def author_name(self, group):
        return group.name

    def items(self, group):
        # Through the group, so each update knows its group (for its link) without a query.
        return group.updates.published()[:UPDATES_IN_FEED]

    def item_title(self, update):
        return update.title

    def item_description(self, update):
        return render_markdown(update.body)

    def item_pubdate(self, update):
        return update.published_at

    def item_updateddate(self, update):
        return max(update.published_at, update.updated_at)

    # The group speaks in its updates: the feed never names the person who wrote one.
    def item_author_name(self, update):
        return update.group.name
