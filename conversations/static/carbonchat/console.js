// CarbonChat's agent console: the account's conversations live, as a reference agent-side
// integration. Everything goes through the public REST API (api_access_token) and /cable
// (RoomChannel, the stock @rails/actioncable client): nothing a third-party dashboard could
// not do. No build step.
import { createConsumer } from "./vendor/actioncable.esm.js";

const config = JSON.parse(document.getElementById("console-config").textContent);
const $ = (name) => document.querySelector(`[data-console="${name}"]`);
const state = {
  tab: "me",
  conversations: new Map(), // display id → conversation push data
  open: null, // the open conversation's display id
  lastMessageId: 0,
  noteMode: false,
  offlineSince: null,
  arrivals: 0, // a counter: the order in which conversations last changed here
};

async function api(method, path, body) {
  const response = await fetch(`/api/v1/accounts/${config.account_id}/${path}`, {
    method,
    headers: { "Content-Type": "application/json", api_access_token: config.access_token },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status}`);
  return response.status === 204 ? null : response.json();
}

// The list --------------------------------------------------------------------------------
function inTab(conversation) {
  if (conversation.status !== "open") return false;
  const assignee = conversation.meta?.assignee?.id ?? null;
  if (state.tab === "me") return assignee === config.user_id;
  if (state.tab === "unassigned") return assignee === null;
  return true;
}

function drawCounts() {
  // The tabs' counts, kept current from what the socket says (the list's meta at first).
  const open = [...state.conversations.values()].filter((c) => c.status === "open");
  const counts = {
    me: open.filter((c) => c.meta?.assignee?.id === config.user_id).length,
    unassigned: open.filter((c) => !c.meta?.assignee).length,
    all: open.length,
  };
  for (const [tab, count] of Object.entries(counts)) {
    document.querySelector(`[data-tab="${tab}"] span`).textContent = `(${count})`;
  }
}

function drawList() {
  drawCounts();
  const list = $("conversations");
  // Newest activity first; activity is in whole seconds, so within one second the latest
  // to arrive here goes first.
  const shown = [...state.conversations.values()]
    .filter(inTab)
    .sort((a, b) => b.last_activity_at - a.last_activity_at || (b.seen ?? 0) - (a.seen ?? 0));
  list.replaceChildren(
    ...shown.map((conversation) => {
      const item = document.createElement("li");
      item.dataset.id = conversation.id;
      item.classList.toggle("open", conversation.id === state.open);
      const name = document.createElement("strong");
      name.textContent = conversation.meta?.sender?.name ?? "Visitor";
      const unread = document.createElement("span");
      unread.className = "unread";
      unread.textContent = conversation.unread_count ? String(conversation.unread_count) : "";
      const preview = document.createElement("small");
      preview.textContent = conversation.last_non_activity_message?.content ?? "";
      item.append(unread, name, preview);
      item.addEventListener("click", () => openConversation(conversation.id));
      return item;
    }),
  );
}

function upsert(conversation) {
  const known = state.conversations.get(conversation.id);
  // An update older than what is shown is dropped, as Chatwoot's dashboard does.
  if (known && known.updated_at > conversation.updated_at) return;
  state.conversations.set(conversation.id, { ...known, ...conversation, seen: ++state.arrivals });
  drawList();
  if (conversation.id === state.open) drawHeader();
}

async function loadList() {
  const { data } = await api("GET", `conversations?assignee_type=${state.tab}&status=open`);
  data.payload.forEach((c) => state.conversations.set(c.id, c));
  drawList();
}

// The open conversation -------------------------------------------------------------------
function drawHeader() {
  const conversation = state.conversations.get(state.open);
  if (!conversation) return;
  $("contact").textContent = conversation.meta?.sender?.name ?? "Visitor";
  $("status").textContent = conversation.status;
  $("assignee").textContent = conversation.meta?.assignee
    ? `assigned to ${conversation.meta.assignee.name}`
    : "unassigned";
}

function drawMessage(message) {
  if (message.conversation_id !== state.open) return;
  let item = document.querySelector(`[data-console="messages"] li[data-id="${message.id}"]`);
  if (!item) {
    item = document.createElement("li");
    item.dataset.id = message.id;
    $("messages").appendChild(item);
  }
  const kind = message.private
    ? "private"
    : ["incoming", "outgoing", "activity", "outgoing"][message.message_type];
  item.className = kind;
  item.textContent = message.content ?? "";
  state.lastMessageId = Math.max(state.lastMessageId, message.id);
  $("messages").scrollTop = $("messages").scrollHeight;
}

async function openConversation(id) {
  state.open = id;
  state.lastMessageId = 0;
  $("conversation").hidden = false;
  $("messages").replaceChildren();
  $("typing").textContent = "";
  drawList();
  drawHeader();
  const { payload } = await api("GET", `conversations/${id}/messages`);
  payload.forEach(drawMessage);
  await api("POST", `conversations/${id}/update_last_seen`);
}

async function backfill() {
  // After a reconnect: what changed while the socket was down, as Chatwoot's dashboard asks.
  const seconds = Math.ceil((Date.now() - state.offlineSince) / 1000) + 5;
  const { data } = await api("GET", `conversations?updated_within=${seconds}`);
  data.payload.forEach(upsert);
  if (state.open) {
    const { payload } = await api("GET", `conversations/${state.open}/messages?after=${state.lastMessageId}`);
    payload.forEach(drawMessage);
  }
}

// Writing -----------------------------------------------------------------------------------
let typingTimer = null;
function typed() {
  if (!state.open) return;
  const body = (typing_status) => ({ typing_status, is_private: state.noteMode });
  if (!typingTimer) api("POST", `conversations/${state.open}/toggle_typing_status`, body("on"));
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => {
    typingTimer = null;
    api("POST", `conversations/${state.open}/toggle_typing_status`, body("off"));
  }, 2000);
}

async function reply(isPrivate) {
  const content = $("input").value.trim();
  if (!content || !state.open) return;
  $("input").value = "";
  const message = await api("POST", `conversations/${state.open}/messages`, {
    content,
    private: isPrivate,
  });
  drawMessage(message);
}

const actions = {
  assign: () => api("POST", `conversations/${state.open}/assignments`, { assignee_id: config.user_id }),
  resolve: () => api("POST", `conversations/${state.open}/toggle_status`, { status: "resolved" }),
  reopen: () => api("POST", `conversations/${state.open}/toggle_status`, { status: "open" }),
  snooze: () =>
    api("POST", `conversations/${state.open}/toggle_status`, {
      status: "snoozed",
      snoozed_until: Math.floor(Date.now() / 1000) + 3600,
    }),
};

// The socket ----------------------------------------------------------------------------------
function logFrame(text) {
  const frames = $("frames");
  frames.textContent = `${text}\n${frames.textContent}`.slice(0, 20_000);
}

function received({ event, data }) {
  switch (event) {
    case "message.created":
    case "message.updated": {
      const conversation = state.conversations.get(data.conversation_id);
      if (conversation) {
        upsert({
          ...conversation,
          last_activity_at: data.conversation?.last_activity_at ?? conversation.last_activity_at,
          unread_count: data.conversation?.unread_count ?? conversation.unread_count,
          last_non_activity_message: data.message_type === 2 ? conversation.last_non_activity_message : data,
        });
      } else {
        api("GET", `conversations/${data.conversation_id}`).then(upsert);
      }
      drawMessage(data);
      if (data.conversation_id === state.open && data.message_type === 0) {
        $("typing").textContent = "";
        api("POST", `conversations/${state.open}/update_last_seen`);
      }
      break;
    }
    case "conversation.created":
    case "conversation.updated":
    case "conversation.status_changed":
    case "assignee.changed":
    case "team.changed":
    case "conversation.read":
      upsert(data);
      break;
    case "conversation.typing_on":
    case "conversation.typing_off":
      if (data.conversation?.id === state.open && data.user?.type === "contact") {
        $("typing").textContent = event.endsWith("_on") ? `${data.user.name} is typing…` : "";
      }
      break;
    case "presence.update": {
      const online = Object.entries(data.users ?? {}).filter(
        ([id, status]) => status === "online" && Number(id) !== config.user_id,
      );
      $("presence").textContent = `${online.length} colleague(s) online`;
      const contactsOnline = new Set(Object.keys(data.contacts ?? {}));
      for (const conversation of state.conversations.values()) {
        conversation.contactOnline = contactsOnline.has(String(conversation.meta?.sender?.id));
      }
      $("contact").classList.toggle(
        "online",
        Boolean(state.conversations.get(state.open)?.contactOnline),
      );
      break;
    }
  }
}

function connect() {
  const consumer = createConsumer("/cable");
  let connectedBefore = false;
  // The stock client retries on its stale timer (6 s and more, with backoff); while the
  // socket is down this asks it every 2 s, so the console is back as soon as the server is.
  let retry = null;
  consumer.subscriptions.create(
    {
      channel: "RoomChannel",
      pubsub_token: config.pubsub_token,
      account_id: config.account_id,
      user_id: config.user_id,
    },
    {
      received,
      connected() {
        clearInterval(retry);
        retry = null;
        $("banner").hidden = true;
        // Raw frames, for developers integrating: the socket is a new one after each reconnect.
        consumer.connection.webSocket?.addEventListener("message", (e) => logFrame(e.data));
        if (connectedBefore) {
          backfill()
            .catch(console.error)
            .finally(() => (state.offlineSince = null));
        }
        connectedBefore = true;
        document.body.dataset.connected = "true";
      },
      disconnected() {
        retry ??= setInterval(() => consumer.connection.isActive() || consumer.connect(), 2000);
        $("banner").hidden = false;
        state.offlineSince ??= Date.now();
        document.body.dataset.connected = "false";
      },
    },
  );
  setInterval(() => consumer.subscriptions.subscriptions[0]?.perform("update_presence"), 20_000);
}

// Start ---------------------------------------------------------------------------------------
for (const button of document.querySelectorAll("[data-tab]")) {
  button.addEventListener("click", async () => {
    state.tab = button.dataset.tab;
    document.querySelectorAll("[data-tab]").forEach((b) => b.classList.toggle("active", b === button));
    await loadList();
  });
}
for (const [name, run] of Object.entries(actions)) {
  document.querySelector(`[data-action="${name}"]`).addEventListener("click", () => run().catch(console.error));
}
$("reply").addEventListener("submit", (event) => {
  event.preventDefault();
  reply(false).catch(console.error);
});
$("note").addEventListener("click", () => reply(true).catch(console.error));
$("input").addEventListener("input", typed);

await loadList();
connect();
document.body.dataset.ready = "true";
