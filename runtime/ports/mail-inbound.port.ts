/**
 * Inbound mail, as the SMTP adapter (adapters/mail-inbound) hands it to the runtime's intake
 * (runtime/services/intake.service.ts): parsed, with attachments already streamed to files on
 * disk (never whole in memory). The adapter answers the SMTP client only once `onMail`
 * resolves (250) or rejects (the error's `responseCode`, else 451).
 */

export interface InboundAttachment {
  /** A temporary file the intake moves into the blob store (or the adapter deletes). */
  path: string;
  name: string;
  size: number;
  contentType: string;
  /** Hex SHA-256 of the bytes, computed while they were written. */
  sha256: string;
}

export interface InboundMail {
  envelope: {
    /** MAIL FROM; null for the null sender `<>` (bounces, auto-replies). */
    from: string | null;
    /** RCPT TO, lower-cased, each one a known mailbox (others were refused at RCPT). */
    to: string[];
  };
  /** Message-ID with its angle brackets, or null when the mail has none. */
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  subject: string;
  from: { address: string | null; name: string | null };
  to: string[];
  date: string | null;
  text: string;
  /** The sender's raw HTML: the intake sanitises it before anything stores it. */
  html: string | null;
  /** Header name (lower case) → first value as text, for the auto-reply checks. */
  headers: Record<string, string>;
  attachments: InboundAttachment[];
  /** Bytes received in DATA. */
  size: number;
  /** Set when the MIME structure could not be parsed: text then holds the raw body. */
  parseError: string | null;
}

/** A refusal with an SMTP reply code (550, 552, 451…); the message is what the client reads. */
export class SmtpRejection extends Error {
  constructor(readonly responseCode: number, message: string) {
    super(message);
    this.name = 'SmtpRejection';
  }
}

export interface MailInboundOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** SMTP SIZE: larger mails are refused with 552 and nothing is kept. */
  maxBytes: number;
  /** Where attachments are streamed while the mail arrives (same file system as the blobs). */
  tmpDir: string;
  /** Host name in the greeting. */
  hostname?: string;
  /** Is this RCPT TO one of the pack's mailboxes? (checked on every RCPT: the pack may change). */
  isKnownRecipient(address: string): boolean;
  /** Turns the mail into a case; resolves once it is durable. */
  onMail(mail: InboundMail): Promise<void>;
  log(msg: string, err?: unknown): void;
}

export interface MailInboundListener {
  port: number;
  close(): Promise<void>;
}
