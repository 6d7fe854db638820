"""The DCAT-AP catalogue, read as JSON-LD (pyld): what open-data portals harvest."""

import datetime

import pytest
from pyld import jsonld

from api.datasets import DATASETS

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"


@pytest.fixture
def graph(client, world):
    response = client.get("/en/open-data/catalogue.jsonld")
    assert response["Content-Type"] == "application/ld+json"
    flat = jsonld.flatten(response.json())
    return {node["@id"]: node for node in flat}


def of_type(graph, kind):
    return [node for node in graph.values() if f"{DCAT}{kind}" in node.get("@type", [])]


def values(node, predicate):
    return [item.get("@value", item.get("@id")) for item in node.get(predicate, [])]


def test_one_catalogue_with_every_dataset(graph):
    (catalogue,) = of_type(graph, "Catalog")
    assert len(catalogue[f"{DCAT}dataset"]) == len(DATASETS)


def test_the_catalogue_is_titled_in_every_language(graph):
    (catalogue,) = of_type(graph, "Catalog")
    languages = {item["@language"] for item in catalogue[f"{DCT}title"]}
    assert languages == {"en", "el", "pl"}


def test_the_catalogue_has_a_licence_and_a_publisher(graph):
    (catalogue,) = of_type(graph, "Catalog")
    publisher = graph[catalogue[f"{DCT}publisher"][0]["@id"]]
    assert (values(catalogue, f"{DCT}license"), values(publisher, f"{FOAF}name")) == (
        [CC_BY],
        ["Climate Mission Portal"],
    )


def test_the_catalogue_says_when_it_last_changed(graph, world):
    (catalogue,) = of_type(graph, "Catalog")
    (modified,) = catalogue[f"{DCT}modified"]
    moment = datetime.datetime.fromisoformat(modified["@value"])
    assert (modified["@type"], moment >= world["consultation"].updated_at) == (
        "http://www.w3.org/2001/XMLSchema#dateTime",
        True,
    )


def test_every_dataset_has_a_title_description_and_publisher(graph):
    incomplete = [
        node["@id"]
        for node in of_type(graph, "Dataset")
        if not (
            node.get(f"{DCT}title")
            and node.get(f"{DCT}description")
            and node.get(f"{DCT}publisher")
        )
    ]
    assert incomplete == []


def test_every_dataset_has_csv_and_json_in_every_language(graph):
    for node in of_type(graph, "Dataset"):
        distributions = [graph[item["@id"]] for item in node[f"{DCAT}distribution"]]
        formats = sorted(
            (
                values(d, f"{DCT}language")[0][-3:],
                values(d, f"{DCAT}mediaType")[0].rsplit("/", 1)[1],
            )
            for d in distributions
        )
        assert formats == sorted(
            (language, media) for language in ("ELL", "ENG", "POL") for media in ("csv", "json")
        ), node["@id"]


def test_every_distribution_is_licensed_and_downloadable(client, graph):
    distributions = of_type(graph, "Distribution")
    assert {tuple(values(d, f"{DCT}license")) for d in distributions} == {(CC_BY,)}
    url = values(distributions[0], f"{DCAT}downloadURL")[0]
    path = url.split("://", 1)[1].split("/", 1)[1]
    assert client.get(f"/{path}").status_code == 200


def test_the_milestones_dataset_says_when_it_changed(graph, world):
    (milestones,) = [n for n in of_type(graph, "Dataset") if n["@id"].endswith("#milestones")]
    assert values(milestones, f"{DCT}modified") == [
        world["milestone"].updated_at.astimezone(datetime.UTC).isoformat()
    ]


def test_the_api_is_described_as_a_data_service(graph):
    (service,) = of_type(graph, "DataService")
    assert values(service, f"{DCAT}endpointDescription") == ["http://127.0.0.1:8000/api/v1/schema/"]


def test_links_come_from_the_portal_base_url(client, world, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.org/"
    document = client.get("/en/open-data/catalogue.jsonld").json()
    assert document["@id"] == "https://portal.example.org/en/open-data/catalogue.jsonld"
