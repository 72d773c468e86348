"""The transactions app takes over its models from leads (leads' 0013 removed them from its
state): the same fields, indexes and constraint names, on the tables they already have
(`leads_<model>`), so only the migration state is created. Then the content types of those models
move to this app, so what points at their rows through a content type (outbox messages about a
transaction, admin log entries, permissions) keeps pointing at the same rows. On a fresh database
there are no such rows yet and the move does nothing."""

import django.contrib.postgres.fields
import django.db.models.deletion
import transactions.models.disclosures
from django.conf import settings
from django.db import migrations, models

MOVED_MODELS = (
    "clientinteraction",
    "disclosure",
    "handoffevaluation",
    "interactionparticipant",
    "leaderagreement",
    "leaderproposal",
    "meetingproposal",
    "postclosestep",
    "teammember",
    "thankyouletter",
    "transaction",
    "transactionaccess",
    "transactiondocument",
    "transactionevent",
)


def _move_content_types(apps, *, source: str, target: str) -> None:
    """Renames the moved models' content types from `source` to `target` in place (their ids,
    and so every row pointing at them, stay). A model whose content type already exists under
    `target` keeps it and the `source` one is left alone: rows never change owner silently."""
    content_types = apps.get_model("contenttypes", "ContentType")
    taken = set(
        content_types.objects.filter(app_label=target, model__in=MOVED_MODELS).values_list(
            "model", flat=True
        )
    )
    content_types.objects.filter(app_label=source, model__in=MOVED_MODELS).exclude(
        model__in=taken
    ).update(app_label=target)


def move_content_types_from_leads(apps, schema_editor) -> None:
    _move_content_types(apps, source="leads", target="transactions")


