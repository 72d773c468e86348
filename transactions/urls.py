"""The transactions app's pages. Their paths are those they had in leads (customers hold links
to /my-transaction/…), and so are their names."""

from django.urls import path

from transactions.views import customer, lists, opening, page, postclose, records, team

urlpatterns = [
    # Customers (no password): their own transaction, read-only
    path("my-transaction/<str:token>/", customer.customer_transaction, name="customer_transaction"),
    # Transactions and their team committees (confidential: see transactions.selectors)
    path("transactions/", lists.transaction_list, name="transaction_list"),
    path("transactions/export.csv", lists.transaction_export, name="transaction_export"),
    path("leads/<int:pk>/transactions/new/", opening.transaction_open, name="transaction_open"),
    path("transactions/<int:pk>/", page.transaction_detail, name="transaction_detail"),
    path(
        "transactions/<int:pk>/team/",
        team.transaction_add_member,
        name="transaction_add_member",
    ),
    path(
        "transactions/<int:pk>/team/<int:seat_pk>/remove/",
        team.transaction_remove_member,
        name="transaction_remove_member",
    ),
    path(
        "transactions/<int:pk>/leader/",
        team.transaction_propose_leader,
        name="transaction_propose_leader",
    ),
    path(
        "transactions/<int:pk>/leader/<int:proposal_pk>/agree/",
        team.transaction_agree_leader,
        name="transaction_agree_leader",
    ),
    path(
        "transactions/<int:pk>/whole-team/",
        team.transaction_confirm_whole_team,
        name="transaction_confirm_whole_team",
    ),
    path("transactions/<int:pk>/stage/", team.transaction_stage, name="transaction_stage"),
    path(
        "transactions/<int:pk>/details/",
        team.transaction_details,
        name="transaction_details",
    ),
    path("transactions/<int:pk>/notes/", records.transaction_note, name="transaction_note"),
    path(
        "transactions/<int:pk>/timeline/<int:event_pk>/share/",
        records.transaction_event_share,
        name="transaction_event_share",
    ),
    path(
        "transactions/<int:pk>/documents/",
        records.transaction_document_upload,
        name="transaction_document_upload",
    ),
    path(
        "transactions/<int:pk>/documents/<int:doc_pk>/",
        records.transaction_document,
        name="transaction_document",
    ),
    path(
        "transactions/<int:pk>/disclosures/",
        records.transaction_disclosure_record,
        name="transaction_disclosure_record",
    ),
    path(
        "transactions/<int:pk>/disclosures/<int:disclosure_pk>/revoke/",
        records.transaction_disclosure_revoke,
        name="transaction_disclosure_revoke",
    ),
    path(
        "transactions/<int:pk>/disclosures/<int:disclosure_pk>/document/",
        records.transaction_disclosure_document,
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
