// CarbonChat's website widget: a chat bubble for any page, in one ES module, no build step.
//
//   <script type="module" src="https://chat.example.com/static/carbonchat/widget.js"
//           data-website-token="…"></script>
//
// It is also the reference integration for writing your own: everything it does goes
// through the widget API (/api/v1/widget/*, docs/widget.md) and /cable with the stock
// @rails/actioncable client. The visitor's session token is kept in localStorage, so the
// conversation survives page loads; after a dropped connection the widget fetches the
// messages it missed (GET messages?after=<last id>).
import { createConsumer } from "./vendor/actioncable.esm.js";

const script = document.querySelector("script[data-website-token]");
const websiteToken = script.dataset.websiteToken;
const server = new URL(import.meta.url).origin;
const storageKey = `carbonchat.${websiteToken}`;

const state = {
  authToken: localStorage.getItem(storageKey),
  conversationId: null,
  messages: new Map(), // id → message, in arrival order
  lastId: 0,
  agentsOnline: false,
  connectedBefore: false,
};

async function api(method, path, body) {
  const url = new URL(`/api/v1/widget/${path}`, server);
  url.searchParams.set("website_token", websiteToken);
  const headers = { "Content-Type": "application/json" };
  if (state.authToken) headers["X-Auth-Token"] = state.authToken;
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status}`);
  return response.json();
}

// The page ------------------------------------------------------------------------------
const host = document.createElement("div");
host.dataset.carbonchat = "widget";
document.body.appendChild(host);
const root = host.attachShadow({ mode: "open" });
root.innerHTML = `
  <style>
    :host { all: initial; font: 14px/1.4 system-ui, sans-serif; }
    .bubble { position: fixed; right: 20px; bottom: 20px; width: 56px; height: 56px;
      border-radius: 50%; border: 0; color: #fff; cursor: pointer; display: grid;
      place-items: center;
      box-shadow: 0 4px 12px #0003; }
    .panel { position: fixed; right: 20px; bottom: 90px; width: 320px; height: 420px;
      display: none; flex-direction: column; background: #fff; border-radius: 12px;
      box-shadow: 0 8px 24px #0003; overflow: hidden; }
    .panel.open { display: flex; }
    header { color: #fff; padding: 12px; }
    header small { display: block; opacity: .85; }
    .banner { display: none; background: #fff3cd; padding: 4px 12px; font-size: 12px; }
    .banner.shown { display: block; }
    ol { flex: 1; margin: 0; padding: 12px; overflow-y: auto; list-style: none; }
    li { margin: 4px 0; padding: 6px 10px; border-radius: 10px; max-width: 80%; }
    li.visitor { margin-left: auto; background: #e8f0fe; }
    li.agent { background: #f1f1f1; }
    .typing { min-height: 18px; padding: 0 12px; font-size: 12px; color: #666; }
    form { display: flex; border-top: 1px solid #eee; }
    textarea { flex: 1; border: 0; padding: 10px; resize: none; font: inherit; }
    button.send { border: 0; background: none; padding: 0 14px; cursor: pointer; }
  </style>
  <button class="bubble" data-carbonchat="bubble" aria-label="Chat with us">
    <svg viewBox="0 0 24 24" width="26" height="26" fill="currentColor" aria-hidden="true">
      <path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/>
    </svg></button>
  <section class="panel" data-carbonchat="panel" aria-label="Chat">
    <header><strong data-carbonchat="title"></strong>
      <small data-carbonchat="status">We are offline</small></header>
    <div class="banner" data-carbonchat="banner">Reconnecting…</div>
    <ol data-carbonchat="messages"></ol>
    <div class="typing" data-carbonchat="typing"></div>
    <div class="typing" data-carbonchat="state"></div>
    <form data-carbonchat="form">
      <textarea data-carbonchat="input" rows="2" placeholder="Type your message"></textarea>
      <button class="send" data-carbonchat="send" type="submit">Send</button>
    </form>
  </section>`;
const $ = (name) => root.querySelector(`[data-carbonchat="${name}"]`);

function render(message) {
  let item = root.querySelector(`li[data-id="${message.id}"]`);
  if (!item && message.echo_id) item = root.querySelector(`li[data-echo="${message.echo_id}"]`);
  if (!item) {
    item = document.createElement("li");
    $("messages").appendChild(item);
  }
  item.dataset.id = message.id ?? "";
  if (message.echo_id) item.dataset.echo = message.echo_id;
  item.className = message.message_type === 0 ? "visitor" : "agent";
  item.textContent = message.content ?? "";
  $("messages").scrollTop = $("messages").scrollHeight;
}

function remember(message) {
  // Private notes and activity lines never reach a visitor; this guards against a server
  // that sends them anyway (Chatwoot's widget filters them too).
  if (message.private || message.message_type === 2) return;
  state.messages.set(message.id, message);
  state.lastId = Math.max(state.lastId, message.id);
  render(message);
}

function showOnline(online) {
  state.agentsOnline = online;
  $("status").textContent = online ? "We are online" : "We are offline";
  $("status").dataset.online = String(online);
}

// The conversation ----------------------------------------------------------------------
async function loadConversation() {
  const conversation = await api("GET", "conversations");
  state.conversationId = conversation.id ?? null;
  const path = state.lastId ? `messages?after=${state.lastId}` : "messages";
  const { payload } = await api("GET", path);
  payload.forEach(remember);
}

async function send(content) {
  const echoId = `cc-${Date.now()}-${Math.random().toString(16).slice(2)}`;
  render({ echo_id: echoId, content, message_type: 0 });
  const message = await api("POST", "messages", { message: { content, echo_id: echoId } });
  state.conversationId ??= message.conversation_id;
  remember({ ...message, echo_id: echoId });
}

let typingTimer = null;
function typed() {
  if (!state.conversationId) return;
  if (!typingTimer) api("POST", "conversations/toggle_typing", { typing_status: "on" });
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => {
    typingTimer = null;
    api("POST", "conversations/toggle_typing", { typing_status: "off" });
  }, 2000);
}

// The socket ----------------------------------------------------------------------------
function received({ event, data }) {
  switch (event) {
    case "message.created":
    case "message.updated":
      state.conversationId ??= data.conversation_id;
      if (data.conversation_id !== state.conversationId) return;
      remember(data);
      if (data.message_type === 1) $("typing").textContent = ""; // the agent has written
      if ($("panel").classList.contains("open")) api("POST", "conversations/update_last_seen");
      break;
    case "conversation.typing_on":
    case "conversation.typing_off":
      if (data.conversation?.id !== state.conversationId || data.is_private) return;
      $("typing").textContent =
        event === "conversation.typing_on" ? `${data.user?.name ?? "An agent"} is typing…` : "";
      break;
    case "conversation.status_changed":
      if (data.id !== state.conversationId) return;
      $("state").textContent =
        data.status === "resolved" ? "This conversation was resolved. Write to reopen it." : "";
      break;
    case "presence.update":
      showOnline(Object.values(data.users ?? {}).some((status) => status === "online"));
      break;
  }
}

function connect(pubsubToken) {
  const url = new URL("/cable", server);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const consumer = createConsumer(url.toString());
  // The stock client retries on its stale timer (6 s and more, with backoff); while the
  // socket is down this asks it every 2 s, so the widget is back as soon as the server is.
  let retry = null;
  const room = consumer.subscriptions.create(
    { channel: "RoomChannel", pubsub_token: pubsubToken },
    {
      received,
      connected() {
        clearInterval(retry);
        retry = null;
        $("banner").classList.remove("shown");
        // After a drop: what was sent meanwhile (the server also replays what it kept).
        if (state.connectedBefore) loadConversation().catch(console.error);
        state.connectedBefore = true;
      },
      disconnected() {
        retry ??= setInterval(() => consumer.connection.isActive() || consumer.connect(), 2000);
        $("banner").classList.add("shown");
      },
    },
  );
  // Agents see the visitor online while this runs (Chatwoot's widget does the same).
  setInterval(() => room.perform("update_presence"), 20_000);
}

// Start ---------------------------------------------------------------------------------
async function start() {
  const config = await api("POST", "config");
  const channel = config.website_channel_config;
  state.authToken = channel.auth_token;
  localStorage.setItem(storageKey, state.authToken);
  for (const element of [$("bubble"), root.querySelector("header")]) {
    element.style.background = channel.widget_color;
  }
  $("title").textContent = channel.welcome_title || channel.website_name;
  const { payload: agents } = await api("GET", "inbox_members");
  showOnline(agents.some((agent) => agent.availability_status === "online"));
  await loadConversation();
  connect(config.contact.pubsub_token);

  $("bubble").addEventListener("click", () => {
    $("panel").classList.toggle("open");
    if (state.conversationId) api("POST", "conversations/update_last_seen");
  });
  $("input").addEventListener("input", typed);
  $("form").addEventListener("submit", (event) => {
    event.preventDefault();
    const content = $("input").value.trim();
    if (!content) return;
    $("input").value = "";
    send(content).catch(console.error);
  });
  $("input").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      $("form").requestSubmit();
    }
  });
  host.dataset.ready = "true";
}

start().catch((error) => {
  console.error("CarbonChat widget:", error);
  host.dataset.error = String(error);
});