def move_content_types_back_to_leads(apps, schema_editor) -> None:
    _move_content_types(apps, source="transactions", target="leads")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('leads', '0013_transactions_become_their_own_app'),
        ('members', '0008_policy_version_one_reads_as_the_seed'),
        ('pinnacle', '0004_acknowledgement_follow_up_days'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay as they are: only the migration state moves.
            state_operations=[
                migrations.CreateModel(
                    name='ClientInteraction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('mode', models.CharField(choices=[('in_person', 'In person'), ('call', 'Live telephone call'), ('written', 'Written (letter or email)')], max_length=10)),
                        ('occurred_at', models.DateTimeField()),
                        ('body', models.TextField(blank=True)),
                        ('emailed_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='pinnacle.partnership')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='members.member')),
                    ],
                    options={
                        'db_table': 'leads_clientinteraction',
                    },
                ),
                migrations.CreateModel(
                    name='InteractionParticipant',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('interaction', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='transactions.clientinteraction')),
                        ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='members.member')),
                        ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='pinnacle.partnership')),
                    ],
                    options={
                        'db_table': 'leads_interactionparticipant',
                    },
                ),
                migrations.AddField(
                    model_name='clientinteraction',
                    name='participants',
                    field=models.ManyToManyField(related_name='+', through='transactions.InteractionParticipant', to='members.member'),
                ),
                migrations.CreateModel(
                    name='LeaderProposal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('settled_at', models.DateTimeField(blank=True, null=True)),
                        ('closed_at', models.DateTimeField(blank=True, null=True)),
                        ('candidate', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='members.member')),
                        ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='pinnacle.partnership')),
                        ('proposed_by', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='members.member')),
                    ],
                    options={
                        'db_table': 'leads_leaderproposal',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='LeaderAgreement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='members.member')),
                        ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='pinnacle.partnership')),
                        ('proposal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='agreements', to='transactions.leaderproposal')),
                    ],
                    options={
                        'db_table': 'leads_leaderagreement',
                    },
                ),
                migrations.CreateModel(
                    name='Transaction',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('buy', 'Buy'), ('sell', 'Sell'), ('refinance', 'Refinance'), ('other', 'Other')], max_length=10)),
                        ('property_address', models.CharField(blank=True, max_length=250)),
                        ('expected_close_on', models.DateField(blank=True, null=True, verbose_name='expected close date')),
                        ('value', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True)),
                        ('stage', models.CharField(choices=[('opened', 'Opened'), ('under_contract', 'Under contract'), ('closed', 'Closed'), ('fell_through', 'Fell through')], default='opened', max_length=16)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('stage_changed_at', models.DateTimeField(blank=True, null=True)),
                        ('closed_on', models.DateField(blank=True, null=True)),
                        ('customer_link_version', models.PositiveIntegerField(default=1)),
                        ('solo_confirmed_at', models.DateTimeField(blank=True, null=True)),
                        ('lead', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='transactions', to='leads.lead')),
                        ('leader', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='members.member')),
                        ('opened_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='members.member')),
                        ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='pinnacle.partnership')),
                        ('referral_member', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='members.member')),
                        ('solo_confirmed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='members.member')),
                        ('solo_member', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='members.member')),
                    ],
                    options={
                        'db_table': 'leads_transaction',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='ThankYouLetter',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('body', models.TextField()),
                        ('mailing_address', models.TextField(blank=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('mailed_at', models.DateTimeField(blank=True, null=True, verbose_name='printed letter mailed at')),
                        ('edited_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='members.member')),
                        ('mailed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='members.member')),
                        ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='pinnacle.partnership')),
                        ('sent_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='members.member')),
                        ('transaction', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='thank_you_letter', to='transactions.transaction')),
                    ],
                    options={
                        'db_table': 'leads_thankyouletter',
                    },
                ),
                migrations.CreateModel(
                    name='TeamMember',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(blank=True, help_text='What they do on this transaction, e.g. Lender.', max_length=80)),
                        ('added_at', models.DateTimeField(auto_now_add=True)),
                        ('added_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='members.member')),
                        ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='team_seats', to='members.member')),
                        ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='pinnacle.partnership')),
                        ('transaction', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='team', to='transactions.transaction')),
                    ],
                    options={
                        'db_table': 'leads_teammember',
                        'ordering': ['added_at'],
                    },
                ),
                migrations.CreateModel(
                    name='PostCloseStep',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('handoff', 'Handoff meeting booked with leadership'), ('letter', 'Thank-you letter sent'), ('interaction', "Leadership's first client interaction")], max_length=12)),
                        ('due_at', models.DateTimeField()),
                        ('remind_at', models.DateTimeField()),
                        ('reminded_at', models.DateTimeField(blank=True, null=True)),
                        ('escalated_at', models.DateTimeField(blank=True, null=True)),
                        ('completed_at', models.DateTimeField(blank=True, null=True)),
                        ('times_proposed_at', models.DateTimeField(blank=True, null=True)),
                        ('completed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='members.member')),
                        ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='pinnacle.partnership')),
                        ('times_proposed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='members.member')),
                        ('transaction', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='post_close_steps', to='transactions.transaction')),
                    ],
                    options={
                        'db_table': 'leads_postclosestep',
                        'ordering': ['due_at'],
                    },
                ),
                migrations.CreateModel(
                    name='MeetingProposal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('starts_at', models.DateTimeField()),
                        ('location', models.CharField(blank=True, max_length=200)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('confirmed_at', models.DateTimeField(blank=True, null=True)),
                        ('confirmed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='members.member')),
                        ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='pinnacle.partnership')),
                        ('proposed_by', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='members.member')),
                        ('transaction', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='meeting_proposals', to='transactions.transaction')),
                    ],
                    options={
                        'db_table': 'leads_meetingproposal',
                        'ordering': ['starts_at'],
                    },
                ),
                migrations.AddField(
                    model_name='leaderproposal',
                    name='transaction',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='leader_proposals', to='transactions.transaction'),
                ),
                migrations.CreateModel(
                    name='HandoffEvaluation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('success', models.PositiveSmallIntegerField(choices=[(1, 'Poor (1)'), (2, 'Fair (2)'), (3, 'Good (3)'), (4, 'Very good (4)'), (5, 'Excellent (5)')])),
                        ('efficiency', models.PositiveSmallIntegerField(choices=[(1, 'Poor (1)'), (2, 'Fair (2)'), (3, 'Good (3)'), (4, 'Very good (4)'), (5, 'Excellent (5)')])),
                        ('effectiveness', models.PositiveSmallIntegerField(choices=[(1, 'Poor (1)'), (2, 'Fair (2)'), (3, 'Good (3)'), (4, 'Very good (4)'), (5, 'Excellent (5)')])),
                        ('notes', models.TextField()),
                        ('recorded_at', models.DateTimeField(auto_now_add=True)),
                        ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='pinnacle.partnership')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='members.member')),
                        ('meeting', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='evaluation', to='transactions.meetingproposal')),
                        ('transaction', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='handoff_evaluation', to='transactions.transaction')),
                    ],
                    options={
                        'db_table': 'leads_handoffevaluation',
                    },
                ),
                migrations.CreateModel(
                    name='Disclosure',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('grantee_name', models.CharField(max_length=160, verbose_name='to whom')),
                        ('grantee_email', models.EmailField(blank=True, max_length=254)),
                        ('scope', models.TextField(verbose_name='what may be disclosed')),
                        ('covers', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(choices=[('stage', 'The stage and dates'), ('team', "The team, with each member's role"), ('property', 'The property address and value'), ('notes', 'Timeline notes'), ('documents', 'Documents'), ('contact', "The customer's contact details")], max_length=12), default=transactions.models.disclosures.default_disclosure_covers, size=None, verbose_name='what the grantee may read')),
                        ('valid_until', models.DateField(help_text='The last day the authorization covers.', verbose_name='until')),
                        ('signed_document', models.FileField(storage=transactions.models.disclosures.private_storage, upload_to=transactions.models.disclosures.transaction_document_path)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('grantee_member', models.ForeignKey(blank=True, help_text='A partner member named in the authorization gets read access to the transaction until it ends.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='members.member')),
                        ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='pinnacle.partnership')),
                        ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='members.member')),
                        ('revoked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='members.member')),
                        ('transaction', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='disclosures', to='transactions.transaction')),
                    ],
                    options={
                        'db_table': 'leads_disclosure',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.AddField(
                    model_name='clientinteraction',
                    name='transaction',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='client_interaction', to='transactions.transaction'),
                ),
                migrations.CreateModel(
                    name='TransactionAccess',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('via', models.CharField(choices=[('leadership', 'Leadership'), ('disclosure', "Customer's written authorization"), ('admin', 'Admin')], max_length=12)),
                        ('path', models.CharField(blank=True, max_length=300)),
                        ('seen_on', models.CharField(choices=[('page', 'Its page'), ('download', 'A download'), ('list', 'The transactions list'), ('export', 'The CSV export'), ('lead_page', "The customer's lead page")], default='page', max_length=12)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('disclosure', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='accesses', to='transactions.disclosure')),
                        ('member', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='members.member')),
                        ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='pinnacle.partnership')),
                        ('transaction', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='accesses', to='transactions.transaction')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name_plural': 'transaction accesses',
                        'db_table': 'leads_transactionaccess',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='TransactionDocument',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=160)),
                        ('file', models.FileField(storage=transactions.models.disclosures.private_storage, upload_to=transactions.models.disclosures.transaction_document_path)),
                        ('content_type', models.CharField(blank=True, max_length=100)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='pinnacle.partnership')),
                        ('transaction', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='documents', to='transactions.transaction')),
                        ('uploaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='members.member')),
                    ],
                    options={
                        'db_table': 'leads_transactiondocument',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='TransactionEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('opened', 'Opened'), ('stage', 'Stage'), ('details', 'Details'), ('team', 'Team'), ('leader', 'Leader'), ('note', 'Note'), ('document', 'Document'), ('disclosure', 'Disclosure'), ('post_close', 'Post-close'), ('email', 'Email')], max_length=12)),
                        ('summary', models.CharField(max_length=300)),
                        ('body', models.TextField(blank=True)),
                        ('shared_with_customer', models.BooleanField(default=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='members.member')),
                        ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='pinnacle.partnership')),
                        ('transaction', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='transactions.transaction')),
                    ],
                    options={
                        'db_table': 'leads_transactionevent',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='interactionparticipant',
                    constraint=models.UniqueConstraint(fields=('partnership', 'interaction', 'member'), name='one_participation'),
                ),
                migrations.AddConstraint(
                    model_name='leaderagreement',
                    constraint=models.UniqueConstraint(fields=('partnership', 'proposal', 'member'), name='one_agreement_per_member'),
                ),
                migrations.AddIndex(
                    model_name='transaction',
                    index=models.Index(fields=['partnership', '-created_at'], name='leads_trans_partner_7c90cd_idx'),
                ),
                migrations.AddIndex(
                    model_name='transaction',
                    index=models.Index(fields=['partnership', 'lead'], name='leads_trans_partner_89c0cf_idx'),
                ),
                migrations.AddIndex(
                    model_name='transaction',
                    index=models.Index(fields=['partnership', 'stage', '-closed_on'], name='leads_trans_partner_41bde5_idx'),
                ),
                migrations.AddIndex(
                    model_name='teammember',
                    index=models.Index(fields=['partnership', 'member', 'transaction'], name='leads_teamm_partner_20da86_idx'),
                ),
                migrations.AddConstraint(
                    model_name='teammember',
                    constraint=models.UniqueConstraint(fields=('partnership', 'transaction', 'member'), name='one_seat_per_member'),
                ),
                migrations.AddIndex(
                    model_name='postclosestep',
                    index=models.Index(fields=['partnership', 'due_at'], name='leads_postc_partner_838dd6_idx'),
                ),
                migrations.AddIndex(
                    model_name='postclosestep',
                    index=models.Index(condition=models.Q(('completed_at__isnull', True), ('reminded_at__isnull', True)), fields=['remind_at'], name='post_close_reminder_due_idx'),
                ),
                migrations.AddIndex(
                    model_name='postclosestep',
                    index=models.Index(condition=models.Q(('completed_at__isnull', True), ('escalated_at__isnull', True)), fields=['due_at'], name='post_close_escalation_due_idx'),
                ),
                migrations.AddConstraint(
                    model_name='postclosestep',
                    constraint=models.UniqueConstraint(fields=('partnership', 'transaction', 'kind'), name='one_post_close_step_per_kind'),
                ),
                migrations.AddIndex(
                    model_name='meetingproposal',
                    index=models.Index(fields=['partnership', 'transaction', 'starts_at'], name='leads_meeti_partner_a43407_idx'),
                ),
                migrations.AddConstraint(
                    model_name='meetingproposal',
                    constraint=models.UniqueConstraint(condition=models.Q(('confirmed_at__isnull', False)), fields=('partnership', 'transaction'), name='one_confirmed_meeting'),
                ),
                migrations.AddIndex(
                    model_name='leaderproposal',
                    index=models.Index(fields=['partnership', 'transaction', '-created_at'], name='leads_leade_partner_9142f9_idx'),
                ),
                migrations.AddConstraint(
                    model_name='handoffevaluation',
                    constraint=models.CheckConstraint(condition=models.Q(('success__range', (1, 5)), ('efficiency__range', (1, 5)), ('effectiveness__range', (1, 5))), name='handoff_ratings_one_to_five'),
                ),
                migrations.AddConstraint(
                    model_name='handoffevaluation',
                    constraint=models.CheckConstraint(condition=models.Q(('notes', ''), _negated=True), name='handoff_evaluation_has_notes'),
                ),
                migrations.AddIndex(
                    model_name='disclosure',
                    index=models.Index(fields=['partnership', 'transaction', '-created_at'], name='leads_discl_partner_20d77c_idx'),
                ),
                migrations.AddIndex(
                    model_name='disclosure',
                    index=models.Index(condition=models.Q(('revoked_at__isnull', True)), fields=['partnership', 'grantee_member', 'valid_until'], name='disclosure_grantee_idx'),
                ),
                migrations.AddConstraint(
                    model_name='disclosure',
                    constraint=models.CheckConstraint(condition=models.Q(('covers__len__gte', 1), ('covers__contained_by', ['stage', 'team', 'property', 'notes', 'documents', 'contact'])), name='disclosure_covers_known'),
                ),
                migrations.AddIndex(
                    model_name='transactionaccess',
                    index=models.Index(fields=['partnership', 'transaction', '-created_at'], name='leads_trans_partner_8c1e7a_idx'),
                ),
                migrations.AddIndex(
                    model_name='transactiondocument',
                    index=models.Index(fields=['partnership', 'transaction', '-created_at'], name='leads_trans_partner_d8a472_idx'),
                ),
                migrations.AddIndex(
                    model_name='transactionevent',
                    index=models.Index(fields=['partnership', 'transaction', '-created_at'], name='leads_trans_partner_b4c88a_idx'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(
            move_content_types_from_leads, move_content_types_back_to_leads, elidable=False
        ),
    ]
