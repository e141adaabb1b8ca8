// Drives the @anycable/web client (actioncable-v1-ext-json) for the resumable-delivery tests.
// Same line protocol as driver.js: JSON commands on stdin, JSON events on stdout.
//   {"op":"connect","url":"ws://…/cable"}
//   {"op":"subscribe","name":"room","channel":"RoomChannel","params":{…}}
// Events: {"event":"cable_connect","restored":…,"reconnect":…}, {"event":"cable_disconnect"},
// {"event":"connected","name":…}, {"event":"received","name":…,"data":…,"meta":…}.
import WebSocket from "ws";
import readline from "readline";
import { createCable } from "@anycable/web";

const emit = (event) => process.stdout.write(JSON.stringify(event) + "\n");

let cable = null;

function handle(command) {
  switch (command.op) {
    case "connect":
      cable = createCable(command.url, {
        protocol: "actioncable-v1-ext-json",
        websocketImplementation: WebSocket,
        logLevel: "error",
      });
      cable.on("connect", (ev) => emit({ event: "cable_connect", restored: !!ev.restored,
                                         reconnect: !!ev.reconnect }));
      cable.on("disconnect", (ev) => emit({ event: "cable_disconnect",
                                            reason: ev && ev.reason ? String(ev.reason) : null }));
      break;
    case "subscribe": {
      const name = command.name;
      const channel = cable.subscribeTo(command.channel, command.params);
      channel.on("message", (data, meta) => emit({ event: "received", name, data,
                                                   meta: meta || null }));
      channel.ensureSubscribed().then(
        () => emit({ event: "connected", name }),
        (err) => emit({ event: "rejected", name, error: String(err) }),
      );
      break;
    }
    default:
      emit({ event: "error", message: "unknown op " + command.op });
  }
}

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  if (line.trim()) handle(JSON.parse(line));
});
process.stdin.on("end", () => process.exit(0));
