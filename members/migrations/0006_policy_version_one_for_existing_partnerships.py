"""Version 1 of the engagement policy for partnerships that exist already: the seed's policy
(policy/engagement_policy.md, in members/policy/ when this was written) with each partnership's
numbers at this moment."""

from pathlib import Path

from django.db import migrations

POLICY_TEXT = Path(__file__).resolve().parents[2] / "policy" / "engagement_policy.md"
# pinnacle.models.POLICY_FIELDS when this migration was written.
POLICY_FIELDS = (
    "intro_statement",
    "cold_attempts_per_week",
    "cease_after_attempts",
    "cease_window_days",
    "inquiry_reply_hours",
    "post_close_meeting_days",
    "comarketing_first_reminder_days",
    "comarketing_second_reminder_days",
    "thank_you_letter_days",
    "policy_majority_of",
)


def create_version_one(apps, schema_editor):
    Partnership = apps.get_model("pinnacle", "Partnership")
    PolicyVersion = apps.get_model("members", "PolicyVersion")
    without = Partnership.objects.exclude(
        pk__in=PolicyVersion.objects.values("partnership_id")
    )
    text = None
    for partnership in without:
        text = text or POLICY_TEXT.read_text(encoding="utf-8")
        PolicyVersion.objects.create(
            partnership=partnership,
            number=1,
            text=text,
            settings={name: getattr(partnership, name) for name in POLICY_FIELDS},
            effective_at=partnership.created_at,
        )


class Migration(migrations.Migration):
    dependencies = [("members", "0005_policy_governance")]

    operations = [migrations.RunPython(create_version_one, migrations.RunPython.noop)]
