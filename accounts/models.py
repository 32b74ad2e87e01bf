"""Personal access tokens: how programs (the terminal client, scripts) sign in to the API.

Only a SHA-256 digest of each token is stored: the token itself is a 256-bit random secret shown
once, so a fast hash is enough (nothing to brute-force) and a leaked table grants nothing. The
`hint` (the token's first characters) lets a person tell their tokens apart in the list.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AccessToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", "Read only"
        READ_WRITE = "read_write", "Read and write"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(max_length=80)
    scope = models.CharField(max_length=16, choices=Scope.choices, default=Scope.READ)
    digest = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.READ_WRITE
