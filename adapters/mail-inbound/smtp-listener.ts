/**
 * The inbound SMTP listener (smtp-server), embedded default: plain SMTP on loopback, no AUTH,
 * no STARTTLS (put a real MTA or a TLS proxy in front for the Internet). Each mail is parsed
 * as it streams in (mailparser's MailParser, the streaming core of simpleParser): attachments
 * go straight to files under `tmpDir`, so a 10 MB attachment is never held whole in memory.
 *
 * Replies: unknown RCPT → 550 5.1.1; over `maxBytes` → 552 5.3.4 (nothing is kept); the 250
 * comes only after `onMail` resolved, i.e. after the durable commit; any other failure → the
 * error's `responseCode` or 451 4.3.0 (nothing half-stored, the sender retries).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { MailParser, type AddressObject, type AttachmentStream, type HeaderValue, type MessageText } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerError, type SMTPServerSession } from 'smtp-server';
import { SmtpRejection, type InboundAttachment, type InboundMail, type MailInboundListener, type MailInboundOptions } from '../../runtime/ports/mail-inbound.port';

/** Raw bytes kept to show something when the MIME structure cannot be parsed. */
const RAW_FALLBACK_BYTES = 256 * 1024;

function smtpError(code: number, message: string): SMTPServerError {
  const e: SMTPServerError = new Error(message);
  e.responseCode = code;
  return e;
}

export const REPLIES = {
  unknownMailbox: (addr: string) => `5.1.1 <${addr}>: unknown mailbox (adresse inconnue / onbekend adres)`,
  tooBig: (max: number) => `5.3.4 Message too big: the limit is ${max} bytes, nothing was kept (message trop volumineux / bericht te groot)`,
  temporary: () => '4.3.0 Temporary failure, nothing was stored: try again later (erreur temporaire, reessayez plus tard / tijdelijke fout, probeer later opnieuw)',
  accepted: () => '2.0.0 Message accepted',
};

function firstAddress(v: HeaderValue | undefined): { address: string | null; name: string | null } {
  const obj = Array.isArray(v) ? v[0] : v;
  if (!obj || typeof obj !== 'object' || !('value' in obj) || !Array.isArray(obj.value)) return { address: null, name: null };
  const a = (obj as AddressObject).value[0];
  return { address: a?.address ? a.address.trim() : null, name: a?.name ? a.name.trim() : null };
}

function allAddresses(v: HeaderValue | undefined): string[] {
  const list = Array.isArray(v) ? v : v ? [v] : [];
  const out: string[] = [];
  for (const obj of list) {
    if (!obj || typeof obj !== 'object' || !('value' in obj) || !Array.isArray(obj.value)) continue;
    for (const a of (obj as AddressObject).value) if (a.address) out.push(a.address);
  }
  return out;
}

function asText(v: HeaderValue | undefined): string | null {
  if (v === undefined) return null;
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.length ? asText(v[0] as HeaderValue) : null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  return null;
}

/** `<a@x> <b@y>` (one string or several) → ['<a@x>', '<b@y>']. */
function messageIds(v: HeaderValue | undefined): string[] {
  const parts = Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : '')) : typeof v === 'string' ? [v] : [];
  const out: string[] = [];
  for (const p of parts) {
    const found = p.match(/<[^<>\s]+>/g);
    if (found) out.push(...found);
    else if (p.trim() && !/\s/.test(p.trim())) out.push(`<${p.trim()}>`);
  }
  return out;
}

/** The first value of each header, unfolded, keyed by lower-case name. */
function headerTexts(lines: ReadonlyArray<{ key: string; line: string }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, line } of lines) {
    if (key in out) continue;
    const i = line.indexOf(':');
    out[key.toLowerCase()] = (i >= 0 ? line.slice(i + 1) : '').replace(/\r?\n[ \t]+/g, ' ').trim();
  }
  return out;
}

