"""The policy's models move here from `members`; their tables keep their names.

The tables, indexes and constraints already exist (members 0005-0008 made them), so this
migration creates the models in the migration state only. The content types move with them, so
outbox messages, admin log entries and permissions that point at these rows keep pointing at
them. On a fresh database there are no content types yet and the rename does nothing.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

MOVED_MODELS = ("policyversion", "policysuggestion", "breachreport", "policyrevision", "policyvote")


def _move_content_types(apps, schema_editor, *, source, target):
    content_types = apps.get_model("contenttypes", "ContentType").objects.db_manager(
        schema_editor.connection.alias
    )
    already_there = content_types.filter(app_label=target).values_list("model", flat=True)
    content_types.filter(app_label=source, model__in=MOVED_MODELS).exclude(
        model__in=list(already_there)
    ).update(app_label=target)
    content_types.clear_cache()


def content_types_to_policy(apps, schema_editor):
    _move_content_types(apps, schema_editor, source="members", target="policy")


def content_types_to_members(apps, schema_editor):
    _move_content_types(apps, schema_editor, source="policy", target="members")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("members", "0008_policy_version_one_reads_as_the_seed"),
        ("pinnacle", "0004_acknowledgement_follow_up_days"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='PolicyRevision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=160)),
                        ('rationale', models.TextField(blank=True)),
                        ('text', models.TextField(verbose_name='revised policy text')),
                        ('settings', models.JSONField(default=dict)),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('voting', 'Voting'), ('approved', 'Approved'), ('rejected', 'Rejected')], default='draft', max_length=10)),
                        ('voting_opens_at', models.DateTimeField(blank=True, null=True)),
                        ('voting_closes_at', models.DateTimeField(blank=True, null=True)),
                        ('majority_of', models.CharField(blank=True, max_length=12)),
                        ('eligible_count', models.PositiveIntegerField(blank=True, null=True)),
                        ('yes_count', models.PositiveIntegerField(blank=True, null=True)),
                        ('no_count', models.PositiveIntegerField(blank=True, null=True)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='pinnacle.partnership')),
                        ('proposed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='members.member')),
                    ],
                    options={
                        'db_table': 'members_policyrevision',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='PolicyVersion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveIntegerField()),
                        ('text', models.TextField()),
                        ('settings', models.JSONField(default=dict)),
                        ('effective_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='pinnacle.partnership')),
                        ('revision', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='policy.policyrevision')),
                    ],
                    options={
                        'db_table': 'members_policyversion',
                        'ordering': ['-number'],
                    },
                ),
                migrations.AddField(
                    model_name='policyrevision',
                    name='base_version',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='policy.policyversion'),
                ),
                migrations.CreateModel(
                    name='PolicyVote',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('choice', models.CharField(choices=[('yes', 'Approve'), ('no', 'Reject')], max_length=3)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='members.member')),
                        ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='pinnacle.partnership')),
                        ('revision', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='votes', to='policy.policyrevision')),
                    ],
                    options={
                        'db_table': 'members_policyvote',
                    },
                ),
                migrations.CreateModel(
                    name='BreachReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('source', models.CharField(choices=[('member', 'A partner member'), ('visitor', 'A visitor (prospect or customer)')], default='member', max_length=10)),
                        ('reporter_name', models.CharField(blank=True, max_length=120)),
                        ('reporter_email', models.EmailField(blank=True, max_length=254)),
                        ('routed_to', models.CharField(choices=[('leadership', 'Leadership'), ('site_admins', "The site's administrators")], default='leadership', max_length=12)),
                        ('description', models.TextField()),
                        ('occurred_on', models.DateField(blank=True, null=True)),
                        ('status', models.CharField(choices=[('open', 'Open'), ('reviewing', 'Under review'), ('resolved', 'Resolved'), ('dismissed', 'Dismissed')], default='open', max_length=10)),
                        ('resolution', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='pinnacle.partnership')),
                        ('reporter', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='members.member')),
                        ('subject_member', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='members.member', verbose_name='member concerned')),
                    ],
                    options={
                        'db_table': 'members_breachreport',
                        'ordering': ['-created_at'],
                        'indexes': [models.Index(fields=['partnership', 'status', '-created_at'], name='members_bre_partner_1479c2_idx'), models.Index(fields=['reporter', '-created_at'], name='breach_report_by_reporter')],
                    },
                ),
                migrations.CreateModel(
                    name='PolicySuggestion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('critique', 'Critique'), ('suggestion', 'Suggestion')], default='suggestion', max_length=10)),
                        ('body', models.TextField()),
                        ('status', models.CharField(choices=[('open', 'Open'), ('adopted', 'Taken into a revision'), ('declined', 'Declined')], default='open', max_length=10)),
                        ('response', models.TextField(blank=True, verbose_name="leadership's response")),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('author', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='members.member')),
                        ('partnership', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='pinnacle.partnership')),
                        ('revision', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='suggestions', to='policy.policyrevision')),
                    ],
                    options={
                        'db_table': 'members_policysuggestion',
                        'ordering': ['-created_at'],
                        'indexes': [models.Index(fields=['partnership', 'status', '-created_at'], name='members_pol_partner_4a1576_idx')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='policyversion',
                    constraint=models.UniqueConstraint(fields=('partnership', 'number'), name='unique_policy_version'),
                ),
                migrations.AddIndex(
                    model_name='policyrevision',
                    index=models.Index(fields=['partnership', '-created_at'], name='members_pol_partner_d028d0_idx'),
                ),
                migrations.AddIndex(
                    model_name='policyrevision',
                    index=models.Index(condition=models.Q(('status', 'voting')), fields=['voting_closes_at'], name='policy_revision_voting_idx'),
                ),
                migrations.AddConstraint(
                    model_name='policyvote',
                    constraint=models.UniqueConstraint(fields=('partnership', 'revision', 'member'), name='one_vote_per_member'),
                ),
            ],
        ),
        migrations.RunPython(content_types_to_policy, content_types_to_members),
    ]
