"""A transaction's pages, one module per page family: `opening` (from a lead's page), `lists`
(the list and its CSV export), `page` (the team page) with the committee's actions (`team`) and
its records (`records`), `customer` (the customer's read-only page and its link) and `postclose`
(leadership's board and a transaction's post-close steps)."""
