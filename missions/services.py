"""Every write to the missions domain goes through here, whichever way it arrives (the admin, an
import, the API, the command line): keyword-only, typed, atomic, validated, and on behalf of an
``acting_user`` — the system actor (``core.permissions.system_actor``) for the command line,
beat and the demo loader. Each rule lives once, in the ``*_check`` of its model, which the
admin's forms also call to show a broken rule on the form.

Permission errors name only what the user may see.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import (
    bulk_create_with_history,
    bulk_update_with_history,
    update_change_reason,
)

from core import events
from core.permissions import acts_for_all
from core.services import Writer, model_delete, model_save, register_writer, unique_slug

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

# --------------------------------------------------------------------------------------------
# Who may change what
# --------------------------------------------------------------------------------------------


class MunicipalityAccess:
    """The municipalities ``acting_user`` may change (``Municipality.objects.editable_by``),
    asked once and reused, so an import of many rows asks the database once."""

    def __init__(self, acting_user):
        self.acting_user = acting_user
        self.everything = acts_for_all(acting_user)
        self._ids: set[int] | None = None

    def ids(self) -> set[int]:
        if self._ids is None:
            self._ids = set(
                Municipality.objects.editable_by(self.acting_user).values_list("pk", flat=True)
            )
        return self._ids

    def may_change(self, municipality_id: int | None) -> bool:
        return self.everything or (municipality_id is not None and municipality_id in self.ids())

    def check(self, municipality: Municipality | None, *, field: str = "municipality") -> None:
        municipality_id = getattr(municipality, "pk", municipality)
        if self.may_change(municipality_id):
            return
        name = getattr(municipality, "name", None)
        if name and getattr(municipality, "is_published", False):
            message = _("You hold no editor role for “%(name)s”.") % {"name": name}
        else:
            message = _("You hold no editor role for this municipality.")
        raise PermissionDenied(message)


def _only_administrators(acting_user, message: str | None = None) -> None:
    if not acts_for_all(acting_user):
        raise PermissionDenied(message or _("Only an administrator can make this change."))


# --------------------------------------------------------------------------------------------
# Reference data shared by every city: missions, programmes, networks, participations, roles
# --------------------------------------------------------------------------------------------


def reference_check(*, acting_user, instance) -> None:
    _only_administrators(acting_user)


@transaction.atomic
def reference_save(*, acting_user, instance):
    reference_check(acting_user=acting_user, instance=instance)
    model_save(instance=instance, acting_user=acting_user)
    return instance


@transaction.atomic
def reference_delete(*, acting_user, instance) -> None:
    reference_check(acting_user=acting_user, instance=instance)
    model_delete(instance=instance, acting_user=acting_user)


@transaction.atomic
def municipality_role_grant(
    *, acting_user, user, municipality: Municipality, role: str
) -> MunicipalityRole:
    grant = MunicipalityRole.objects.filter(user=user, municipality=municipality, role=role).first()
    return grant or reference_save(
        acting_user=acting_user,
        instance=MunicipalityRole(user=user, municipality=municipality, role=role),
    )


@transaction.atomic
def programme_coordinator_add(*, acting_user, programme: TwinningProgramme, user) -> None:
    _only_administrators(acting_user)
    programme.coordinators.add(user)


@transaction.atomic
def mission_coordinator_add(*, acting_user, mission: Mission, user) -> None:
    _only_administrators(acting_user)
    mission.coordinators.add(user)


# --------------------------------------------------------------------------------------------
# Municipalities
# --------------------------------------------------------------------------------------------

# What only an administrator may set on a municipality (its address and whether it is public).
ADMINISTRATOR_FIELDS = ("slug", "is_published")


def municipality_check(*, acting_user, instance: Municipality) -> None:
    if instance.pk is None or instance._state.adding:
        _only_administrators(acting_user, _("Only an administrator can add a municipality."))
        return
    MunicipalityAccess(acting_user).check(instance, field="name")
    if not acts_for_all(acting_user):
        changed = set(instance.changed_fields()) & set(ADMINISTRATOR_FIELDS)
        if changed:
            raise PermissionDenied(
                _("Only an administrator can change a municipality's address or publication.")
            )


@transaction.atomic
def municipality_save(*, acting_user, instance: Municipality) -> Municipality:
    municipality_check(acting_user=acting_user, instance=instance)
    if not instance.slug:
        instance.slug = unique_slug(
            Municipality, instance.name_en or instance.name, suffix=str(instance.country)
        )
    model_save(instance=instance, acting_user=acting_user)
    return instance


def municipality_create(*, acting_user, data: Mapping[str, Any]) -> Municipality:
    return municipality_save(acting_user=acting_user, instance=Municipality(**data))


def municipality_update(
    *, acting_user, municipality: Municipality, data: Mapping[str, Any]
) -> Municipality:
    for field, value in data.items():
        setattr(municipality, field, value)
    return municipality_save(acting_user=acting_user, instance=municipality)


@transaction.atomic
def municipality_delete(*, acting_user, instance: Municipality) -> None:
    _only_administrators(acting_user, _("Only an administrator can delete a municipality."))
    model_delete(instance=instance, acting_user=acting_user)


# --------------------------------------------------------------------------------------------
# Milestones
# --------------------------------------------------------------------------------------------


def milestone_check(
    *, acting_user, instance: Milestone, access: MunicipalityAccess | None = None
) -> None:
    """The user must edit for the milestone's municipality, and for the one it belongs to now
    (a milestone cannot be moved away from a city its editor does not edit)."""
    access = access or MunicipalityAccess(acting_user)
    stored = instance.stored_value("municipality_id")
    if stored is not None and stored != instance.municipality_id:
        access.check(stored)
    access.check(instance.municipality if instance.municipality_id else None)


@transaction.atomic
def milestone_save(*, acting_user, instance: Milestone, reason: str = "") -> Milestone:
    milestone_check(acting_user=acting_user, instance=instance)
    changed = model_save(instance=instance, acting_user=acting_user)
    if changed and reason:
        update_change_reason(instance, reason)
    return instance


def milestone_create(
    *, acting_user, municipality: Municipality, data: Mapping[str, Any]
) -> Milestone:
    return milestone_save(
        acting_user=acting_user, instance=Milestone(municipality=municipality, **data)
    )


def milestone_update(
    *, acting_user, milestone: Milestone, data: Mapping[str, Any], reason: str = ""
) -> Milestone:
    for field, value in data.items():
        setattr(milestone, field, value)
    return milestone_save(acting_user=acting_user, instance=milestone, reason=reason)


@transaction.atomic
def milestone_delete(*, acting_user, instance: Milestone) -> None:
    milestone_check(acting_user=acting_user, instance=instance)
    model_delete(instance=instance, acting_user=acting_user)


def milestone_update_status(
    *, milestone: Milestone, status: str, acting_user, reason: str = ""
) -> Milestone:
    """Change a milestone's status on behalf of ``acting_user``, who must be allowed to edit it."""
    if status not in Milestone.Status.values:
        raise ValidationError({"status": _("Unknown status: %(status)s") % {"status": status}})
    return milestone_update(
        acting_user=acting_user, milestone=milestone, data={"status": status}, reason=reason
    )


