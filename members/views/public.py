from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from members import extensions, selectors
from members.forms import DirectoryFilterForm
from pinnacle.membership import request_membership
from pinnacle.public_pages import public_page, remembered

DIRECTORY_PAGE_SIZE = 12


def home(request):
    # A member opening the site lands on their dashboard; `/?public` shows them the public home.
    if "public" not in request.GET and request_membership(request) is not None:
        return redirect("dashboard")
    partnership = request.partnership
    return render(
        request,
        "home.html",
        {
            "featured": selectors.featured_members(partnership=partnership),
            "stats": selectors.directory_stats(partnership=partnership),
        },
    )


# Free-text searches are not kept: each distinct one would hold a copy of the page in the Redis
# the broker shares. The listing, its filters and pages are a bounded set.
@public_page(query=("kind", "service_category", "area", "page"))
def directory(request):
    partnership = request.partnership
    areas = remembered(
        partnership,
        "directory-areas",
        lambda: selectors.directory_area_choices(partnership=partnership),
    )
    form = DirectoryFilterForm(request.GET, areas=areas)
    filters = form.filters()
    members = selectors.directory_members(partnership=partnership, **filters)
    page = Paginator(members, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "members/directory.html",
        {
            "form": form,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(
                page.number, on_each_side=1, on_ends=1
            ),
            "is_filtered": any(filters.values()),
            "query": filters["q"],
        },
    )


@public_page()
def directory_profile(request, slug):
    member = selectors.get_listed_member(partnership=request.partnership, slug=slug)
    intro = ""
    if member.specialization.strip():
        intro = request.partnership.render_intro_statement(member.specialization)
    return render(
        request,
        "members/profile.html",
        {
            "member": member,
            "intro_statement": intro,
            "actions": extensions.profile_actions.render(request, member=member),
        },
    )
