from django.urls import path

from advocates.views import contacts, scorecard

urlpatterns = [
    path("", contacts.circle, name="advocates"),
    path("new/", contacts.contact_new, name="advocates_contact_new"),
    path("<int:pk>/", contacts.contact_detail, name="advocates_contact"),
    path("<int:pk>/edit/", contacts.contact_edit, name="advocates_contact_edit"),
    path("<int:pk>/delete/", contacts.contact_delete, name="advocates_contact_delete"),
    path("<int:pk>/segment/", contacts.contact_move, name="advocates_contact_move"),
    path("<int:pk>/log/", contacts.contact_log, name="advocates_contact_log"),
    path("<int:pk>/history/", contacts.contact_service_record, name="advocates_contact_history"),
    path("<int:pk>/email/", contacts.contact_email, name="advocates_contact_email"),
    path("import/", contacts.contact_import, name="advocates_import"),
    path("import/confirm/", contacts.contact_import_confirm, name="advocates_import_confirm"),
    path("import/sample.csv", contacts.contact_import_sample, name="advocates_import_sample"),
    path("export.csv", contacts.contact_export, name="advocates_export"),
    path("settings/", scorecard.circle_settings, name="advocates_settings"),
    path("allied/", scorecard.allied_scorecard, name="advocates_allied"),
    path("overview/", scorecard.overview, name="advocates_overview"),
]
