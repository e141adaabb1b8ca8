"""``seed_demo``: an idempotent demo account with agents, inboxes, a contact and conversations."""

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from conversations.models import (
    Account,
    AccountUser,
    Agent,
    Contact,
    ContactInbox,
    Conversation,
    Inbox,
    InboxMember,
    Label,
    Message,
)

DEMO_PASSWORD = "carbonchat-demo"


class Command(BaseCommand):
    help = "Create (once) a demo account and print what a client needs to connect."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            data = self.seed()
        if options["json"]:
            self.stdout.write(json.dumps(data))
            return
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"  account id {data['account_id']}")
        for agent in data["agents"]:
            self.stdout.write(
                f"  {agent['role']:<13} {agent['email']} / {DEMO_PASSWORD}  (user id {agent['id']})"
            )
            self.stdout.write(f"      api_access_token {agent['access_token']}")
            self.stdout.write(f"      pubsub_token     {agent['pubsub_token']}")
        for inbox in data["inboxes"]:
            self.stdout.write(
                f"  inbox {inbox['id']} {inbox['name']} identifier {inbox['identifier']}"
            )
        contact = data["contact"]
        self.stdout.write(
            f"  contact {contact['id']} source_id {contact['source_id']} "
            f"pubsub_token {contact['pubsub_token']}"
        )

    def seed(self) -> dict[str, Any]:
        User = get_user_model()  # the standalone server's (email) user model
        account, _ = Account.objects.get_or_create(name="Demo Account")
        agents = []
        for email, name, role, superuser in (
            ("admin@carbonchat.test", "Ada Admin", AccountUser.Role.ADMINISTRATOR, True),
            ("agent@carbonchat.test", "Sam Agent", AccountUser.Role.AGENT, False),
        ):
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email, DEMO_PASSWORD, is_staff=superuser, is_superuser=superuser
                )
                Agent.objects.create(user=user, name=name)
            AccountUser.objects.get_or_create(account=account, user=user, defaults={"role": role})
            agents.append((user, role))
        web, _ = Inbox.objects.get_or_create(
            account=account, name="Website", channel_type=Inbox.ChannelType.WEB_WIDGET
        )
        api, _ = Inbox.objects.get_or_create(
            account=account, name="API", channel_type=Inbox.ChannelType.API
        )
        for inbox in (web, api):
            InboxMember.objects.get_or_create(inbox=inbox, user=agents[1][0])
        contact, _ = Contact.objects.get_or_create(
            account=account, email="jane@acme.test", defaults={"name": "Jane Doe"}
        )
        session, _ = ContactInbox.objects.get_or_create(contact=contact, inbox=web)
        for title, color in (("billing", "#1f93ff"), ("shipping", "#ff9800"), ("vip", "#e91e63")):
            Label.objects.get_or_create(account=account, title=title, defaults={"color": color})
        if not Conversation.objects.filter(account=account).exists():
            self.seed_conversations(account, web, contact, session, agents[1][0])
        return {
            "account_id": account.id,
            "agents": [
                {
                    "id": user.id,
                    "email": user.email,
                    "role": role,
                    "password": DEMO_PASSWORD,
                    "access_token": user.agent.access_token,
                    "pubsub_token": user.agent.pubsub_token,
                }
                for user, role in agents
            ],
            "inboxes": [
                {
                    "id": i.id,
                    "name": i.name,
                    "channel_type": i.channel_type,
                    "identifier": i.identifier,
                }
                for i in (web, api)
            ],
            "contact": {
                "id": contact.id,
                "source_id": session.source_id,
                "pubsub_token": session.pubsub_token,
                "contact_inbox_id": session.id,
            },
        }

    def seed_conversations(self, account, inbox, contact, session, agent) -> None:
        first = Conversation.objects.create(
            account=account, inbox=inbox, contact=contact, contact_inbox=session, assignee=agent
        )
        Message.objects.create(
            conversation=first,
            message_type=Message.MessageType.INCOMING,
            content="Hi! My order has not arrived yet.",
            sender_contact=contact,
        )
        Message.objects.create(
            conversation=first,
            message_type=Message.MessageType.OUTGOING,
            content="Sorry to hear that. Let me check for you.",
            sender_user=agent,
        )
        first.labels.set(Label.objects.filter(account=account, title="shipping"))
        second = Conversation.objects.create(
            account=account,
            inbox=inbox,
            contact=contact,
            contact_inbox=session,
            priority=Conversation.Priority.HIGH,
        )
        Message.objects.create(
            conversation=second,
            message_type=Message.MessageType.INCOMING,
            content="Do you ship to Norway?",
            sender_contact=contact,
        )
