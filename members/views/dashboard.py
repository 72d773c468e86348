from django.contrib import messages
from django.shortcuts import redirect, render

from members import extensions, selectors, services
from members.auth import member_required
from members.forms import ProfileForm


@member_required
def dashboard(request):
    member = request.member
    return render(
        request,
        "members/dashboard.html",
        {
            "member": member,
            "progress": selectors.profile_progress(member),
            "panels": extensions.dashboard_panels.render(request, member=member),
        },
    )


@member_required
def profile_edit(request):
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, instance=request.member)
        if form.is_valid():
            services.update_profile(
                member=request.member,
                fields=form.profile_fields(),
                image_changes=form.image_changes(),
                actor=request.user,
            )
            messages.success(request, "Your profile has been saved.")
            return redirect("dashboard")
        messages.error(request, "Your profile was not saved. Please correct the marked fields.")
    else:
        form = ProfileForm(instance=request.member)
    return render(
        request,
        "members/profile_edit.html",
        {
            "form": form,
            "sections": extensions.profile_edit_sections.render(request, member=request.member),
        },
    )
