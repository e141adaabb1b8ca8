"""Domain signals for changes that are not a saved row (typing, for one)."""

from django.dispatch import Signal

# sender: Conversation; kwargs: conversation, typist (User or Contact), on (bool), is_private.
typing_changed = Signal()

# sender: Contact; kwargs: base (the Contact that absorbed another one).
contact_merged = Signal()
