"""realtime/ as a reader finds it: the public API at the top, no import cycles inside, nothing
of the domain, and every daphne shortcut's footing present in the installed packages."""

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "realtime"
PUBLIC = (
    "Channel",
    "action",
    "broadcast",
    "abroadcast",
    "control",
    "acontrol",
    "channel_registry",
    "realtime_settings",
    "CableTestClient",
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Modules ``path`` imports when it runs (type-checking-only imports left out)."""
    tree = ast.parse(path.read_text())
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            found.add(base)
            for alias in node.names:  # "from realtime.server import metrics" imports a module
                found.add(f"{base}.{alias.name}")
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}
    edges = {}
    for name, path in modules.items():
        targets = set()
        for imported in imports_of(path):
            # A package's __init__ always runs before its modules: an edge to an ancestor is
            # no cycle of the code's making.
            ancestor = name.startswith(imported + ".")
            if imported in modules and imported != name and not ancestor:
                targets.add(imported)
        edges[name] = targets
    return edges


def test_no_import_cycles_inside_realtime():
    edges = graph()
    index, low, on_stack, stack, cycles = {}, {}, set(), [], []
    counter = [0]

    def connect(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in edges[node]:
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in edges:
        if node not in index:
            connect(node)
    assert cycles == [], f"modules importing each other in a circle: {cycles}"


def test_realtime_knows_nothing_of_the_domain():
    for path in PACKAGE.rglob("*.py"):
        domain = {i for i in imports_of(path) if i.split(".")[0] in {"conversations", "carbonchat"}}
        assert not domain, f"{path.relative_to(ROOT)} imports {sorted(domain)}"


def test_import_realtime_exposes_the_public_api():
    realtime = importlib.import_module("realtime")
    for name in PUBLIC:
        assert getattr(realtime, name) is not None, name
    assert set(PUBLIC) <= set(realtime.__all__)


def test_every_daphne_shortcut_finds_what_it_relies_on():
    """Fails (rather than a shortcut falling back in silence) when a daphne, autobahn or
    Twisted upgrade moves what realtime/daphne/ reads or patches."""
    from realtime import daphne

    assert daphne.missing() == []
    patched = {path.stem for path in (PACKAGE / "daphne").glob("*.py")} - {"__init__"}
    assert patched == set(daphne.REQUIRES)  # every module says what it needs


@pytest.mark.django_db
def test_a_missing_footing_fails_the_system_check(monkeypatch):
    from django.core import checks

    from realtime import daphne

    monkeypatch.setitem(daphne.REQUIRES, "frame_writer", (("daphne.ws_protocol", "Gone"),))
    errors = [m for m in checks.run_checks() if m.id == "realtime.E007"]
    assert errors and "daphne.ws_protocol:Gone" in errors[0].msg


@pytest.mark.server
@pytest.mark.redis
async def test_with_the_shortcuts_off_it_runs_on_plain_asgi_send(world, live_server_factory):
    """One switch, and nothing of daphne's is patched: subscribing and fan-out still work."""
    from conversations import streams
    from realtime import abroadcast

    from .audience import agent_identifier
    from .live import SocketClient

    server = live_server_factory(CARBONCHAT_REALTIME='{"DAPHNE_SHORTCUTS": false}')
    clients = []
    for _ in range(3):
        client = await SocketClient.connect(server.url)
        assert await client.subscribe(agent_identifier(world.agent, world.account)) == (
            "confirm_subscription"
        )
        clients.append(client)
    await abroadcast([streams.inbox_agents(world.inbox.id)], {"event": "plain", "data": {}})
    for client in clients:
        frame = await client.receive(lambda f: (f.get("message") or {}).get("event") == "plain")
        assert frame["message"]["data"] == {}
        await client.close()
