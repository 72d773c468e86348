from django.shortcuts import render

from members.auth import member_required


@member_required
def dashboard(request):
    return render(request, "members/dashboard.html", {"member": request.member})
