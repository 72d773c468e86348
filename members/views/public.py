from django.shortcuts import render

from members.models import Member
from pinnacle.tenancy import get_for_partnership_or_404


def home(request):
    return render(request, "home.html")


def directory(request):
    return render(request, "members/directory.html")


def directory_profile(request, slug):
    member = get_for_partnership_or_404(
        Member.objects.filter(is_listed=True, is_active=True), request.partnership, slug=slug
    )
    return render(request, "members/profile.html", {"member": member})