@transaction.atomic
def milestones_bulk_update_status(*, milestones, status: str, acting_user) -> int:
    """Set ``status`` on every milestone of ``milestones`` the user may edit; return the count."""
    count = 0
    for milestone in milestones.editable_by(acting_user).exclude(status=status):
        milestone_update_status(milestone=milestone, status=status, acting_user=acting_user)
        count += 1
    return count


@transaction.atomic
def milestones_write_many(
    *,
    acting_user,
    created: Iterable[Milestone],
    updated: Iterable[Milestone],
    update_fields: list[str],
    batch_size: int = 1000,
) -> None:
    """Write many validated milestones at once, with their history (imports). The same rule as
    ``milestone_check``, asked once for the whole batch."""
    created, updated = list(created), list(updated)
    access = MunicipalityAccess(acting_user)
    for milestone in [*created, *updated]:
        milestone_check(acting_user=acting_user, instance=milestone, access=access)
    # What each write changes, read before writing (the import loaded the stored rows).
    changes = {id(milestone): milestone_changes(milestone) for milestone in [*created, *updated]}
    if created:
        bulk_create_with_history(
            created, Milestone, batch_size=batch_size, default_user=acting_user
        )
    if updated:
        bulk_update_with_history(
            updated,
            Milestone,
            fields=update_fields,
            batch_size=batch_size,
            default_user=acting_user,
        )
    # The same events as one write at a time (the audit log, notifications).
    for milestone in created:
        events.send(
            instance=milestone,
            action=events.CREATE,
            changes=changes[id(milestone)],
            acting_user=acting_user,
        )
    for milestone in updated:
        events.send(
            instance=milestone,
            action=events.UPDATE,
            changes=changes[id(milestone)],
            acting_user=acting_user,
        )


