"""A member's inquiries from prospects: the list with time left, and answering one."""

from django.http import HttpResponse

from members.auth import member_required


@member_required
def inquiry_list(request):
    return HttpResponse("inquiries")


@member_required
def inquiry_detail(request, pk):
    return HttpResponse("inquiry")
