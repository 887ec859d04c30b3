"""Declared versus verified identity, step 3: a person keeps only what was verified. The name
and phone anybody last declared go (each record has its own copy now, 0007 and screening
0004), and so do the clear birth date and sex, which with the masked number's region and last
four digits rebuilt the number (the birth date stays as a blind index)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0007_copy_declared_identity"),
        ("screening", "0004_copy_declared_identity"),
    ]

    operations = [
        migrations.RemoveField(model_name="person", name="birth_date"),
        migrations.RemoveField(model_name="person", name="name"),
        migrations.RemoveField(model_name="person", name="phone"),
        migrations.RemoveField(model_name="person", name="phone_index"),
        migrations.RemoveField(model_name="person", name="phone_tail"),
        migrations.RemoveField(model_name="person", name="sex"),
    ]
