"""The API (``/api/v1/``): thin views over ``api.selectors`` (reads, public only) and the
missions services (writes, as the token's user). The documentation page and the schema are
here too; open data, calendars and the portal feed are in ``api.pages``."""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from consultations import selectors as consultation_selectors
from core import audit
from missions import services as mission_services
from missions.models import Milestone

from . import conditional, filters, schema, selectors, serializers
from .language import select_language
from .links import LICENCE_URL, absolute_url

# --------------------------------------------------------------------------------------------
# Answers: language, conditional requests, cached answers, errors
# --------------------------------------------------------------------------------------------


class NotModified(exceptions.APIException):
    status_code = status.HTTP_304_NOT_MODIFIED

    def __init__(self, validators: conditional.Validators):
        super().__init__()
        self.validators = validators


class CachedAnswer(exceptions.APIException):
    """Raised to answer from the cache (after authentication, permissions and throttles)."""

    status_code = status.HTTP_200_OK

    def __init__(self, content: bytes, content_type: str, validators: conditional.Validators):
        super().__init__()
        self.content, self.content_type, self.validators = content, content_type, validators


def _field_errors(error: DjangoValidationError) -> dict | list:
    if not hasattr(error, "error_dict"):
        return {"non_field_errors": list(error.messages)}
    return {
        ("non_field_errors" if field == "__all__" else field): list(messages)
        for field, messages in error.message_dict.items()
    }


def _with_validators(response, validators: conditional.Validators):
    for name, value in validators.headers().items():
        response[name] = value
    return response


def exception_handler(exc, context):
    """DRF's, plus: the services' refusals with their own messages (ValidationError → 400 per
    field, PermissionDenied → 403), and the answers decided before any query (304, cached)."""
    if isinstance(exc, NotModified):
        return _with_validators(HttpResponseNotModified(), exc.validators)
    if isinstance(exc, CachedAnswer):
        return _with_validators(
            HttpResponse(exc.content, content_type=exc.content_type), exc.validators
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_field_errors(exc))
    elif isinstance(exc, DjangoPermissionDenied) and str(exc):
        exc = exceptions.PermissionDenied(str(exc))
    return drf_exception_handler(exc, context)


class PortalAPIMixin:
    """Every API view: the answer's language (``?lang=`` or Accept-Language), then DRF's
    authentication, permissions and throttles, then — for reads — the conditional request and
    the cached answer, before the view reads anything."""

    #: True when the answer changes only with the content version (else: validators from the
    #: body, e.g. live consultation results, which no version counts).
    versioned = True

    def initial(self, request, *args, **kwargs):
        select_language(request)
        super().initial(request, *args, **kwargs)
        self.validators = None
        if request.method in ("GET", "HEAD") and self.versioned:
            # The negotiated format is part of the answer (the schema: YAML or JSON).
            self.validators = conditional.content_validators(
                request, extra=request.accepted_media_type or ""
            )
            if conditional.not_modified(request, self.validators):
                raise NotModified(self.validators)
            cached = conditional.cached_answer(self.validators)
            if cached is not None:
                raise CachedAnswer(*cached, self.validators)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if (
            request.method not in ("GET", "HEAD")
            or response.status_code != 200
            or not isinstance(response, Response)
        ):
            return response
        response.render()
        validators = getattr(self, "validators", None)
        if validators is not None:
            conditional.remember_answer(validators, response.content, response["Content-Type"])
        else:
            validators = conditional.body_validators(response.content)
            if conditional.not_modified(request, validators):
                return _with_validators(HttpResponseNotModified(), validators)
        return _with_validators(response, validators)


