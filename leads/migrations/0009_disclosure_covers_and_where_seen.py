"""What a customer's written authorization lets its grantee read (existing ones: the stage and
dates and the team only), and where each look from outside the team was shown (existing looks
were pages, or downloads by their path)."""

import django.contrib.postgres.fields
from leads.migrations import _moved_to_transactions
from django.db import migrations, models
from django.db.models import Q


def downloads_were_downloads(apps, schema_editor):
    TransactionAccess = apps.get_model("leads", "TransactionAccess")
    downloads = (
        Q(path__contains="/documents/")
        | Q(path__contains="/document/")
        | Q(path__endswith="letter.pdf")
    )
    TransactionAccess.objects.filter(downloads).update(seen_on="download")


class Migration(migrations.Migration):

    dependencies = [
        ('leads', '0008_thank_you_letter_mailing_address'),
        ('members', '0006_policy_version_one_for_existing_partnerships'),
        ('pinnacle', '0003_policy_governance_numbers'),
    ]

    operations = [
        migrations.AddField(
            model_name='disclosure',
            name='covers',
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[('stage', 'The stage and dates'), ('team', "The team, with each member's role"), ('property', 'The property address and value'), ('notes', 'Timeline notes'), ('documents', 'Documents'), ('contact', "The customer's contact details")], max_length=12), default=_moved_to_transactions.default_disclosure_covers, size=None, verbose_name='what the grantee may read'),
        ),
        migrations.AddField(
            model_name='transactionaccess',
            name='seen_on',
            field=models.CharField(choices=[('page', 'Its page'), ('download', 'A download'), ('list', 'The transactions list'), ('export', 'The CSV export'), ('lead_page', "The customer's lead page")], default='page', max_length=12),
        ),
        migrations.AddConstraint(
            model_name='disclosure',
            constraint=models.CheckConstraint(condition=models.Q(('covers__len__gte', 1), ('covers__contained_by', ['stage', 'team', 'property', 'notes', 'documents', 'contact'])), name='disclosure_covers_known'),
        ),
        migrations.RunPython(downloads_were_downloads, migrations.RunPython.noop),
    ]
