from django.urls import path

from leads.views import customer, inquiries, leads, postclose, public, transactions

urlpatterns = [
    # Prospects (no password)
    path("join/", public.join, name="join"),
    path("contact/", public.contact, name="contact"),
    path("join/thanks/", public.thanks, name="lead_thanks"),
    path("access/confirm/", public.confirm_access, name="confirm_access"),
    path("access/<str:token>/", public.prospect_access, name="prospect_access"),
    path("directory/<slug:slug>/connect/", public.interest, name="express_interest"),
    # Customers (no password): their own transaction, read-only
    path("my-transaction/<str:token>/", customer.customer_transaction, name="customer_transaction"),
    # Members
    path("leads/", leads.lead_list, name="lead_list"),
    path("leads/export.csv", leads.lead_export, name="lead_export"),
    path("leads/compliance/", leads.response_compliance, name="response_compliance"),
    path("leads/compliance/export.csv", leads.compliance_export, name="compliance_export"),
    path("leads/<int:pk>/", leads.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/opt-out/", leads.lead_opt_out, name="lead_opt_out"),
    path("inquiries/", inquiries.inquiry_list, name="inquiry_list"),
    path("inquiries/<int:pk>/", inquiries.inquiry_detail, name="inquiry_detail"),
    # Transactions and their team committees (confidential: see leads.selectors.transactions)
    path("transactions/", transactions.transaction_list, name="transaction_list"),
    path("transactions/export.csv", transactions.transaction_export, name="transaction_export"),
    path(
        "leads/<int:pk>/transactions/new/", transactions.transaction_open, name="transaction_open"
    ),
    path("transactions/<int:pk>/", transactions.transaction_detail, name="transaction_detail"),
    path(
        "transactions/<int:pk>/team/",
        transactions.transaction_add_member,
        name="transaction_add_member",
    ),
    path(
        "transactions/<int:pk>/team/<int:seat_pk>/remove/",
        transactions.transaction_remove_member,
        name="transaction_remove_member",
    ),
    path(
        "transactions/<int:pk>/leader/",
        transactions.transaction_propose_leader,
        name="transaction_propose_leader",
    ),
    path(
        "transactions/<int:pk>/leader/<int:proposal_pk>/agree/",
        transactions.transaction_agree_leader,
        name="transaction_agree_leader",
    ),
    path(
        "transactions/<int:pk>/whole-team/",
        transactions.transaction_confirm_whole_team,
        name="transaction_confirm_whole_team",
    ),
    path("transactions/<int:pk>/stage/", transactions.transaction_stage, name="transaction_stage"),
    path(
        "transactions/<int:pk>/details/",
        transactions.transaction_details,
        name="transaction_details",
    ),
    path("transactions/<int:pk>/notes/", transactions.transaction_note, name="transaction_note"),
    path(
        "transactions/<int:pk>/timeline/<int:event_pk>/share/",
        transactions.transaction_event_share,
        name="transaction_event_share",
    ),
    path(
        "transactions/<int:pk>/documents/",
        transactions.transaction_document_upload,
        name="transaction_document_upload",
    ),
    path(
        "transactions/<int:pk>/documents/<int:doc_pk>/",
        transactions.transaction_document,
        name="transaction_document",
    ),
    path(
        "transactions/<int:pk>/disclosures/",
        transactions.transaction_disclosure_record,
        name="transaction_disclosure_record",
    ),
    path(
        "transactions/<int:pk>/disclosures/<int:disclosure_pk>/revoke/",
        transactions.transaction_disclosure_revoke,
        name="transaction_disclosure_revoke",
    ),
    path(
        "transactions/<int:pk>/disclosures/<int:disclosure_pk>/document/",
        transactions.transaction_disclosure_document,
        name="transaction_disclosure_document",
    ),
    # Post-close follow-up (leadership's board; a transaction's three steps)
    path("transactions/post-close/", postclose.post_close_board, name="post_close_board"),
    path(
        "transactions/<int:pk>/post-close/",
        postclose.post_close_detail,
        name="post_close_detail",
    ),
    path(
        "transactions/<int:pk>/post-close/meeting/propose/",
        postclose.propose_meeting,
        name="post_close_propose_meeting",
    ),
    path(
        "transactions/<int:pk>/post-close/meeting/confirm/",
        postclose.confirm_meeting,
        name="post_close_confirm_meeting",
    ),
    path(
        "transactions/<int:pk>/post-close/meeting/held/",
        postclose.meeting_held,
        name="post_close_meeting_held",
    ),
    path("transactions/<int:pk>/post-close/letter/", postclose.letter, name="post_close_letter"),
    path(
        "transactions/<int:pk>/post-close/letter/mailed/",
        postclose.letter_mailed,
        name="post_close_letter_mailed",
    ),
    path(
        "transactions/<int:pk>/post-close/letter.pdf",
        postclose.letter_pdf,
        name="post_close_letter_pdf",
    ),
    path(
        "transactions/<int:pk>/post-close/interaction/",
        postclose.record_interaction,
        name="post_close_record_interaction",
    ),
    path(
        "transactions/<int:pk>/customer-link/",
        customer.send_link,
        name="transaction_customer_link",
    ),
    path(
        "transactions/<int:pk>/customer-link/revoke/",
        customer.revoke_links,
        name="transaction_customer_link_revoke",
    ),
]
