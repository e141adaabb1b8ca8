"""Remembering a row's values as loaded, so a save can tell which fields it really changed."""

from typing import Any, ClassVar, Self

from django.db import models


class TracksChanges(models.Model):
    """
    A model whose ``tracked_fields`` are remembered when it is loaded or saved.

    Events report changes (``conversation.status_changed``, ``assignee.changed``, …) and a save
    that changes nothing an event reports must send nothing, however the save was made: the
    API, the admin or the shell. ``changed_fields()`` answers that after ``post_save`` too.
    """

    tracked_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Self:
        instance = super().from_db(db, field_names, values)
        instance._saved_values = instance._tracked_snapshot()
        return instance

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        super().refresh_from_db(*args, **kwargs)
        self._saved_values = self._tracked_snapshot()

    def _tracked_snapshot(self) -> dict[str, Any]:
        snapshot = {}
        for name in self.tracked_fields:
            field = self._meta.get_field(name)
            if field.attname in self.__dict__:
                snapshot[name] = self.__dict__[field.attname]
        return snapshot

    def saved_values(self) -> dict[str, Any]:
        """The tracked values as they were in the database before the pending or last save."""
        return getattr(self, "_saved_values", {})

    def changed_fields(self) -> set[str]:
        """Tracked fields whose value differs from the database row as last loaded or saved."""
        before = self.saved_values()
        now = self._tracked_snapshot()
        if not before:
            return set(now)
        return {name for name, value in now.items() if before.get(name, value) != value}

    def changes(self) -> dict[str, list[Any]]:
        """``{field: [before, after]}`` for the changed tracked fields (Rails' previous_changes)."""
        before = self.saved_values()
        now = self._tracked_snapshot()
        return {
            name: [before[name], value]
            for name, value in now.items()
            if name in before and before[name] != value
        }

    def mark_saved(self) -> None:
        """Called once the save's events are queued: the current values become the baseline."""
        self._saved_values = self._tracked_snapshot()
