from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0005_dashboard_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="publishedreport",
            name="sav",
            field=models.BinaryField(blank=True, default=b"", verbose_name="SPSS"),
        ),
    ]
