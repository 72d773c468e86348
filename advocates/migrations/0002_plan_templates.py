"""Both appreciation plans (the 33-touch yearly plan and 8 touches in 8 weeks) for every
partnership that exists already; new partnerships get theirs from advocates.receivers."""

from django.db import migrations


def create_plan_templates(apps, schema_editor):
    # The default steps are plain data (kinds, titles, days); reading them from the service keeps
    # one list of the seed's 33 touches rather than a second copy here.
    from advocates.services.plans import PLAN_LENGTH, PLAN_NAME, default_steps

    Partnership = apps.get_model("pinnacle", "Partnership")
    PlanTemplate = apps.get_model("advocates", "PlanTemplate")
    PlanStep = apps.get_model("advocates", "PlanStep")
    for partnership in Partnership.objects.order_by("pk"):
        for kind, length in PLAN_LENGTH.items():
            template, created = PlanTemplate.objects.get_or_create(
                partnership=partnership,
                kind=str(kind),
                defaults={"name": PLAN_NAME[kind], "length_days": length},
            )
            if not created:
                continue
            PlanStep.objects.bulk_create(
                PlanStep(
                    partnership=partnership,
                    template=template,
                    kind=str(step.kind),
                    title=step.title,
                    day=step.day,
                    anchor=str(step.anchor),
                    is_email=step.is_email,
                )
                for step in default_steps(kind)
            )


class Migration(migrations.Migration):
    dependencies = [("advocates", "0001_initial")]

    operations = [migrations.RunPython(create_plan_templates, migrations.RunPython.noop)]
