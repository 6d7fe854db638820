"""The portal's Atom feed: the latest changes to the milestones of every published city, with
absolute links from ``PORTAL_BASE_URL`` (never from the request's host or the sites table)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from core.text import clean_text
from missions.models import Milestone

from .links import absolute_url

FEED_LENGTH = 50


class PortalMilestonesFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        return _("Climate Mission Portal: milestone changes")

    def subtitle(self):
        return _("The latest changes to the climate-neutrality timelines of every city.")

    def link(self):
        return absolute_url(reverse("missions:home"))

    def feed_url(self):
        return absolute_url(reverse("opendata:feed"))

    def items(self):
        return (
            Milestone.objects.public()
            .select_related("municipality")
            .order_by("-updated_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return clean_text(
            f"{item.municipality.name}: {item.title} — {item.get_status_display()} "
            f"({item.date_display})"
        )

    def item_description(self, item):
        return clean_text(item.description)

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def item_author_name(self, item):
        return item.municipality.name

    def item_updateddate(self, item):
        return item.updated_at

    def item_pubdate(self, item):
        return item.created_at
