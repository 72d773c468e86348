"""The member's inner circle: the list, a contact's page and its forms, import and export, the
score's weights, the allied resources scorecard, and leadership's counts-only overview.

Every contact is reached through `circle_reads.contact_for(request.member, pk)`: another member's
contact (leadership's too) is a 404. Views parse with a form, call one service, and redirect, or
show the form again with the service's reason."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from advocates.extensions import contact_sections
from advocates.forms.contacts import (
    ContactEmailForm,
    ContactForm,
    ImportForm,
    InteractionForm,
    MoveSegmentForm,
    ServiceRecordForm,
)
from advocates.models import Segment
from advocates.selectors import circle as circle_reads
from advocates.services import contacts as services
from advocates.services import emails, io, score
from members.auth import member_required
from pinnacle.refusals import refused_into

CONTACTS_PER_PAGE = 25
LOG_PER_PAGE = 25
HISTORY_PER_PAGE = 10
IMPORT_SESSION_PREFIX = "advocates_import:"
# The yearly targets that make each factor 100 (advocates.services.score), in plain words.
SCORE_TARGETS = (
    f"{score.FREQUENCY_FULL} logged interactions in 12 months (the 33-touch plan kept in full) "
    "make 100.",
    f"{score.REFERRALS_FULL_EACH_WAY} referrals each way in 12 months make 100: half for what "
    "the contact sent you, half for what you sent them.",
    f"{score.APPRECIATION_FULL} acknowledgements in 12 months (touches acknowledged, events "
    "attended, rewards redeemed) make 100.",
)


# --- The circle ---------------------------------------------------------------------------------


@member_required
def circle(request):
    member = request.member
    query = request.GET.get("q", "")[:100]
    segment = request.GET.get("segment", "")
    segment = segment if segment in Segment.values else ""
    sort = request.GET.get("sort", "strength")
    sort = sort if sort in circle_reads.CIRCLE_SORTS else "strength"
    rows = circle_reads.circle(member, query=query, segment=segment, sort=sort)
    page = Paginator(rows, CONTACTS_PER_PAGE).get_page(request.GET.get("page"))
    counts = circle_reads.segment_counts(member)
    tabs = [("", "All", counts[""])] + [(s.value, s.label, counts[s.value]) for s in Segment]
    return render(
        request,
        "advocates/circle.html",
        {
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1),
            "section": "circle",
            "query": query,
            "segment": segment,
            "sort": sort,
            "tabs": tabs,
            "has_any": counts[""] > 0,
        },
    )


# --- Add, edit, delete --------------------------------------------------------------------------


@member_required
def contact_new(request):
    member = request.member
    form = ContactForm(request.POST or None, owner=member)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refused_into(form) as creating:
            contact = services.create_contact(
                owner=member,
                segment=data["segment"],
                linked_member=data["linked_member"],
                actor=request.user,
                **form.contact_fields(),
            )
        if not creating.refused:
            messages.success(request, f"{contact.name} is in your inner circle.")
            return redirect("advocates_contact", pk=contact.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, "advocates/contact_form.html", {"form": form, "section": "circle"}, status=status
    )


@member_required
def contact_edit(request, pk):
    contact = circle_reads.contact_for(request.member, pk)
    initial = {name: getattr(contact, name) for name in services.CONTACT_FIELDS}
    initial["linked_member"] = contact.linked_member_id
    form = ContactForm(request.POST or None, owner=request.member, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refused_into(form) as updating:
            services.update_contact(
                contact=contact,
                linked_member=form.cleaned_data["linked_member"],
                actor=request.user,
                **form.contact_fields(),
            )
        if not updating.refused:
            messages.success(request, f"{contact.name}'s details are saved.")
            return redirect("advocates_contact", pk=contact.pk)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "advocates/contact_form.html",
        {"form": form, "contact": contact, "section": "circle"},
        status=status,
    )


@member_required
def contact_delete(request, pk):
    contact = circle_reads.contact_for(request.member, pk)
    if request.method == "POST":
        services.delete_contact(contact=contact)
        messages.success(request, f"{contact.name} is no longer in your inner circle.")
        return redirect("advocates")
    return render(
        request, "advocates/contact_delete.html", {"contact": contact, "section": "circle"}
    )


# --- The contact's page -------------------------------------------------------------------------


def _contact_page(request, contact, status=200, **forms):
    partnership = request.partnership
    log = Paginator(
        contact.interactions.select_related("message").order_by("-occurred_at", "-pk"),
        LOG_PER_PAGE,
    ).get_page(request.GET.get("log"))
    history = Paginator(
        contact.service_records.order_by("-happened_on", "-pk"), HISTORY_PER_PAGE
    ).get_page(request.GET.get("history"))
    weights = score.Weights.of(circle_reads.circle_settings(request.member))
    factors = [
        (
            "Frequency of communication",
            contact.frequency_points,
            weights.frequency,
            SCORE_TARGETS[0],
        ),
        ("Reciprocal referrals", contact.reciprocal_points, weights.reciprocal, SCORE_TARGETS[1]),
        (
            "Engagement with appreciation programs",
            contact.appreciation_points,
            weights.appreciation,
            SCORE_TARGETS[2],
        ),
    ]
    context = {
        "contact": contact,
        "section": "circle",
        "factors": [
            {
                "label": label,
                "points": points,
                "weight": weight,
                "contribution": points * weight,
                "target": target,
            }
            for label, points, weight, target in factors
        ],
        "segment_history": contact.segment_changes.order_by("-changed_at", "-pk"),
        "log": log,
        "history": history,
        "move_form": forms.get("move_form") or MoveSegmentForm(),
        "log_form": forms.get("log_form") or InteractionForm(partnership=partnership),
        "service_form": forms.get("service_form") or ServiceRecordForm(),
        "email_form": forms.get("email_form") or ContactEmailForm(),
        "contact_sections": contact_sections.render(request, contact=contact),
    }
    return render(request, "advocates/contact_detail.html", context, status=status)


@member_required
def contact_detail(request, pk):
    contact = circle_reads.contact_for(request.member, pk)
    return _contact_page(request, contact)


def _contact_post(request, pk, form_name, form, act, success):
    """A form posted from the contact's page: on success back to the page with a message, on a
    refusal the page again with the form and its reason."""
    contact = circle_reads.contact_for(request.member, pk)
    if form.is_valid():
        with refused_into(form) as acting:
            act(contact, form.cleaned_data)
        if not acting.refused:
            messages.success(request, success(contact))
            return redirect("advocates_contact", pk=contact.pk)
    return _contact_page(request, contact, status=400, **{form_name: form})


@require_POST
@member_required
def contact_move(request, pk):
    return _contact_post(
        request,
        pk,
        "move_form",
        MoveSegmentForm(request.POST),
        lambda contact, data: services.move_to_segment(
            contact=contact, segment=data["segment"], reason=data["reason"], actor=request.user
        ),
        lambda contact: f"{contact.name} moved to {Segment(request.POST['segment']).label}.",
    )


@require_POST
@member_required
def contact_log(request, pk):
    return _contact_post(
        request,
        pk,
        "log_form",
        InteractionForm(request.POST, partnership=request.partnership),
        lambda contact, data: services.record_interaction(
            contact=contact,
            kind=data["kind"],
            occurred_at=data["occurred_at"],
            summary=data["summary"],
            actor=request.user,
        ),
        lambda contact: "Logged.",
    )


@require_POST
@member_required
def contact_service_record(request, pk):
    return _contact_post(
        request,
        pk,
        "service_form",
        ServiceRecordForm(request.POST),
        lambda contact, data: services.add_service_record(
            contact=contact, actor=request.user, **data
        ),
        lambda contact: "Added to the transaction history.",
    )


@require_POST
@member_required
def contact_email(request, pk):
    return _contact_post(
        request,
        pk,
        "email_form",
        ContactEmailForm(request.POST),
        lambda contact, data: emails.send_contact_email(
            member=request.member, contact=contact, actor=request.user, **data
        ),
        lambda contact: f"Your message to {contact.name} is on its way; it is in the log.",
    )


# --- Import and export --------------------------------------------------------------------------


@member_required
def contact_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    preview = token = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with refused_into(form, field="file") as parsing:
                preview = io.parse_contacts_csv(
                    owner=request.member, data=form.cleaned_data["file"].read()
                )
            if not parsing.refused:
                status = 200
                if preview.is_clean:
                    # Only the server's copy is imported on confirm, never one sent back.
                    token = secrets.token_urlsafe(16)
                    request.session[IMPORT_SESSION_PREFIX + token] = {
                        "owner": request.member.pk,
                        "rows": [row.values for row in preview.rows],
                    }
    return render(
        request,
        "advocates/import.html",
        {
            "form": form,
            "preview": preview,
            "token": token,
            "columns": io.COLUMNS,
            "section": "import",
        },
        status=status,
    )


@require_POST
@member_required
def contact_import_confirm(request):
    key = IMPORT_SESSION_PREFIX + request.POST.get("token", "")
    stored = request.session.get(key)
    if not stored or stored.get("owner") != request.member.pk:
        messages.error(request, "That preview has expired; upload the file again.")
        return redirect("advocates_import")
    with refused_into(request) as importing:
        made = io.import_contacts(owner=request.member, rows=stored["rows"], actor=request.user)
    if importing.refused:
        return redirect("advocates_import")
    del request.session[key]
    messages.success(request, f"{len(made)} contacts imported into your inner circle.")
    return redirect("advocates")


@member_required
def contact_import_sample(request):
    return HttpResponse(
        io.sample_csv(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="inner-circle-sample.csv"'},
    )


@member_required
def contact_export(request):
    filename = f"inner-circle-{request.partnership.today():%Y-%m-%d}.csv"
    return StreamingHttpResponse(
        io.export_rows(request.member),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