def milestone_changes(milestone: Milestone) -> dict:
    """{field: (before, after)} of what differs from the stored row (everything when new)."""
    stored = {} if milestone.pk is None else milestone._stored_values()
    return {
        name: (stored.get(name), getattr(milestone, name)) for name in milestone.changed_fields()
    }


# --------------------------------------------------------------------------------------------
# Climate City Contracts belong to their city (its editors); Mission Labels to the Mission (its
# coordinators and administrators)
# --------------------------------------------------------------------------------------------


def contract_part_check(
    *, acting_user, instance: ContractPart, access: MunicipalityAccess | None = None
) -> None:
    """The user must edit for the part's municipality, and for the one it belongs to now."""
    access = access or MunicipalityAccess(acting_user)
    stored = instance.stored_value("municipality_id")
    if stored is not None and stored != instance.municipality_id:
        access.check(stored)
    access.check(instance.municipality if instance.municipality_id else None)


@transaction.atomic
def contract_part_save(*, acting_user, instance: ContractPart) -> ContractPart:
    contract_part_check(acting_user=acting_user, instance=instance)
    model_save(instance=instance, acting_user=acting_user)
    return instance


@transaction.atomic
def contract_part_delete(*, acting_user, instance: ContractPart) -> None:
    contract_part_check(acting_user=acting_user, instance=instance)
    model_delete(instance=instance, acting_user=acting_user)


def municipality_visible_check(*, acting_user, instance) -> None:
    """A Label or a twinning participant moved to a municipality: one the user may see."""
    if (
        instance.municipality_id
        and instance.municipality_id != instance.stored_value("municipality_id")
        and not Municipality.objects.visible_to(acting_user)
        .filter(pk=instance.municipality_id)
        .exists()
    ):
        raise ValidationError({"municipality": _("Choose a published municipality.")})


def mission_label_check(*, acting_user, instance: MissionLabel) -> None:
    """Only the Mission's coordinators and administrators award, change or withdraw its Labels
    (a city's editors see their city's Label, and may not change it)."""
    if acts_for_all(acting_user):
        return
    coordinated = Mission.objects.coordinated_by(acting_user)
    missions = {instance.stored_value("mission_id"), instance.mission_id} - {None}
    if not missions or coordinated.filter(pk__in=missions).count() != len(missions):
        raise PermissionDenied(
            _("Only the Mission's coordinators and administrators can change a Mission Label.")
        )
    municipality_visible_check(acting_user=acting_user, instance=instance)


@transaction.atomic
def mission_label_save(*, acting_user, instance: MissionLabel) -> MissionLabel:
    mission_label_check(acting_user=acting_user, instance=instance)
    model_save(instance=instance, acting_user=acting_user)
    return instance


