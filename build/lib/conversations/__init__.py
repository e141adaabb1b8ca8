"""CarbonChat's domain: accounts, agents, inboxes, contacts, conversations and messages."""
