"""Calendar tokens stored hashed: each plain token already handed out is replaced by its SHA-256
digest, so every calendar address in use keeps working while the database (and every backup) holds
only digests. When each address was issued is recorded from now on; for those issued before, it is
unknown and stays empty.
"""

import hashlib
import re

from django.db import migrations, models

# A digest as reports.calendar.selectors.token_digest writes it. Plain tokens were token_urlsafe(32):
# 43 characters, never 64 hexadecimal digits, so a value that already is a digest is left alone and
# running this migration again (after a reverse) never hashes a digest twice.
DIGEST = re.compile(r"[0-9a-f]{64}")


def hash_plain_tokens(apps, schema_editor):
    """Replace every plain calendar token by its SHA-256 hex digest."""
    User = apps.get_model("tasks", "User")
    stored = User._base_manager.exclude(calendar_token=None).exclude(calendar_token="")
    for pk, token in stored.values_list("pk", "calendar_token").iterator():
        if DIGEST.fullmatch(token):
            continue
        digest = hashlib.sha256(token.encode()).hexdigest()
        # update(), not save(): no history row, and no other column touched.
        User._base_manager.filter(pk=pk).update(calendar_token=digest)


class Migration(migrations.Migration):
    dependencies = [
        # The latest migration of the app, which is also the one that added calendar_token: the
        # plain tokens to hash live in that column. No other app's migration writes tokens.
        ("tasks", "0002_followup"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="calendar_token",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text=(
                    "Mã băm SHA-256 của mã bí mật trong địa chỉ lịch (ICS) của người dùng; mã bí mật không "
                    "được lưu, chỉ hiện một lần khi cấp. Cấp mã mới thì địa chỉ cũ hết hiệu lực."
                ),
                max_length=64,
                null=True,
                unique=True,
                verbose_name="mã lịch riêng",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="calendar_token_issued_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="thời điểm cấp địa chỉ lịch"
            ),
        ),
        migrations.AddField(
            model_name="historicaluser",
            name="calendar_token_issued_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="thời điểm cấp địa chỉ lịch"
            ),
        ),
        # The reverse cannot give the plain tokens back: a digest is all that is left. Going back
        # keeps the digests, and the old code then finds no address (each user issues a new one).
        migrations.RunPython(hash_plain_tokens, migrations.RunPython.noop),
    ]
