"""
Presence: who is connected, shared by every server process, with expiry so nothing haunts.

Generic over groups and members (``"account.1.users"``, ``"7"``); a project maps its own
subscribers onto them. Each live subscription is one *session* of a member; a member is online
while any of its sessions is unexpired. Backends are chosen by ``REALTIME["PRESENCE_STORE"]``.
"""
