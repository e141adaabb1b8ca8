"""The standalone server's own pages: the landing page at ``/`` and the widget demo."""

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import render

from conversations.management.commands.seed_demo import DEMO_PASSWORD
from conversations.models import AccountUser, Inbox
from conversations.widget import widget_snippet

DOCS = ("protocol", "events", "api", "widget", "console", "operations", "integrate", "presence")


def landing(request: HttpRequest) -> HttpResponse:
    """What is running, where to go next; in the embedded mode, the demo sign-ins (emails and
    the demo password only: tokens are for signed-in agents, in the console)."""
    layer = settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1]
    demo_agents = []
    if not settings.PRODUCTION:
        demo_agents = [
            (member.user.email, member.role)
            for member in AccountUser.objects.filter(account__name="Demo Account")
            .select_related("user")
            .order_by("id")
        ]
    context = {
        "mode": settings.CARBONCHAT_ENV,
        "processes": settings.REALTIME.get("SERVER_PROCESSES", 1),
        "layer": layer,
        "database": connection.vendor,
        "demo_agents": demo_agents,
        "demo_password": DEMO_PASSWORD if demo_agents else None,
        "docs": DOCS,
    }
    return render(request, "carbonchat/landing.html", context)


def demo(request: HttpRequest) -> HttpResponse:
    """A page with the demo account's website widget: the visitor's side of the console."""
    inbox = (
        Inbox.objects.filter(channel_type=Inbox.ChannelType.WEB_WIDGET, account__status="active")
        .order_by("id")
        .first()
    )
    if inbox is None:
        return HttpResponseNotFound("No website inbox yet: run manage.py seed_demo.")
    return render(request, "carbonchat/demo.html", {"snippet": widget_snippet(inbox)})


def doc(request: HttpRequest, name: str) -> HttpResponse:
    """docs/<name>.md of this checkout, as text (only the documents listed above)."""
    path = settings.BASE_DIR / "docs" / f"{name}.md"
    if name not in DOCS or not path.exists():
        return HttpResponseNotFound("No such document.")
    return HttpResponse(path.read_text(), content_type="text/markdown; charset=utf-8")
