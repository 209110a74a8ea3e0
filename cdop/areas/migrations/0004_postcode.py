from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0003_residence_and_tasks"),
    ]

    operations = [
        migrations.CreateModel(
            name="Postcode",
            fields=[
                (
                    "postcode",
                    models.CharField(max_length=7, primary_key=True, serialize=False),
                ),
                ("laua", models.CharField(blank=True, max_length=9)),
            ],
        ),
    ]
