"""Pages of a list: ``?page=`` (and ``?page_size=``, at most 500), with absolute links to the
next and previous pages from ``PORTAL_BASE_URL``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .links import absolute_url


class PortalPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500
    page_query_description = _("The page of the list (from 1).")
    page_size_query_description = _("Items per page: 50 unless given; more than 500 gives 500.")

    def get_page_number(self, request, paginator):
        # Given, it must be a page ("?page=" is not the first one): the paginator says 404.
        return request.query_params.get(self.page_query_param, 1)

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise ValidationError({self.page_size_query_param: [_("Give a whole number from 1.")]})
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters

    def _url(self) -> str:
        return absolute_url(self.request.get_full_path())

    def get_next_link(self):
        if not self.page.has_next():
            return None
        return replace_query_param(self._url(), self.page_query_param, self.page.next_page_number())

    def get_previous_link(self):
        if not self.page.has_previous():
            return None
        number = self.page.previous_page_number()
        if number == 1:
            return remove_query_param(self._url(), self.page_query_param)
        return replace_query_param(self._url(), self.page_query_param, number)
