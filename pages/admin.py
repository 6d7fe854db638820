"""The portal's pages in the admin: administrators only (editors of a city never see them); every
save goes through ``pages.services``."""

from django import forms
from django.contrib import admin
from django.db import models
from modeltranslation.admin import TabbedTranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ServiceWritesMixin
from core.permissions import acts_for_all

from .models import Page


@admin.register(Page)
class PageAdmin(ServiceWritesMixin, SimpleHistoryAdmin, TabbedTranslationAdmin):
    list_display = ("title", "key", "updated_at")
    fields = ("key", "title", "content")
    # Room for a whole statement in each language's tab.
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 30})}}

    def has_module_permission(self, request):
        return acts_for_all(request.user)

    def has_view_permission(self, request, obj=None):
        return acts_for_all(request.user)

    def has_change_permission(self, request, obj=None):
        return acts_for_all(request.user)

    def has_add_permission(self, request):
        # The migrations create the four pages; one is added here only if it went missing.
        return acts_for_all(request.user) and Page.objects.count() < len(Page.Key)

    def has_delete_permission(self, request, obj=None):
        return False  # every footer links to each page

    def get_readonly_fields(self, request, obj=None):
        # A page's key is its address: fixed once the page exists.
        return ("key",) if obj is not None else ()
