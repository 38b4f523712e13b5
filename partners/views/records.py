"""Adding and editing a partner and what it has: contacts, interactions, pathways and data sharing agreements.

Every form follows one pattern: bad input is shown at its field with what was
typed kept; a stale edit shows both versions (nothing is lost); a saved form
goes back to the partner's page.
"""

import copy
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from audit.services import consultation_record
from editing.forms import form_add_service_error, form_save_edit, posted

from .. import selectors, services
from ..forms import (
    AgreementEditForm,
    AgreementForm,
    ContactEditForm,
    ContactForm,
    InteractionEditForm,
    InteractionForm,
    PartnerEditForm,
    PartnerForm,
    PathwayEditForm,
    PathwayForm,
)
from ..models import Partner
from . import force_code_for

TEMPLATE = "partners/record_form.html"


def _back_to(partner: Partner, section: str = "") -> HttpResponse:
    url = reverse("partners:partner_detail", args=[partner.pk])
    return redirect(f"{url}#{section}" if section else url)


def _render(request: HttpRequest, heading: str, form, *, partner: Partner | None = None, conflict=None, status=200):
    context = {"heading": heading, "form": form, "partner": partner, "conflict": conflict}
    return render(request, TEMPLATE, context, status=status)


def _saved_new(request: HttpRequest, form, save: Callable) -> object | None:
    """Save a valid new record through ``save(form)``; None (with the service's refusal on the form) otherwise."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save(form)
    except ValidationError as error:
        form_add_service_error(form, error)
        return None


# ------------------------------------------------------------------------------
# Partners
# ------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def partner_new_view(request: HttpRequest) -> HttpResponse:
    form = PartnerForm(posted(request), user=request.user)
    partner = _saved_new(
        request,
        form,
        lambda f: services.partner_create(
            by=request.user, fields=f.fields_for_service(), forces=f.forces_for_service(), request=request
        ),
    )
    if partner is not None:
        messages.success(request, f"{partner.name} is in the directory.")
        return _back_to(partner)
    return _render(request, "Add a partner", form)


@require_http_methods(["GET", "POST"])
def partner_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    partner = selectors.partner_get_visible(request.user, pk)
    form = PartnerEditForm(posted(request), instance=copy.copy(partner), user=request.user)
    saved, form, conflict = form_save_edit(
        request,
        form,
        lambda f: services.partner_update(
            partner=partner,
            by=request.user,
            expected_version=f.cleaned_data["version"],
            changes=f.fields_for_service(),
            forces=f.forces_for_service(),
            request=request,
        ),
        object_type="partner",
        user=request.user,
    )
    if saved is not None:
        messages.success(request, f"{saved.name} is saved.")
        return _back_to(saved)
    return _render(request, f"Edit {partner.name}", form, partner=partner, conflict=conflict)


# ------------------------------------------------------------------------------
# Contacts (personal data: opening one to edit is a logged consultation)
# ------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def contact_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    partner = selectors.partner_get_visible(request.user, pk)
    form = ContactForm(posted(request))
    contact = _saved_new(
        request,
        form,
        lambda f: services.contact_add(
            partner=partner, by=request.user, fields=f.fields_for_service(), request=request
        ),
    )
    if contact is not None:
        messages.success(request, f"{contact.name} is saved as a contact.")
        return _back_to(partner, "contacts-heading")
    return _render(request, f"Add a contact at {partner.name}", form, partner=partner)


@require_http_methods(["GET", "POST"])
def contact_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_get_visible(request.user, pk)
    partner = contact.partner
    form = ContactEditForm(posted(request), instance=copy.copy(contact))
    saved, form, conflict = form_save_edit(
        request,
        form,
        lambda f: services.contact_update(
            contact=contact,
            by=request.user,
            expected_version=f.cleaned_data["version"],
            changes=f.fields_for_service(),
            request=request,
        ),
        object_type="partner_contact",
    )
    if saved is not None:
        messages.success(request, f"{saved.name} is saved.")
        return _back_to(partner, "contacts-heading")
    if request.method == "GET":
        consultation_record(
            request=request,
            object_type="partner_contact",
            object_id=contact.pk,
            force=force_code_for(request.user, partner),
        )
    return _render(request, f"Edit {contact.name}, {partner.name}", form, partner=partner, conflict=conflict)


# ------------------------------------------------------------------------------
# Interactions
# ------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def interaction_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    partner = selectors.partner_get_visible(request.user, pk)
    form = InteractionForm(posted(request), user=request.user)
    interaction = _saved_new(
        request,
        form,
        lambda f: services.interaction_add(
            partner=partner, by=request.user, fields=f.fields_for_service(), request=request
        ),
    )
    if interaction is not None:
        messages.success(request, f"{interaction} is saved.")
        return _back_to(partner, "interactions-heading")
    return _render(request, f"Record an interaction with {partner.name}", form, partner=partner)


@require_http_methods(["GET", "POST"])
def interaction_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    interaction = selectors.interaction_get_visible(request.user, pk)
    partner = interaction.partner
    form = InteractionEditForm(posted(request), instance=copy.copy(interaction), user=request.user)
    saved, form, conflict = form_save_edit(
        request,
        form,
        lambda f: services.interaction_update(
            interaction=interaction,
            by=request.user,
            expected_version=f.cleaned_data["version"],
            changes=f.fields_for_service(),
            request=request,
        ),
        object_type="partner_interaction",
        user=request.user,
    )
    if saved is not None:
        messages.success(request, f"{saved} is saved.")
        return _back_to(partner, "interactions-heading")
    return _render(request, f"Edit an interaction with {partner.name}", form, partner=partner, conflict=conflict)


# ------------------------------------------------------------------------------
# Pathways
# ------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def pathway_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    partner = selectors.partner_get_visible(request.user, pk)
    form = PathwayForm(posted(request), user=request.user, partner=partner)
    pathway = _saved_new(
        request,
        form,
        lambda f: services.pathway_add(
            partner=partner,
            by=request.user,
            fields=f.fields_for_service(),
            forces=f.forces_for_service(),
            request=request,
        ),
    )
    if pathway is not None:
        messages.success(request, f"The pathway “{pathway.name}” is saved.")
        return _back_to(partner, "pathways-heading")
    return _render(request, f"Add a pathway with {partner.name}", form, partner=partner)


@require_http_methods(["GET", "POST"])
def pathway_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    pathway = selectors.pathway_get_visible(request.user, pk)
    partner = pathway.partner
    form = PathwayEditForm(posted(request), instance=copy.copy(pathway), user=request.user, partner=partner)
    saved, form, conflict = form_save_edit(
        request,
        form,
        lambda f: services.pathway_update(
            pathway=pathway,
            by=request.user,
            expected_version=f.cleaned_data["version"],
            changes=f.fields_for_service(),
            forces=f.forces_for_service(),
            request=request,
        ),
        object_type="pathway",
        user=request.user,
        partner=partner,
    )
    if saved is not None:
        messages.success(request, f"The pathway “{saved.name}” is saved.")
        return _back_to(partner, "pathways-heading")
    return _render(request, f"Edit the pathway “{pathway.name}”", form, partner=partner, conflict=conflict)


# ------------------------------------------------------------------------------
# Data sharing agreements
# ------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def agreement_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    partner = selectors.partner_get_visible(request.user, pk)
    form = AgreementForm(posted(request))
    agreement = _saved_new(
        request,
        form,
        lambda f: services.agreement_add(
            partner=partner, by=request.user, fields=f.fields_for_service(), request=request
        ),
    )
    if agreement is not None:
        messages.success(request, "The data sharing agreement is saved.")
        return _back_to(partner, "agreements-heading")
    return _render(request, f"Add a data sharing agreement with {partner.name}", form, partner=partner)


@require_http_methods(["GET", "POST"])
def agreement_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.agreement_get_visible(request.user, pk)
    partner = agreement.partner
    form = AgreementEditForm(posted(request), instance=copy.copy(agreement))
    saved, form, conflict = form_save_edit(
        request,
        form,
        lambda f: services.agreement_update(
            agreement=agreement,
            by=request.user,
            expected_version=f.cleaned_data["version"],
            changes=f.fields_for_service(),
            request=request,
        ),
        object_type="data_sharing_agreement",
    )
    if saved is not None:
        messages.success(request, "The data sharing agreement is saved.")
        return _back_to(partner, "agreements-heading")
    heading = f"Edit the data sharing agreement with {partner.name}"
    return _render(request, heading, form, partner=partner, conflict=conflict)
