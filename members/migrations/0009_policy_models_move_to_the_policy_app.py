"""The policy's models leave `members` for the `policy` app (policy 0001 takes them over);
their tables stay, so they leave the migration state only."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0008_policy_version_one_reads_as_the_seed"),
        ("policy", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='policyrevision',
                    name='base_version',
                ),
                migrations.RemoveField(
                    model_name='policyrevision',
                    name='partnership',
                ),
                migrations.RemoveField(
                    model_name='policyrevision',
                    name='proposed_by',
                ),
                migrations.RemoveField(
                    model_name='policyversion',
                    name='revision',
                ),
                migrations.RemoveField(
                    model_name='policysuggestion',
                    name='revision',
                ),
                migrations.RemoveField(
                    model_name='policyvote',
                    name='revision',
                ),
                migrations.RemoveField(
                    model_name='policysuggestion',
                    name='author',
                ),
                migrations.RemoveField(
                    model_name='policysuggestion',
                    name='partnership',
                ),
                migrations.RemoveField(
                    model_name='policyversion',
                    name='partnership',
                ),
                migrations.RemoveField(
                    model_name='policyvote',
                    name='member',
                ),
                migrations.RemoveField(
                    model_name='policyvote',
                    name='partnership',
                ),
                migrations.DeleteModel(
                    name='BreachReport',
                ),
                migrations.DeleteModel(
                    name='PolicyRevision',
                ),
                migrations.DeleteModel(
                    name='PolicySuggestion',
                ),
                migrations.DeleteModel(
                    name='PolicyVersion',
                ),
                migrations.DeleteModel(
                    name='PolicyVote',
                ),
            ],
        ),
    ]
