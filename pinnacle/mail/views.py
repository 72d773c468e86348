from django.http import HttpResponse


def unsubscribe(request, token):
    return HttpResponse("not yet")
