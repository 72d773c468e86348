"""Version 1 of the engagement policy reads as the seed wrote it.

Version 1 was stored with words the seed's policy does not have: a day limit for the thank-you
letter, "30 days" for the seed's "1 month", and whose majority approves a revision. No vote
added them, so they leave version 1's stored text (those numbers show in the policy's table as
added by the portal, not yet voted), and its section headings get back their colons. Only a
version 1 that still reads as first stored changes; revisions and later versions keep the text
the members proposed or voted.
"""

import re

from django.db import migrations

# (as version 1 was stored, as the seed writes it)
SEED_WORDING = (
    ("over the course of {cease_window_days} days,", "over the course of 1 month,"),
    (
        "a personalized thank you letter to the customer within {thank_you_letter_days} days "
        "following",
        "a personalized thank you letter to the customer following",
    ),
    ("approved by vote of the majority {policy_majority_of}.", "approved by vote of the majority."),
)
HEADING_WITHOUT_COLON = re.compile(r"^(## [^\n]*[^:\n\s])[ \t]*$", re.MULTILINE)


def as_the_seed_wrote_it(text: str) -> str:
    for stored, seed in SEED_WORDING:
        text = text.replace(stored, seed)
    return HEADING_WITHOUT_COLON.sub(r"\1:", text)


def restore_seed_wording(apps, schema_editor):
    PolicyVersion = apps.get_model("members", "PolicyVersion")
    for version in PolicyVersion.objects.filter(number=1, revision__isnull=True):
        text = as_the_seed_wrote_it(version.text)
        if text != version.text:
            version.text = text
            version.save(update_fields=["text"])


class Migration(migrations.Migration):
    dependencies = [("members", "0007_breach_reports_from_anyone")]

    operations = [migrations.RunPython(restore_seed_wording, migrations.RunPython.noop)]
