/**
 * A real SMTP server on 127.0.0.1 (smtp-server) standing for the commune's outgoing mail relay
 * (MAIL_RELAY_URL): it accepts every mail and keeps what arrived, parsed by mailparser. It can
 * be stopped and started again on the same port, to play a relay that is down for a while.
 */
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

export interface ArrivedMail {
  envelopeFrom: string;
  envelopeTo: string[];
  raw: string;
  messageId: string | undefined;
  subject: string;
  text: string;
  from: string;
  to: string;
  headers: Map<string, unknown>;
}

export class SmtpSink {
  readonly arrived: ArrivedMail[] = [];
  private server: SMTPServer | null = null;
  port = 0;

  /** Listens on `port` (0: a free one, kept for the next start). */
  async start(port = this.port): Promise<this> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw)
            .then((parsed) => {
              const addr = (v: unknown) => (v && typeof v === 'object' && 'text' in v ? String((v as { text: unknown }).text) : '');
              this.arrived.push({
                envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                envelopeTo: session.envelope.rcptTo.map((r) => r.address),
                raw, messageId: parsed.messageId, subject: parsed.subject ?? '', text: parsed.text ?? '',
                from: addr(parsed.from), to: addr(parsed.to), headers: parsed.headers,
              });
              callback();
            })
            .catch((e: Error) => callback(e));
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = server.server.address();
    this.port = address && typeof address === 'object' ? address.port : port;
    this.server = server;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  to(address: string): ArrivedMail[] {
    return this.arrived.filter((m) => m.envelopeTo.includes(address));
  }
}
