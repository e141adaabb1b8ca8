"""The channel registry: channel classes by the name clients use, from ``REALTIME["CHANNELS"]``."""

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from realtime.channel import Channel
from realtime.settings import realtime_settings


class ChannelRegistry:
    """Resolves dotted paths lazily, once, so an import error surfaces as a system check."""

    def __init__(self) -> None:
        self._classes: dict[str, type[Channel]] | None = None

    def _load(self) -> dict[str, type[Channel]]:
        classes: dict[str, type[Channel]] = {}
        for name, path in realtime_settings.CHANNELS.items():
            cls = import_string(path) if isinstance(path, str) else path
            if not (isinstance(cls, type) and issubclass(cls, Channel)):
                raise ImproperlyConfigured(f"REALTIME channel {name!r} is not a Channel subclass")
            classes[name] = cls
        return classes

    def get(self, name: str) -> type[Channel] | None:
        if self._classes is None:
            self._classes = self._load()
        return self._classes.get(name)

    def names(self) -> list[str]:
        if self._classes is None:
            self._classes = self._load()
        return sorted(self._classes)

    def reload(self) -> None:
        self._classes = None


channel_registry = ChannelRegistry()
realtime_settings.on_reload(channel_registry.reload)
