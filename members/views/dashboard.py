from django.contrib import messages
from django.shortcuts import redirect, render

from members import selectors
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
            # The join page (a later issue) reads ?ref= to pre-select the referring member.
            "referral_link": request.partnership.absolute_url(f"/join/?ref={member.slug}"),
        },
    )


@member_required
def profile_edit(request):
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, instance=request.member)
        if form.is_valid():
            form.save(actor=request.user)
            messages.success(request, "Your profile has been saved.")
            return redirect("dashboard")
        messages.error(request, "Your profile was not saved. Please correct the marked fields.")
    else:
        form = ProfileForm(instance=request.member)
    return render(request, "members/profile_edit.html", {"form": form})
