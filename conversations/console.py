"""The agent console (``/console/``): a page for a signed-in agent, driven by ``console.js``
through the public REST API and ``/cable`` only, like any agent-side integration.

The page hands the agent its own tokens (it is signed in, through Django's session), so the
script can call the API as Chatwoot's dashboard does; nobody else's page carries them.
"""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import AccountUser
from .models.agent import agent_of

LOGIN_URL = "/console/login/"


class ConsoleLoginView(LoginView):
    template_name = "conversations/console_login.html"
    redirect_authenticated_user = True
    next_page = "/console/"


@login_required(login_url=LOGIN_URL)
def console_page(request: HttpRequest) -> HttpResponse:
    memberships = AccountUser.objects.filter(user=request.user, account__status="active")
    wanted = request.GET.get("account")
    membership = None
    if wanted and wanted.isascii() and wanted.isdigit() and len(wanted) < 12:
        membership = memberships.filter(account_id=int(wanted)).select_related("account").first()
    membership = membership or memberships.select_related("account").order_by("id").first()
    if membership is None:
        return render(request, "conversations/console_no_account.html", status=403)
    agent = agent_of(request.user)
    config = {
        "account_id": membership.account_id,
        "account_name": membership.account.name,
        "user_id": request.user.pk,
        "name": agent.available_name,
        "access_token": agent.access_token,
        "pubsub_token": agent.pubsub_token,
    }
    response = render(request, "conversations/console.html", {"config": config})
    response["Cache-Control"] = "no-store"  # it carries the agent's tokens
    return response
