"""The OpenAPI 3 schema (drf-spectacular) and the documentation page built from it.

The hooks add what every operation shares — the ``lang`` parameter, conditional requests
(``304``), the errors (``400``, ``401``, ``403``, ``404``, ``406``, ``415``, ``429``) — so
that the schema documents every status the API answers with (the schema-driven tests hold it
to that)."""

from __future__ import annotations

import copy
import re

from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

from .links import LICENCE_NAME, LICENCE_URL, absolute_url

SECURITY_NAME = "apiToken"
READ_METHODS = {"get", "head"}
WRITE_METHODS = {"post", "put", "patch", "delete"}

ERROR = OpenApiResponse(
    response=inline_serializer("Error", fields={"detail": serializers.CharField()}),
    description="",
)


class APITokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.APITokenAuthentication"
    name = SECURITY_NAME

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": _(
                "A personal API token, created by an editor in the admin (API tokens). Reads "
                "need none; writes act as the token's holder, for the cities they edit."
            ),
        }

    def get_security_requirement(self, auto_schema):
        if auto_schema.method in SAFE_METHODS:
            return [{self.name: []}, {}]  # optional: anyone reads
        return {self.name: []}


def only_the_api(endpoints):
    """Preprocessing hook: the schema describes /api/v1/ and nothing else."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


# --------------------------------------------------------------------------------------------
# What every operation shares
# --------------------------------------------------------------------------------------------


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(name: str) -> dict:
    return {"application/json": {"schema": _ref(name)}}


def _invalid() -> dict:
    # Each field's messages, or one message for a body that is not JSON; a NUL character in
    # the query is refused before the API sees it, in plain text (RejectNulBytesMiddleware).
    return {
        "application/json": {"schema": {"oneOf": [_ref("ValidationErrors"), _ref("Error")]}},
        "text/plain": {"schema": {"type": "string"}},
    }


def _header(description: str, *, required: bool = False) -> dict:
    return {"schema": {"type": "string"}, "description": description, "required": required}


def _validators() -> dict:
    return {
        "ETag": _header(_("Identifies this version of the answer."), required=True),
        "Last-Modified": _header(_("When the portal's content last changed.")),
        "Cache-Control": _header(_("Caches must check again before reusing the answer.")),
    }


def _common_responses(method: str, path: str, operation: dict) -> dict[str, dict]:
    error = {"content": _json("Error")}
    responses: dict[str, dict] = {
        "401": {
            **error,
            "description": _(
                "The API token is unknown, revoked or expired, or the account "
                "holding it is inactive."
            ),
        },
        "406": {**error, "description": _("The Accept header asks for something other than JSON.")},
        "429": {
            **error,
            "description": _("Too many requests from this client; try again later."),
            "headers": {"Retry-After": _header(_("Seconds to wait."), required=True)},
        },
    }
    if method in READ_METHODS:
        responses["304"] = {
            "description": _(
                "Not modified: the answer is the one identified by If-None-Match (or unchanged "
                "since If-Modified-Since)."
            ),
            "headers": _validators(),
        }
        responses["400"] = {
            "content": _invalid(),
            "description": _("A query parameter is not valid; each one's messages are listed."),
        }
        if "{" in path or any(p.get("name") == "page" for p in operation.get("parameters", [])):
            responses["404"] = {
                **error,
                "description": _("No such public object, or no such page of the list."),
            }
    else:
        responses["400"] = {
            "content": _invalid(),
            "description": _(
                "The data is not valid: each field's messages, the same as the admin's and the "
                "imports' (non_field_errors: the milestone as a whole)."
            ),
        }
        responses["401"]["description"] = _(
            "No API token was sent, or it is unknown, revoked or expired."
        )
        responses["403"] = {
            **error,
            "description": _("The token's holder may not write for this municipality."),
        }
        responses["415"] = {**error, "description": _("Send the data as application/json.")}
        if "{" in path:
            responses["404"] = {**error, "description": _("No milestone of this number.")}
    return responses


def add_common_responses(result, generator, request, public):
    """Postprocessing hook (see the module's docstring)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    }
    schemas["ValidationErrors"] = {
        "type": "object",
        "description": _("The messages of each field (or parameter) that is not valid."),
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    }
    language_parameter = {
        "in": "query",
        "name": "lang",
        "required": False,
        "schema": {"type": "string", "enum": [code for code, _name in _languages()]},
        "description": _(
            "The language of the answer (else the Accept-Language header's); content missing "
            "in it falls back to English."
        ),
    }
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in READ_METHODS | WRITE_METHODS:
                continue
            parameters = operation.setdefault("parameters", [])
            if not any(p.get("name") == "lang" for p in parameters):
                parameters.append(copy.deepcopy(language_parameter))
            for parameter in parameters:
                kind = parameter.get("schema", {})
                if parameter["in"] == "query" and kind.get("type") == "string":
                    # No text may hold a NUL character (answered 400 before the API).
                    kind.setdefault("pattern", r"^[^\x00]*$")
            responses = operation.setdefault("responses", {})
            for status, response in _common_responses(method, path, operation).items():
                responses.setdefault(status, response)
            if method in READ_METHODS and "200" in responses:
                responses["200"].setdefault("headers", {}).update(_validators())
    result["info"]["description"] = _(
        "Open data of the Climate Mission Portal: municipalities and their climate-neutrality "
        "milestones, missions, Climate City Contracts and Labels, twinning, networks, and "
        "consultations with their published results. Only published cities and results "
        "already public appear. Anyone reads (no key needed, within a rate limit per client); "
        "a city's own system writes its milestones with a personal API token. Every answer "
        "is in the language of ?lang= or Accept-Language, carries an ETag and Last-Modified, "
        "and answers 304 to a conditional request. The data is licensed under %(licence)s."
    ) % {"licence": LICENCE_NAME}
    result["info"]["license"] = {"name": LICENCE_NAME, "url": LICENCE_URL}
    result["externalDocs"] = {
        "description": _("Downloads and the DCAT-AP catalogue"),
        "url": absolute_url(reverse("opendata:index")),
    }
    return result


def _languages():
    from django.conf import settings

    return settings.LANGUAGES


# --------------------------------------------------------------------------------------------
# The schema, generated once per language and process
# --------------------------------------------------------------------------------------------

_schemas: dict[str, dict] = {}


def _forced(value):
    """``value`` with every lazy translation turned into text (in the active language)."""
    if isinstance(value, dict):
        return {force_str(key): _forced(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_forced(item) for item in value]
    if isinstance(value, Promise):
        return force_str(value)
    return value


def generated_schema(language: str) -> dict:
    if language not in _schemas:
        from drf_spectacular.generators import SchemaGenerator

        with translation.override(language):
            schema = SchemaGenerator().get_schema(request=None, public=True)
            _schemas[language] = _forced(schema)
    return _schemas[language]


# --------------------------------------------------------------------------------------------
# The documentation page's content
# --------------------------------------------------------------------------------------------


def _type_of(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "allOf" in schema and schema["allOf"]:
        return _type_of(schema["allOf"][0])
    if "oneOf" in schema:
        return " | ".join(_type_of(option) for option in schema["oneOf"])
    kind = schema.get("type", "object")
    if kind == "array":
        return f"[{_type_of(schema.get('items', {}))}]"
    if schema.get("format"):
        return f"{kind} ({schema['format']})"
    return str(kind)


def _ref_of(schema: dict) -> str:
    """The name of the component ``schema`` refers to ("" when it is none)."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    return ""


def _enum_of(schema: dict, components: dict) -> list:
    if "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    if "allOf" in schema and schema["allOf"]:
        return _enum_of(schema["allOf"][0], components)
    return [value for value in schema.get("enum", []) if value not in ("", None)]


def _fields(schema: dict, components: dict) -> list[dict]:
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": _type_of(field),
            "type_parts": _word_parts(_type_of(field)),
            "required": name in required,
            "nullable": field.get("nullable", False),
            "read_only": field.get("readOnly", False),
            "description": field.get("description", ""),
            "enum": _enum_of(field, components),
        }
        for name, field in schema.get("properties", {}).items()
    ]


def _word_parts(name: str) -> list[str]:
    """A long name cut before each capital ("Patched", "Milestone", …), so it can wrap."""
    return re.findall(r"[^A-Z]+|[A-Z][^A-Z]*", name) or [name]


def _path_parts(path: str) -> list[str]:
    """The path cut after each "/", so a long one can wrap on a narrow screen."""
    parts = path.split("/")
    return [part + "/" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def documentation(language: str) -> dict:
    schema = generated_schema(language)
    components = schema.get("components", {}).get("schemas", {})
    groups: dict[str, list] = {}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in READ_METHODS | WRITE_METHODS:
                continue
            body = (
                operation.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema")
            )
            groups.setdefault((operation.get("tags") or ["api"])[0], []).append(
                {
                    "id": operation.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "path_parts": _path_parts(path),
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "token_required": {} not in operation.get("security", [{}]),
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "in": parameter["in"],
                            "required": parameter.get("required", False),
                            "type": _type_of(parameter.get("schema", {})),
                            "enum": _enum_of(parameter.get("schema", {}), components),
                            "description": parameter.get("description", ""),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                    "request": _ref_of(body) if body else "",
                    "request_parts": _word_parts(_ref_of(body)) if body else [],
                    "responses": [
                        {
                            "status": status,
                            "description": response.get("description", ""),
                            "type": _ref_of(
                                response.get("content", {})
                                .get("application/json", {})
                                .get("schema", {})
                            ),
                            "type_parts": _word_parts(
                                _ref_of(
                                    response.get("content", {})
                                    .get("application/json", {})
                                    .get("schema", {})
                                )
                            ),
                        }
                        for status, response in sorted(operation.get("responses", {}).items())
                    ],
                }
            )
    return {
        "info": schema.get("info", {}),
        "server": (schema.get("servers") or [{"url": ""}])[0]["url"],
        "groups": sorted(groups.items()),
        "components": [
            {
                "name": name,
                "name_parts": _word_parts(name),
                "description": component.get("description", ""),
                "fields": _fields(component, components),
                "enum": component.get("enum", []),
            }
            for name, component in sorted(components.items())
        ],
    }
