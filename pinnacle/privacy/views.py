"""Leadership's page for a person's data request, in the admin (`/admin/personal-data/`): one
form, the address; "Export" downloads the JSON, "Erase..." shows what would be erased and asks
for the address again; only a matching second entry erases. Everything within the host's
partnership, through the services (pinnacle/privacy/services.py), which audit it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from pinnacle.privacy.hashing import normalise
from pinnacle.privacy.services import (
    PrivacyRefused,
    erase_personal_data,
    export_json,
    export_personal_data,
    find_everything,
)


class AddressForm(forms.Form):
    email = forms.EmailField(label="The person's email address", max_length=254)


class ConfirmErasureForm(AddressForm):
    confirm = forms.CharField(label="Type the address again to erase", max_length=254)

    def clean(self):
        cleaned = super().clean()
        if normalise(cleaned.get("confirm", "")) != normalise(cleaned.get("email", "")):
            raise forms.ValidationError("The address typed again does not match: nothing erased.")
        return cleaned


def personal_data(request, site) -> HttpResponse:
    partnership = request.partnership
    context = {**site.each_context(request), "title": "A person's data", "partnership": partnership}
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = AddressForm(request.POST if action in ("export", "review") else None)
    try:
        if action == "export" and form.is_valid():
            data = export_personal_data(
                partnership=partnership, email=form.cleaned_data["email"], actor=request.user
            )
            response = HttpResponse(export_json(data), content_type="application/json")
            response["Content-Disposition"] = (
                f'attachment; filename="personal-data-{partnership.slug}.json"'
            )
            return response
        if action == "review" and form.is_valid():
            return _review(request, context, form.cleaned_data["email"])
        if action == "erase":
            confirm = ConfirmErasureForm(request.POST)
            if not confirm.is_valid():
                return _review(request, context, request.POST.get("email", ""), confirm, status=400)
            erased = erase_personal_data(
                partnership=partnership, email=confirm.cleaned_data["email"], actor=request.user
            )
            messages.success(
                request,
                f"Erased: {erased.rows} records anonymised, {erased.files} files deleted, the "
                f"address cut out of {erased.scrubbed} other records. Opt-outs still hold.",
            )
            return redirect("admin:personal_data")
    except PrivacyRefused as refused:
        form = AddressForm(request.POST)
        if form.is_valid():  # else the field's own error says it
            form.add_error(None, str(refused))
    status = 400 if action else 200
    return TemplateResponse(
        request, "admin/personal_data.html", {**context, "form": form}, status=status
    )


def _review(request, context, email, confirm=None, status=200) -> HttpResponse:
    search, ordered = find_everything(partnership=request.partnership, email=email)
    found = [
        (provider.about, len(search.ids(provider.label)), provider.kept)
        for provider in ordered
        if search.ids(provider.label)
    ]
    confirm = confirm or ConfirmErasureForm(initial={"email": search.email})
    return TemplateResponse(
        request,
        "admin/personal_data_erase.html",
        {**context, "email": search.email, "found": found, "form": confirm},
        status=status,
    )
