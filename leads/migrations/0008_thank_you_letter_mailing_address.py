from django.db import migrations, models


def address_and_redraft(apps, schema_editor):
    """Letters not gone out yet: a purchase's letter is mailed to the new home; a draft the
    leader never edited is drafted again (its required paragraphs are now added from the
    records, so the old draft would repeat them)."""
    ThankYouLetter = apps.get_model("leads", "ThankYouLetter")
    pending = ThankYouLetter.objects.filter(sent_at__isnull=True, mailed_at__isnull=True)
    for letter in pending.filter(transaction__kind="buy").select_related("transaction"):
        letter.mailing_address = letter.transaction.property_address
        letter.save(update_fields=["mailing_address"])
    pending.filter(edited_by__isnull=True).update(body="")


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0007_thank_you_letter_mailed"),
    ]

    operations = [
        migrations.AddField(
            model_name="thankyouletter",
            name="mailing_address",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(address_and_redraft, migrations.RunPython.noop),
    ]
