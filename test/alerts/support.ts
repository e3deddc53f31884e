// Real counterparts for the alert specs: an HTTP receiver that checks each webhook's signature
// and dedupes on X-B1R-Delivery (as a receiver should), and an SMTP server process.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { verifySignature } from '../../src/alerts/alert-payload.js';

export interface ReceivedWebhook {
  deliveryId: string;
  event: string;
  body: Record<string, any>;
  signatureValid: boolean;
}

export class WebhookReceiver {
  /** Every request, retries included. */
  readonly requests: ReceivedWebhook[] = [];
  /** One per delivery id: what the receiver acts on. */
  readonly alerts = new Map<string, ReceivedWebhook>();
  /** What the next requests get: an answer code, or 'hang' (never answered). */
  mode: number | 'hang' = 200;
  onRequest?: (r: ReceivedWebhook) => void;
  private server!: Server;
  private readonly hanging: ServerResponse[] = [];

  constructor(private readonly secret: string) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/b1r`;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const received: ReceivedWebhook = {
        deliveryId: String(req.headers['x-b1r-delivery']), event: String(req.headers['x-b1r-event']),
        body: JSON.parse(text), signatureValid: verifySignature(this.secret, String(req.headers['x-b1r-signature'] ?? ''), text),
      };
      this.requests.push(received);
      this.onRequest?.(received);
      if (this.mode === 'hang') {
        this.hanging.push(res);
        return;
      }
      if (this.mode >= 200 && this.mode < 300 && received.signatureValid && !this.alerts.has(received.deliveryId)) this.alerts.set(received.deliveryId, received);
      res.writeHead(received.signatureValid ? this.mode : 401).end();
    });
  }

  async waitFor(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > until) throw new Error(`timed out; requests so far: ${JSON.stringify(this.requests.map((r) => [r.deliveryId, r.event]))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  deliveryId: string;
  text: string;
}

/** The smtp-server package in a process of its own; every message it accepted, in order. */
export class SmtpReceiver {
  readonly messages: ReceivedMail[] = [];
  private child!: ChildProcess;

  async start(): Promise<string> {
    this.child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/smtp-receiver.mjs', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
    return new Promise((resolve, reject) => {
      let buffered = '';
      this.child.stdout!.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          const listening = /^LISTENING (\d+)$/.exec(line);
          if (listening) resolve(`smtp://127.0.0.1:${listening[1]}`);
          else if (line.trim()) this.messages.push(JSON.parse(line));
        }
      });
      this.child.on('exit', (code) => reject(new Error(`the SMTP server exited (${code})`)));
    });
  }

  async waitFor(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > until) throw new Error(`timed out waiting for mail; got ${this.messages.length}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): void {
    this.child.kill();
  }
}
