// Drives the stock @rails/actioncable client for the conformance tests.
//
// Reads one JSON command per line on stdin and prints one JSON event per line on stdout:
//   {"op":"connect","url":"ws://127.0.0.1:8000/cable"}
//   {"op":"subscribe","name":"contact","params":{"channel":"RoomChannel","pubsub_token":"…"}}
//   {"op":"perform","name":"contact","action":"update_presence","data":{}}
//   {"op":"unsubscribe","name":"contact"}
//   {"op":"disconnect"}
// Events: {"event":"frame","frame":{…}} for every frame the socket receives, and
// {"event":"connected"|"rejected"|"disconnected"|"received","name":…,"data":…} from the
// subscription callbacks the application code would use.
"use strict";

// The client is written for browsers; these are the only globals it touches in Node.
globalThis.self = globalThis;
globalThis.addEventListener = () => {};
globalThis.removeEventListener = () => {};
globalThis.document = {
  visibilityState: "visible",
  addEventListener() {},
  removeEventListener() {},
};

const WebSocket = require("ws");
const ActionCable = require("@rails/actioncable");
const readline = require("readline");

const emit = (event) => process.stdout.write(JSON.stringify(event) + "\n");

class RecordingWebSocket extends WebSocket {
  constructor(url, protocols) {
    super(url, protocols);
    emit({ event: "socket", protocols });
    this.addEventListener("open", () => emit({ event: "open", protocol: this.protocol }));
    this.addEventListener("message", (m) => {
      try {
        emit({ event: "frame", frame: JSON.parse(m.data) });
      } catch (e) {
        emit({ event: "frame", raw: String(m.data) });
      }
    });
    this.addEventListener("close", (e) => emit({ event: "close", code: e.code }));
  }
}
ActionCable.adapters.WebSocket = RecordingWebSocket;
ActionCable.adapters.logger = { log: () => {} };

let consumer = null;
const subscriptions = {};

function handle(command) {
  switch (command.op) {
    case "connect":
      consumer = ActionCable.createConsumer(command.url);
      consumer.connect();
      break;
    case "subscribe": {
      const name = command.name;
      subscriptions[name] = consumer.subscriptions.create(command.params, {
        connected: () => emit({ event: "connected", name }),
        rejected: () => emit({ event: "rejected", name }),
        disconnected: (d) => emit({ event: "disconnected", name, data: d || null }),
        received: (data) => emit({ event: "received", name, data }),
      });
      break;
    }
    case "perform":
      subscriptions[command.name].perform(command.action, command.data || {});
      break;
    case "unsubscribe":
      subscriptions[command.name].unsubscribe();
      delete subscriptions[command.name];
      emit({ event: "unsubscribed", name: command.name });
      break;
    case "disconnect":
      consumer.disconnect();
      break;
    default:
      emit({ event: "error", message: "unknown op " + command.op });
  }
}

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  if (line.trim()) handle(JSON.parse(line));
});
process.stdin.on("end", () => process.exit(0));
