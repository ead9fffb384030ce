// A fake Socket Mode endpoint: apps.connections.open (through FakeSlack) hands out its ws:// URL; it says hello,
// sends envelopes as Slack does, and returns what the bot acknowledges with.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { FakeSlack } from './slack-fake.js';

export interface SocketModeFake {
  /** Resolves once the bot has connected and been greeted. */
  connected: Promise<void>;
  /** Sends one envelope (`slash_commands`, `interactive`, `events_api`); resolves with the bot's ack payload. */
  send(
    type: string,
    payload: Record<string, unknown>,
    timeoutMs?: number,
  ): Promise<Record<string, unknown> | undefined>;
  stop(): Promise<void>;
}

export async function startSocketModeFake(slack: FakeSlack): Promise<SocketModeFake> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  slack.socketUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/link`;
  const acks = new Map<string, (payload: Record<string, unknown> | undefined) => void>();
  let socket: WebSocket | undefined;
  const connected = new Promise<void>((resolve) => {
    server.on('connection', (ws) => {
      socket = ws;
      ws.on('message', (data) => {
        const message = JSON.parse(String(data)) as { envelope_id?: string; payload?: Record<string, unknown> };
        if (message.envelope_id) acks.get(message.envelope_id)?.(message.payload);
      });
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: 1,
          debug_info: { host: 'fake' },
          connection_info: { app_id: 'A_OPSBOT' },
        }),
      );
      resolve();
    });
  });
  return {
    connected,
    send(type, payload, timeoutMs = 5000) {
      const envelopeId = randomUUID();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ack for ${type} within ${timeoutMs} ms`)), timeoutMs);
        acks.set(envelopeId, (ack) => {
          clearTimeout(timer);
          resolve(ack);
        });
        socket?.send(
          JSON.stringify({
            envelope_id: envelopeId,
            type,
            payload,
            accepts_response_payload: true,
            retry_attempt: 0,
            retry_reason: '',
          }),
        );
      });
    },
    async stop() {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
