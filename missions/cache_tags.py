"""Which cached pages a change to each missions model makes stale (``core.caching``): the
pages of the cities it concerns and the lists; reference data every page may show makes all
pages stale. Partners and network members name each other, so a city's change reaches them."""

from __future__ import annotations

from core.caching import ALL, LISTS, city_tag, register_tagger

from .models import (
    ContractPart,
    Membership,
    Milestone,
    Mission,
    MissionLabel,
    MissionParticipation,
    Municipality,
    MunicipalityRole,
    Network,
    Organisation,
    Twinning,
    TwinningParticipant,
    TwinningProgramme,
)


def _cities(slugs) -> set[str]:
    return {city_tag(slug) for slug in slugs if slug} | {LISTS}


def _partner_slugs(municipality_ids) -> set[str]:
    twinnings = TwinningParticipant.objects.filter(municipality_id__in=municipality_ids).values(
        "twinning_id"
    )
    return set(
        TwinningParticipant.objects.filter(twinning_id__in=twinnings).values_list(
            "municipality__slug", flat=True
        )
    )


def _network_member_slugs(network_ids) -> set[str]:
    return set(
        Membership.objects.filter(network_id__in=network_ids).values_list(
            "organisation__municipality__slug", flat=True
        )
    )


def municipality_tags(city: Municipality):
    if city.slug != city.stored_value("slug"):
        return [ALL]  # its address changed: links to it are everywhere
    memberships = Membership.objects.filter(organisation__municipality=city).values("network_id")
    return _cities({city.slug, *_partner_slugs([city.pk]), *_network_member_slugs(memberships)})


def of_municipality(instance):
    return _cities({instance.municipality.slug})


def twinning_tags(twinning: Twinning):
    return _cities(twinning.participants.values_list("municipality__slug", flat=True))


def participant_tags(participant: TwinningParticipant):
    return _cities({participant.municipality.slug, *_partner_slugs([participant.municipality_id])})


def organisation_tags(organisation: Organisation):
    slug = organisation.municipality.slug if organisation.municipality_id else None
    networks = organisation.memberships.values("network_id")
    return _cities({slug, *_network_member_slugs(networks)})


def membership_tags(membership: Membership):
    return _cities(_network_member_slugs([membership.network_id]))


def network_tags(network: Network):
    return _cities(_network_member_slugs([network.pk]))


def register() -> None:
    register_tagger(Municipality, municipality_tags)
    for model in (Milestone, MissionParticipation, ContractPart, MissionLabel):
        register_tagger(model, of_municipality)
    register_tagger(MunicipalityRole, lambda role: [])  # shown to signed-in people only
    register_tagger(Twinning, twinning_tags)
    register_tagger(TwinningParticipant, participant_tags)
    register_tagger(Organisation, organisation_tags)
    register_tagger(Membership, membership_tags)
    register_tagger(Network, network_tags)
    for model in (Mission, TwinningProgramme):
        register_tagger(model, lambda instance: [ALL])
