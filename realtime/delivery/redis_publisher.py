"""The Redis side of ``group_publisher``: one script call publishes a whole batch."""

import hashlib
from typing import Any

from redis.exceptions import NoScriptError

from realtime.server.redis_connection import RedisConnection

# KEYS: the channels; ARGV: the messages, in the same order.
PUBLISH_ALL = """
for i = 1, #KEYS do
  redis.call('PUBLISH', KEYS[i], ARGV[i])
end
return #KEYS
"""
PUBLISH_ALL_SHA = hashlib.sha1(PUBLISH_ALL.encode()).hexdigest()


class ScriptedPublisher(RedisConnection):
    """Publishes a batch of group messages with one script call (see group_publisher)."""

    def __init__(self, url: str, prefix: str) -> None:
        super().__init__("publish", url=url)
        self.channel_prefix = f"{prefix}__group__"

    async def publish(self, layer: Any, messages: list[tuple[str, dict[str, Any]]]) -> None:
        channels = [self.channel_prefix + group for group, _ in messages]
        payloads = [layer.serialize(message) for _, message in messages]
        try:
            await self.redis.evalsha(PUBLISH_ALL_SHA, len(channels), *channels, *payloads)
        except NoScriptError:  # a new (or flushed) Redis: load the script once, again
            await self.redis.script_load(PUBLISH_ALL)
            await self.redis.evalsha(PUBLISH_ALL_SHA, len(channels), *channels, *payloads)
