# A connection whose reminder days are all dealt with leaves the sweep's partial indexes. Rows
# accepted before this change whose profile is complete and whose reminder days have both passed
# are marked done first (the sweep now counts such a day as dealt with, no email needed); the
# others the sweep settles on its next runs, sending what is due as before.

import datetime

from django.conf import settings
from django.db import migrations, models
from django.db.models.functions import Greatest, Now

# members.selectors.PROFILE_CHECKLIST's fields when this migration was written.
PROFILE_FIELDS = (
    "display_name",
    "user__email",
    "cell_phone",
    "office_phone",
    "street_address",
    "city",
    "state",
    "postal_code",
    "job_title",
    "timezone",
    "photo",
    "company_logo",
    "employer",
    "mls_market",
    "mls_agent_id",
    "license_number",
)


def settle_complete_profiles(apps, schema_editor):
    Connection = apps.get_model("comarketing", "Connection")
    last_day = models.ExpressionWrapper(
        Now()
        - Greatest(
            "partnership__comarketing_first_reminder_days",
            "partnership__comarketing_second_reminder_days",
        )
        * datetime.timedelta(days=1),
        output_field=models.DateTimeField(),
    )
    complete = models.Q(
        *(models.Q(**{f"partner__{path}__regex": r"\S"}) for path in PROFILE_FIELDS)
    )
    Connection.objects.filter(
        complete,
        deleted_at__isnull=True,
        accepted_at__isnull=False,
        profile_reminders_sent__lt=2,
        accepted_at__lte=last_day,
    ).update(profile_reminders_sent=2)


class Migration(migrations.Migration):

    dependencies = [
        ('comarketing', '0004_sharedlead_media'),
        ('mail', '0003_suppression_note_suppression_received_via_and_more'),
        ('members', '0009_policy_models_move_to_the_policy_app'),
        ('pinnacle', '0004_acknowledgement_follow_up_days'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(settle_complete_profiles, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name='connection',
            name='comarketing_pending_due_idx',
        ),
        migrations.RemoveIndex(
            model_name='connection',
            name='comarketing_profile_due_idx',
        ),
        migrations.AddIndex(
            model_name='connection',
            index=models.Index(condition=models.Q(('accepted_at__isnull', True), ('deleted_at__isnull', True), ('pending_reminders_sent__lt', 2)), fields=['invited_at'], name='comarketing_pending_due_idx'),
        ),
        migrations.AddIndex(
            model_name='connection',
            index=models.Index(condition=models.Q(('accepted_at__isnull', False), ('deleted_at__isnull', True), ('profile_reminders_sent__lt', 2)), fields=['accepted_at'], name='comarketing_profile_due_idx'),
        ),
    ]
