from django.urls import path

from leads.views import inquiries, leads, public

urlpatterns = [
    # Prospects (no password)
    path("join/", public.join, name="join"),
    path("contact/", public.contact, name="contact"),
    path("join/thanks/", public.thanks, name="lead_thanks"),
    path("access/confirm/", public.confirm_access, name="confirm_access"),
    path("access/<str:token>/", public.prospect_access, name="prospect_access"),
    path("directory/<slug:slug>/connect/", public.interest, name="express_interest"),
    # Members
    path("leads/", leads.lead_list, name="lead_list"),
    path("leads/export.csv", leads.lead_export, name="lead_export"),
    path("leads/compliance/", leads.response_compliance, name="response_compliance"),
    path("leads/compliance/export.csv", leads.compliance_export, name="compliance_export"),
    path("leads/<int:pk>/", leads.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/opt-out/", leads.lead_opt_out, name="lead_opt_out"),
    path("inquiries/", inquiries.inquiry_list, name="inquiry_list"),
    path("inquiries/<int:pk>/", inquiries.inquiry_detail, name="inquiry_detail"),
]