class PublicListViewSet(PortalAPIMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """A public list: what ``list_selector`` selects, filtered by ``filter_class``."""

    filter_class = None
    list_selector = None

    def list_filters(self) -> dict:
        if self.filter_class is None:
            return {}
        return filters.read_filters(self.filter_class, self.request)

    def get_queryset(self):
        return type(self).list_selector(**self.list_filters())


class PublicReadViewSet(mixins.RetrieveModelMixin, PublicListViewSet):
    """A public collection: a list and its items (an item is looked up unfiltered)."""

    def get_queryset(self):
        if self.action == "list":
            return super().get_queryset()
        return type(self).list_selector()


def _read_schema(
    list_summary, detail_summary=None, filter_class=None, *, description="", detail=True
):
    """The documentation of a public collection (lazy texts: the schema is built per language;
    ``description`` replaces the view's docstring, which is for developers)."""
    documented = {
        "list": extend_schema(
            summary=list_summary,
            description=description,
            parameters=[filter_class] if filter_class else None,
        )
    }
    if detail:
        documented["retrieve"] = extend_schema(summary=detail_summary, description=description)
    return extend_schema_view(**documented)


# --------------------------------------------------------------------------------------------
# Reads
# --------------------------------------------------------------------------------------------


@_read_schema(
    _lazy("List the published municipalities"),
    _lazy("One published municipality"),
    filters.MunicipalityFilters,
    description=_lazy("Municipalities published on the portal, with their contacts."),
)
class MunicipalityViewSet(PublicReadViewSet):
    """Published municipalities."""

    serializer_class = serializers.MunicipalitySerializer
    filter_class = filters.MunicipalityFilters
    list_selector = staticmethod(selectors.municipalities)
    lookup_field = "slug"
    lookup_value_regex = r"[-\w]+"


@_read_schema(
    _lazy("List the missions"),
    _lazy("One mission"),
    description=_lazy("Missions cities take part in, such as the EU Cities Mission."),
)
class MissionViewSet(PublicReadViewSet):
    serializer_class = serializers.MissionSerializer
    list_selector = staticmethod(selectors.missions)
    lookup_field = "slug"
    lookup_value_regex = r"[-\w]+"


@_read_schema(
    _lazy("List the mission participations"),
    filter_class=filters.ParticipationFilters,
    description=_lazy("Which published city takes part in which mission, in which role."),
    detail=False,
)
class ParticipationViewSet(PublicListViewSet):
    serializer_class = serializers.ParticipationSerializer
    filter_class = filters.ParticipationFilters
    list_selector = staticmethod(selectors.participations)


@_read_schema(
    _lazy("List the parts of Climate City Contracts"),
    filter_class=filters.ContractPartFilters,
    description=_lazy("Where each part of each published city's contract stands."),
    detail=False,
)
class ContractPartViewSet(PublicListViewSet):
    serializer_class = serializers.ContractPartSerializer
    filter_class = filters.ContractPartFilters
    list_selector = staticmethod(selectors.contract_parts)


@_read_schema(
    _lazy("List the Mission Labels"),
    filter_class=filters.LabelFilters,
    description=_lazy("The EU Mission Labels awarded to published cities."),
    detail=False,
)
class MissionLabelViewSet(PublicListViewSet):
    serializer_class = serializers.MissionLabelSerializer
    filter_class = filters.LabelFilters
    list_selector = staticmethod(selectors.labels)


@_read_schema(
    _lazy("List the twinnings"),
    _lazy("One twinning"),
    filters.TwinningFilters,
    description=_lazy(
        "Twinnings in which at least two published cities take part; only published cities "
        "are named."
    ),
)
class TwinningViewSet(PublicReadViewSet):
    """Twinnings in which at least two published cities take part (only those are named)."""

    serializer_class = serializers.TwinningSerializer
    filter_class = filters.TwinningFilters
    list_selector = staticmethod(selectors.twinnings)
    lookup_value_regex = r"[0-9]+"


@_read_schema(
    _lazy("List the networks"),
    _lazy("One network"),
    description=_lazy("Networks and partnerships; member counts include public members only."),
)
class NetworkViewSet(PublicReadViewSet):
    serializer_class = serializers.NetworkSerializer
    list_selector = staticmethod(selectors.networks)
    lookup_field = "slug"
    lookup_value_regex = r"[-\w]+"


@_read_schema(
    _lazy("List the network memberships"),
    filter_class=filters.MembershipFilters,
    description=_lazy("Members of networks, except organisations of unpublished cities."),
    detail=False,
)
class MembershipViewSet(PublicListViewSet):
    serializer_class = serializers.MembershipSerializer
    filter_class = filters.MembershipFilters
    list_selector = staticmethod(selectors.memberships)


@_read_schema(
    _lazy("List the published consultations"),
    _lazy("One published consultation"),
    filters.ConsultationFilters,
    description=_lazy(
        "Published consultations of published cities; results_public_from says when their "
        "results become public (never, for results kept for staff)."
    ),
)
class ConsultationViewSet(PublicReadViewSet):
    serializer_class = serializers.ConsultationSerializer
    filter_class = filters.ConsultationFilters
    list_selector = staticmethod(selectors.consultations)
    lookup_field = "slug"
    lookup_value_regex = r"[-\w]+"


class ConsultationResultsView(PortalAPIMixin, APIView):
    """A consultation's results, once they are public (live while it is open, after it closes,
    or never, as the consultation says); free-text answers are counted, not published."""

    versioned = False  # counted live: the ETag is the answer's own digest

    @extend_schema(
        summary=_lazy("The published results of a consultation"),
        description=_lazy(
            "Counted live (shared for a minute); 404 until they are public. Free-text answers "
            "are counted, not published."
        ),
        responses={200: serializers.ResultsSerializer, 404: schema.ERROR},
    )
    def get(self, request, slug: str):
        consultation = consultation_selectors.consultation_with_questions(user=None, slug=slug)
        if not consultation_selectors.results_visible(consultation=consultation, user=None):
            raise exceptions.NotFound(_("The results of this consultation are not public yet."))
        # Counted at most once per CONSULTATION_RESULTS_CACHE_SECONDS, per language (labels).
        key = f"api:results:{consultation.pk}:{conditional.data_version()}:{get_language()}"
        results = cache.get(key)
        if results is None:
            results = consultation_selectors.consultation_results(consultation=consultation)
            cache.set(key, results, settings.CONSULTATION_RESULTS_CACHE_SECONDS)
        return Response(serializers.ResultsSerializer(results).data)


# --------------------------------------------------------------------------------------------
# Writes: milestones, through the missions services, as the token's user
# --------------------------------------------------------------------------------------------


# The milestone's translated fields, whose base names the model also validates.
TRANSLATED = ("title", "description")


@_read_schema(
    _lazy("List the milestones of published cities"),
    _lazy("One milestone of a published city"),
    filters.MilestoneFilters,
    description=_lazy(
        "A milestone's date is given at its precision (2023, 2023-10 or 2023-10-05); starts_on "
        "and ends_on are the first and last days of that period."
    ),
)
@extend_schema_view(
    create=extend_schema(
        summary=_lazy("Add a milestone to a city you edit"),
        description=_lazy(
            "With a personal API token: the token's holder must edit the milestone's city. The "
            "fields are the imports' columns; the rules and messages are the admin's."
        ),
        request=serializers.MilestoneWriteSerializer,
        responses={201: serializers.MilestoneSerializer},
    ),
    update=extend_schema(
        summary=_lazy("Replace a milestone of a city you edit"),
        description=_lazy(
            "With a personal API token: the token's holder must edit the milestone's city. The "
            "fields are the imports' columns; the rules and messages are the admin's."
        ),
        request=serializers.MilestoneWriteSerializer,
        responses={200: serializers.MilestoneSerializer},
    ),
    partial_update=extend_schema(
        summary=_lazy("Change some fields of a milestone of a city you edit"),
        description=_lazy(
            "With a personal API token: the token's holder must edit the milestone's city. The "
            "fields are the imports' columns; the rules and messages are the admin's."
        ),
        request=serializers.MilestoneWriteSerializer,
        responses={200: serializers.MilestoneSerializer},
    ),
)
class MilestoneViewSet(PublicReadViewSet, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Milestones of published municipalities. With a personal API token, a city's own system
    adds and changes its city's milestones: the same services, rules and messages as the
    admin and the imports."""

    serializer_class = serializers.MilestoneSerializer
    filter_class = filters.MilestoneFilters
    list_selector = staticmethod(selectors.milestones)
    lookup_value_regex = r"[0-9]+"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return serializers.MilestoneWriteSerializer
        return serializers.MilestoneSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action in ("create", "update", "partial_update") and (
            self.get_content_negotiator().select_parser(request, self.get_parsers()) is None
        ):
            # Said at once, even when a middleware has already read a form's body.
            raise exceptions.UnsupportedMediaType(request.content_type)

    def _answer(self, milestone: Milestone, status_code: int) -> Response:
        data = serializers.MilestoneSerializer(milestone, context=self.get_serializer_context())
        headers = {"Location": absolute_url(reverse("api:milestone-detail", args=[milestone.pk]))}
        return Response(data.data, status=status_code, headers=headers)

    @staticmethod
    @contextlib.contextmanager
    def _writing():
        """Writes come from the API; a model error on a translated field's base name ("title",
        which full_clean checks besides "title_en") is reported on the field the API takes."""
        try:
            with audit.source(audit.API):
                yield
        except DjangoValidationError as error:
            if not hasattr(error, "error_dict"):
                raise
            errors: dict[str, list] = {}
            for field, messages in error.error_dict.items():
                name = f"{field}_{settings.LANGUAGE_CODE}" if field in TRANSLATED else field
                known = errors.setdefault(name, [])
                known += [m for m in messages if m.messages not in [k.messages for k in known]]
            raise DjangoValidationError(errors) from error

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.to_model_data()
        with self._writing():
            milestone = mission_services.milestone_create(
                acting_user=request.user, municipality=data.pop("municipality"), data=data
            )
        return self._answer(milestone, status.HTTP_201_CREATED)

    def update(self, request, *args, partial: bool = False, **kwargs):
        # The cities the user edits, and the published ones (whose editors alone may write:
        # the service says so, with its message); another city's unpublished ones are unknown.
        milestone = get_object_or_404(
            Milestone.objects.visible_to(request.user).select_related("municipality"),
            pk=kwargs["pk"],
        )
        serializer = self.get_serializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        with self._writing():
            milestone = mission_services.milestone_update(
                acting_user=request.user, milestone=milestone, data=serializer.to_model_data()
            )
        return self._answer(milestone, status.HTTP_200_OK)


# --------------------------------------------------------------------------------------------
# The root, the schema, the documentation page, unknown paths
# --------------------------------------------------------------------------------------------

# The collections the root lists: (key in the answer, route name).
COLLECTIONS = [
    ("municipalities", "municipality"),
    ("milestones", "milestone"),
    ("missions", "mission"),
    ("participations", "participation"),
    ("contract_parts", "contract-part"),
    ("labels", "label"),
    ("twinnings", "twinning"),
    ("networks", "network"),
    ("memberships", "membership"),
    ("consultations", "consultation"),
]


class APIRootView(PortalAPIMixin, APIView):
    @extend_schema(
        summary=_lazy("Where everything is"),
        description=_lazy("The address of each collection, the schema and the documentation."),
        responses={
            200: OpenApiResponse(
                response={"type": "object", "additionalProperties": {"type": "string"}},
                description=_lazy("The addresses of the collections and the documentation."),
            )
        },
    )
    def get(self, request):
        links = {key: absolute_url(reverse(f"api:{name}-list")) for key, name in COLLECTIONS}
        links.update(
            schema=absolute_url(reverse("api:schema")),
            documentation=absolute_url(reverse("api:docs")),
            open_data=absolute_url(reverse("opendata:index")),
            licence=LICENCE_URL,
        )
        return Response(links)


class SchemaView(PortalAPIMixin, SpectacularAPIView):
    """The OpenAPI 3 schema (YAML; JSON with ``?format=json``), in the request's language."""

    def _get_schema_response(self, request):
        suffix = request.accepted_renderer.format
        return Response(
            schema.generated_schema(get_language()),
            headers={"Content-Disposition": f'inline; filename="climate-portal-api.{suffix}"'},
        )


@require_safe
def docs(request):
    """The API's documentation, rendered on the server from the schema: readable without
    JavaScript and under the portal's Content Security Policy (Swagger UI and Redoc need
    inline scripts)."""
    with contextlib.suppress(exceptions.ValidationError):  # an unknown ?lang=: the usual one
        select_language(request)
    return render(request, "api/docs.html", schema.documentation(get_language()))


@csrf_exempt  # answers 404 to any method; it changes nothing
def not_found(request, path: str = ""):
    """Unknown paths under /api/ answer in JSON like the rest of the API."""
    message = _("No such path in the API; see its documentation at %(url)s.") % {
        "url": absolute_url(reverse("api:docs"))
    }
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except (Resolver404, Http404):
            match = None
        if match is not None and match.func is not not_found:
            message = _("Paths of the API end with a slash: %(path)s/") % {"path": request.path}
    return JsonResponse({"detail": message}, status=404)