@transaction.atomic
def mission_label_delete(*, acting_user, instance: MissionLabel) -> None:
    mission_label_check(acting_user=acting_user, instance=instance)
    model_delete(instance=instance, acting_user=acting_user)


# --------------------------------------------------------------------------------------------
# Twinning: twinnings belong to their programme, whose coordinators (and superusers) manage them
# --------------------------------------------------------------------------------------------


def programme_check(*, acting_user, programme: TwinningProgramme | int | None) -> None:
    programme_id = getattr(programme, "pk", programme)
    if acts_for_all(acting_user):
        return
    if (
        programme_id is None
        or not TwinningProgramme.objects.managed_by(acting_user).filter(pk=programme_id).exists()
    ):
        raise PermissionDenied(
            _("Only the programme's coordinators and administrators can change its twinnings.")
        )


def twinning_check(*, acting_user, instance: Twinning) -> None:
    stored = instance.stored_value("programme_id")
    if stored is not None and stored != instance.programme_id:
        programme_check(acting_user=acting_user, programme=stored)
    programme_check(acting_user=acting_user, programme=instance.programme_id)


@transaction.atomic
def twinning_save(*, acting_user, instance: Twinning) -> Twinning:
    twinning_check(acting_user=acting_user, instance=instance)
    model_save(instance=instance, acting_user=acting_user)
    return instance


@transaction.atomic
def twinning_delete(*, acting_user, instance: Twinning) -> None:
    twinning_check(acting_user=acting_user, instance=instance)
    model_delete(instance=instance, acting_user=acting_user)


def twinning_participant_check(*, acting_user, instance: TwinningParticipant) -> None:
    stored = instance.stored_value("twinning_id")
    if stored is not None and stored != instance.twinning_id:
        programme_check(
            acting_user=acting_user,
            programme=Twinning.objects.values_list("programme_id", flat=True).get(pk=stored),
        )
    programme_check(acting_user=acting_user, programme=instance.twinning.programme_id)
    municipality_visible_check(acting_user=acting_user, instance=instance)


@transaction.atomic
def twinning_participant_save(*, acting_user, instance: TwinningParticipant) -> TwinningParticipant:
    twinning_participant_check(acting_user=acting_user, instance=instance)
    model_save(instance=instance, acting_user=acting_user)
    return instance


@transaction.atomic
def twinning_participant_delete(*, acting_user, instance: TwinningParticipant) -> None:
    twinning_participant_check(acting_user=acting_user, instance=instance)
    model_delete(instance=instance, acting_user=acting_user)


@transaction.atomic
def twinning_pair(
    *,
    acting_user,
    programme: TwinningProgramme,
    cohort: int,
    twin: Municipality,
    pilot: Municipality,
) -> tuple[TwinningParticipant, bool]:
    """Pair ``twin`` with ``pilot`` in ``programme``: the twin's twinning there (created when it
    has none) gains the pilot, so rows naming one twin and several pilots make a cluster.
    Returns the pilot's participation and whether it is new."""
    programme_check(acting_user=acting_user, programme=programme)
    if twin.pk == pilot.pk:
        raise ValidationError({"pilot_city": _("A city cannot be twinned with itself.")})
    twinning = Twinning.objects.filter(
        programme=programme,
        participants__municipality=twin,
        participants__role=TwinningParticipant.Role.TWIN,
    ).first()
    if twinning is None:
        twinning = twinning_save(
            acting_user=acting_user, instance=Twinning(programme=programme, cohort=cohort)
        )
        twinning_participant_save(
            acting_user=acting_user,
            instance=TwinningParticipant(
                twinning=twinning, municipality=twin, role=TwinningParticipant.Role.TWIN
            ),
        )
    elif twinning.cohort != cohort:
        raise ValidationError(
            {
                "cohort": _("%(twin)s is already in cohort %(cohort)s of this programme.")
                % {"twin": twin.name, "cohort": twinning.cohort}
            }
        )
    existing = TwinningParticipant.objects.filter(twinning=twinning, municipality=pilot).first()
    if existing is not None:
        if existing.role != TwinningParticipant.Role.PILOT:
            raise ValidationError({"pilot_city": _("This city is the twin of this twinning.")})
        return existing, False
    participant = twinning_participant_save(
        acting_user=acting_user,
        instance=TwinningParticipant(
            twinning=twinning, municipality=pilot, role=TwinningParticipant.Role.PILOT
        ),
    )
    return participant, True


