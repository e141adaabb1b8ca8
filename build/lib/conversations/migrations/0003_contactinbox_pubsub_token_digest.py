"""Index contact sessions by the SHA-256 of their socket token (constant-time subscribe)."""

import hashlib

from django.db import migrations, models


def fill_digests(apps, schema_editor):
    ContactInbox = apps.get_model("conversations", "ContactInbox")
    for session in ContactInbox.objects.only("id", "pubsub_token").iterator():
        digest = hashlib.sha256(session.pubsub_token.encode()).hexdigest()
        ContactInbox.objects.filter(pk=session.pk).update(pubsub_token_digest=digest)


class Migration(migrations.Migration):
    dependencies = [("conversations", "0002_created_at_not_editable")]

    operations = [
        migrations.AddField(
            model_name="contactinbox",
            name="pubsub_token_digest",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(fill_digests, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="contactinbox",
            name="pubsub_token_digest",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
    ]
