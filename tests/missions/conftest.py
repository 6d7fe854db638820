import pytest

from tests.missions.factories import (
    CoordinatorFactory,
    EditorFactory,
    MunicipalityFactory,
    ProgrammeFactory,
)


@pytest.fixture
def cities(db):
    """Palaio Faliro and Kozani, published."""
    palaio_faliro = MunicipalityFactory(slug="palaio-faliro", name_en="Palaio Faliro")
    kozani = MunicipalityFactory(slug="kozani", name_en="Kozani")
    return palaio_faliro, kozani


@pytest.fixture
def kozani_editor(cities):
    return EditorFactory(municipality=cities[1])


@pytest.fixture
def programme(db):
    return ProgrammeFactory()


@pytest.fixture
def coordinator(programme):
    """A staff user who coordinates the NetZeroCities programme (and edits no city)."""
    return CoordinatorFactory(programme=programme)