# --------------------------------------------------------------------------------------------
# Organisations and memberships: an editor manages their own municipality's organisation
# --------------------------------------------------------------------------------------------


def organisation_check(
    *, acting_user, instance: Organisation, access: MunicipalityAccess | None = None
) -> None:
    access = access or MunicipalityAccess(acting_user)
    if access.everything:
        return
    if instance.pk is not None and not instance._state.adding:
        stored = instance.stored_value("municipality_id")
        if stored is None:
            raise PermissionDenied(_("Only an administrator can change this organisation."))
        access.check(stored)
    if instance.municipality_id is None:
        raise ValidationError(
            {"municipality": _("Name the municipality you hold an editor role for.")}
        )
    access.check(instance.municipality)


@transaction.atomic
def organisation_save(*, acting_user, instance: Organisation) -> Organisation:
    organisation_check(acting_user=acting_user, instance=instance)
    if not instance.slug:
        instance.slug = unique_slug(Organisation, instance.name_en or instance.name)
    model_save(instance=instance, acting_user=acting_user)
    return instance


@transaction.atomic
def organisation_delete(*, acting_user, instance: Organisation) -> None:
    organisation_check(acting_user=acting_user, instance=instance)
    model_delete(instance=instance, acting_user=acting_user)


def membership_check(*, acting_user, instance: Membership) -> None:
    if acts_for_all(acting_user):
        return
    editable = Organisation.objects.editable_by(acting_user)
    stored = instance.stored_value("organisation_id")
    for organisation_id in {stored, instance.organisation_id} - {None}:
        if not editable.filter(pk=organisation_id).exists():
            raise PermissionDenied(
                _("Only an administrator can change this organisation's memberships.")
            )


@transaction.atomic
def membership_save(*, acting_user, instance: Membership) -> Membership:
    membership_check(acting_user=acting_user, instance=instance)
    model_save(instance=instance, acting_user=acting_user)
    return instance


@transaction.atomic
def membership_delete(*, acting_user, instance: Membership) -> None:
    membership_check(acting_user=acting_user, instance=instance)
    model_delete(instance=instance, acting_user=acting_user)


# --------------------------------------------------------------------------------------------
# The services that generic callers (the admin) reach for each model
# --------------------------------------------------------------------------------------------

REFERENCE = Writer(check=reference_check, save=reference_save, delete=reference_delete)
for _model in (Mission, TwinningProgramme, Network, MissionParticipation, MunicipalityRole):
    register_writer(_model, REFERENCE)
register_writer(
    Municipality,
    Writer(check=municipality_check, save=municipality_save, delete=municipality_delete),
)
register_writer(
    Milestone, Writer(check=milestone_check, save=milestone_save, delete=milestone_delete)
)
register_writer(Twinning, Writer(check=twinning_check, save=twinning_save, delete=twinning_delete))
register_writer(
    TwinningParticipant,
    Writer(
        check=twinning_participant_check,
        save=twinning_participant_save,
        delete=twinning_participant_delete,
    ),
)
register_writer(
    Organisation,
    Writer(check=organisation_check, save=organisation_save, delete=organisation_delete),
)
register_writer(
    Membership, Writer(check=membership_check, save=membership_save, delete=membership_delete)
)
register_writer(
    ContractPart,
    Writer(check=contract_part_check, save=contract_part_save, delete=contract_part_delete),
)
register_writer(
    MissionLabel,
    Writer(check=mission_label_check, save=mission_label_save, delete=mission_label_delete),
)
