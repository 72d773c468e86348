from django.utils.functional import SimpleLazyObject

from leads.prospect import current_prospect


def prospect(request) -> dict:
    return {"prospect": SimpleLazyObject(lambda: current_prospect(request))}
