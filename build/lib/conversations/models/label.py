"""Labels: an account's tags for conversations and contacts."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from .account import Account

# Chatwoot's rule: letters and digits of any script, hyphens and underscores; stored lowercase.
TITLE_PATTERN = r"^[\w-]+$"


class Label(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="labels")
    title = models.CharField(
        max_length=255,
        validators=[RegexValidator(TITLE_PATTERN, "Letters, digits, '-' and '_' only.")],
    )
    description = models.TextField(blank=True)
    color = models.CharField(max_length=16, default="#1f93ff")
    show_on_sidebar = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["account", "title"], name="label_title_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.title = self.title.lower()
        super().save(*args, **kwargs)
