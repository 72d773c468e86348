"""The partnership's leads list for members, a lead's timeline, CSV export, compliance report."""

from django.http import HttpResponse

from members.auth import leadership_required, member_required


@member_required
def lead_list(request):
    return HttpResponse("leads list")


@member_required
def lead_detail(request, pk):
    return HttpResponse("lead")


@leadership_required
def lead_export(request):
    return HttpResponse("csv")


@leadership_required
def response_compliance(request):
    return HttpResponse("compliance")