/** Reads the DATA stream into an InboundMail; rejects with 552 when it is too big (after draining it). */
function receive(stream: SMTPServerDataStream, session: SMTPServerSession, options: MailInboundOptions): Promise<InboundMail> {
  return new Promise<InboundMail>((resolve, reject) => {
    const parser = new MailParser({ skipTextToHtml: true, skipImageLinks: true, maxHtmlLengthToParse: 2_000_000 });
    const attachments: InboundAttachment[] = [];
    const writes: Array<Promise<void>> = [];
    const outs: Array<ReturnType<typeof createWriteStream>> = [];
    const raw: Buffer[] = [];
    let rawBytes = 0;
    let headers = new Map<string, HeaderValue>();
    let headerLines: ReadonlyArray<{ key: string; line: string }> = [];
    let text = '';
    let html: string | null = null;
    let oversize = false;
    let parseError: string | null = null;
    let streamEnded = false;
    let parserEnded = false;
    let settled = false;

    // Never waits for a write in flight (its source may be destroyed): closes and removes.
    const discard = async () => {
      for (const o of outs) o.destroy();
      await Promise.all(attachments.map((a) => unlink(a.path).catch(() => undefined)));
    };

    const finish = () => {
      if (settled || !streamEnded || (!parserEnded && !oversize && !parseError)) return;
      settled = true;
      if (oversize) {
        void discard().then(() => reject(new SmtpRejection(552, REPLIES.tooBig(options.maxBytes))));
        return;
      }
      Promise.all(writes)
        .then(() => {
          const envFrom = session.envelope.mailFrom;
          const fromHeader = firstAddress(headers.get('from'));
          const mail: InboundMail = {
            envelope: {
              from: envFrom && envFrom.address ? envFrom.address : null,
              to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            },
            messageId: messageIds(headers.get('message-id'))[0] ?? null,
            inReplyTo: messageIds(headers.get('in-reply-to'))[0] ?? null,
            references: messageIds(headers.get('references')),
            subject: (asText(headers.get('subject')) ?? '').trim(),
            from: fromHeader,
            to: allAddresses(headers.get('to')),
            date: asText(headers.get('date')),
            text: parseError ? Buffer.concat(raw).toString('utf8') : text,
            html: parseError ? null : html,
            headers: headerTexts(headerLines),
            attachments: parseError ? [] : attachments,
            size: stream.byteLength,
            parseError,
          };
          if (parseError) void discard();
          resolve(mail);
        })
        .catch((e: unknown) => {
          void discard().then(() => reject(e));
        });
    };

    parser.on('headers', (h) => (headers = h));
    parser.on('headerLines', (l) => (headerLines = l));
    parser.on('data', (part: AttachmentStream | MessageText) => {
      if (part.type === 'text') {
        text = part.text ?? '';
        html = part.html ?? null;
        return;
      }
      const path = join(options.tmpDir, `${randomUUID()}.part`);
      const entry: InboundAttachment = { path, name: part.filename ?? 'attachment', size: 0, contentType: part.contentType || 'application/octet-stream', sha256: '' };
      attachments.push(entry);
      const out = createWriteStream(path);
      outs.push(out);
      // Hashed as it streams to disk: the blob store need not read it back.
      const hash = createHash('sha256');
      part.content.on('data', (chunk: Buffer) => {
        entry.size += chunk.length;
        hash.update(chunk);
      });
      writes.push(
        new Promise<void>((res, rej) => {
          out.on('finish', () => {
            entry.sha256 = hash.digest('hex');
            part.release?.();
            res();
          });
          out.on('error', (e) => {
            part.release?.();
            rej(e);
          });
          part.content.on('error', rej);
        }),
      );
      part.content.pipe(out);
    });
    parser.on('end', () => {
      parserEnded = true;
      finish();
    });
    parser.on('error', (e: Error) => {
      if (oversize) return;
      parseError = e.message || 'unparseable MIME';
      finish();
    });

    stream.on('data', (chunk: Buffer) => {
      if (rawBytes < RAW_FALLBACK_BYTES) {
        raw.push(chunk.subarray(0, RAW_FALLBACK_BYTES - rawBytes));
        rawBytes += Math.min(chunk.length, RAW_FALLBACK_BYTES - rawBytes);
      }
      if (oversize) return;
      if (stream.sizeExceeded) {
        // Stop parsing (and writing attachments) at once; the rest is read and dropped.
        oversize = true;
        parser.removeAllListeners('data');
        parser.on('error', () => undefined);
        parser.destroy();
        return;
      }
      if (!parseError && !parser.write(chunk)) {
        stream.pause();
        parser.once('drain', () => stream.resume());
      }
    });
    stream.on('end', () => {
      streamEnded = true;
      if (stream.sizeExceeded && !oversize) {
        oversize = true;
        parser.destroy();
      }
      if (!oversize && !parseError) parser.end();
      finish();
    });
    stream.on('error', (e) => {
      if (settled) return;
      settled = true;
      void discard().then(() => reject(e));
    });
  });
}

export function startSmtpListener(options: MailInboundOptions): Promise<MailInboundListener> {
  mkdirSync(options.tmpDir, { recursive: true });
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    size: options.maxBytes,
    banner: 'civic-flow intake',
    ...(options.hostname ? { name: options.hostname } : {}),
    closeTimeout: 2000,
    onRcptTo(address, _session, callback) {
      const addr = address.address.toLowerCase();
      if (!options.isKnownRecipient(addr)) return callback(smtpError(550, REPLIES.unknownMailbox(addr)));
      callback();
    },
    onData(stream, session, callback) {
      receive(stream, session, options)
        .then((mail) =>
          options.onMail(mail).finally(() => {
            // Files the intake did not move into the blob store (a failed commit) are removed.
            for (const a of mail.attachments) void unlink(a.path).catch(() => undefined);
          }),
        )
        .then(
          () => callback(null, REPLIES.accepted()),
          (e: unknown) => {
            if (e instanceof SmtpRejection) return callback(smtpError(e.responseCode, e.message));
            options.log('inbound mail not stored (451)', e);
            callback(smtpError(451, REPLIES.temporary()));
          },
        );
    },
  });
  server.on('error', (e) => options.log('SMTP listener error', e));
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.server.off('error', onError);
      const port = (server.server.address() as AddressInfo).port;
      resolve({ port, close: () => new Promise<void>((r) => server.close(() => r())) });
    });
  });
}
