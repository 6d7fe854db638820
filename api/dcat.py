"""The open-data catalogue as DCAT-AP in JSON-LD, for open-data portals to harvest: the
catalogue, each dataset with a CSV and a JSON distribution per language, and the API as a data
service. Titles and descriptions are given in every language of the portal."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .datasets import DATASETS, Dataset
from .links import LICENCE_URL, absolute_url, base_url

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
}
EU = "http://publications.europa.eu/resource/authority"
# Lazy, so each language reads its own translation.
_CATALOGUE_TITLE = _("Climate Mission Portal: open data")
_CATALOGUE_DESCRIPTION = _(
    "Municipalities' climate-neutrality missions: their milestones, missions, Climate City "
    "Contracts and Labels, twinning, networks, and consultations with their published results."
)
_API_TITLE = _("Climate Mission Portal API")
# The EU's language authority table names languages by ISO 639-2/B codes.
EU_LANGUAGES = {"en": "ENG", "el": "ELL", "pl": "POL", "fr": "FRA", "de": "DEU"}
MEDIA_TYPES = {
    "csv": ("http://www.iana.org/assignments/media-types/text/csv", f"{EU}/file-type/CSV"),
    "json": (
        "http://www.iana.org/assignments/media-types/application/json",
        f"{EU}/file-type/JSON",
    ),
}


def _codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _in_every_language(text) -> list[dict]:
    values = []
    for code in _codes():
        with translation.override(code):
            values.append({"@value": str(text), "@language": code})
    return values


def _language(code: str) -> dict:
    return {"@id": f"{EU}/language/{EU_LANGUAGES.get(code, code.upper())}"}


def _date_time(moment: datetime.datetime | None) -> dict | None:
    if moment is None:
        return None
    return {"@value": moment.astimezone(datetime.UTC).isoformat(), "@type": "xsd:dateTime"}


def _url(viewname: str, language: str, **kwargs) -> str:
    with translation.override(language):
        return absolute_url(reverse(viewname, kwargs=kwargs or None))


def catalogue_id() -> str:
    return _url("opendata:catalogue", settings.LANGUAGE_CODE)


def _distribution(dataset: Dataset, extension: str, language: str) -> dict:
    url = _url("opendata:download", language, dataset=dataset.slug, extension=extension)
    media_type, file_type = MEDIA_TYPES[extension]
    with translation.override(language):
        title = f"{dataset.title} ({extension.upper()}, {language})"
    return {
        "@id": url,
        "@type": "dcat:Distribution",
        "dct:title": {"@value": title, "@language": language},
        "dcat:accessURL": {"@id": url},
        "dcat:downloadURL": {"@id": url},
        "dcat:mediaType": {"@id": media_type},
        "dct:format": {"@id": file_type},
        "dct:license": {"@id": LICENCE_URL},
        "dct:language": _language(language),
    }


def _dataset(dataset: Dataset, publisher: dict, modified: datetime.datetime | None) -> dict:
    landing = _url("opendata:index", settings.LANGUAGE_CODE)
    node = {
        "@id": f"{landing}#{dataset.slug}",
        "@type": "dcat:Dataset",
        "dct:identifier": dataset.slug,
        "dct:title": _in_every_language(dataset.title),
        "dct:description": _in_every_language(dataset.description),
        "dct:publisher": publisher,
        "dct:license": {"@id": LICENCE_URL},
        "dct:accessRights": {"@id": f"{EU}/access-right/PUBLIC"},
        "dct:language": [_language(code) for code in _codes()],
        "dcat:theme": [{"@id": f"{EU}/data-theme/ENVI"}, {"@id": f"{EU}/data-theme/GOVE"}],
        "dcat:keyword": [{"@value": keyword, "@language": "en"} for keyword in dataset.keywords],
        "dcat:landingPage": {"@id": landing},
        "dcat:distribution": [
            _distribution(dataset, extension, code)
            for code in _codes()
            for extension in ("csv", "json")
        ],
    }
    if modified is not None:
        node["dct:modified"] = _date_time(modified)
    return node


def catalogue() -> dict:
    """The whole catalogue (one query per dataset that knows when it changed)."""
    publisher = {
        "@id": f"{base_url()}/#publisher",
        "@type": "foaf:Agent",
        "foaf:name": settings.OPEN_DATA_PUBLISHER,
        "foaf:homepage": {"@id": f"{base_url()}/"},
    }
    modified = {dataset.slug: dataset.modified() for dataset in DATASETS}
    known = [moment for moment in modified.values() if moment is not None]
    datasets = [_dataset(dataset, publisher, modified[dataset.slug]) for dataset in DATASETS]
    api_root = absolute_url(reverse("api:root"))
    document = {
        "@context": CONTEXT,
        "@id": catalogue_id(),
        "@type": "dcat:Catalog",
        "dct:title": _in_every_language(_CATALOGUE_TITLE),
        "dct:description": _in_every_language(_CATALOGUE_DESCRIPTION),
        "dct:publisher": publisher,
        "dct:license": {"@id": LICENCE_URL},
        "dct:language": [_language(code) for code in _codes()],
        "foaf:homepage": {"@id": f"{base_url()}/"},
        "dcat:dataset": datasets,
        "dcat:service": [
            {
                "@id": api_root,
                "@type": "dcat:DataService",
                "dct:title": _in_every_language(_API_TITLE),
                "dcat:endpointURL": {"@id": api_root},
                "dcat:endpointDescription": {"@id": absolute_url(reverse("api:schema"))},
                "dct:license": {"@id": LICENCE_URL},
                "dcat:servesDataset": [{"@id": node["@id"]} for node in datasets],
            }
        ],
    }
    if known:
        document["dct:modified"] = _date_time(max(known))
    return document
