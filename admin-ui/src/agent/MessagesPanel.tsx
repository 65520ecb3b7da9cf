/**
 * The record's messages in the 360° view (mails in and out), and the agent's mail form: a
 * reply to the citizen of a case, or a mail to the business of a census dossier (TR-16, TR-19)
 * at its contact email, with the record type's templates and a preview of the mail as sent.
 * Text first; the sender's HTML (already sanitised by the server) only on request, in a
 * sandboxed iframe (sandbox="": no scripts, no forms, an opaque origin). Attachments are
 * downloads, never shown inline.
 */
import { useChatMessages } from '../realtime/socket';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api/client';
import type { LocalizedText, RecordView } from '../api/types';
import { useLocalized } from '../i18n';
import { formatBytes, formatDateTime, langOf } from './format';

export interface MessageItem {
  id: string;
  recordId: string;
  direction: 'in' | 'out';
  channel: string;
  messageId: string | null;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  attachments: Array<{ id: string; name: string; size: number; contentType: string }>;
  at: string;
}

interface MailTemplate {
  id: string;
  subject: LocalizedText;
  body: LocalizedText;
}

interface MailPreview {
  from: string;
  to: string;
  subject: string;
  body: string;
  language: string;
}

/** Who the mail goes to: the citizen of a case (`from_email`), or the business of a dossier (`contact_email`). */
export type MailAudience = 'citizen' | 'business';

function newKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** `mailCapable`: the record type can be written to by mail (it has a `from_email` or `contact_email` field). */
export function MessagesPanel({ record, mailCapable, audience = 'citizen', onSent }: { record: RecordView; mailCapable: boolean; audience?: MailAudience; onSent?: () => void }) {
  const { t } = useTranslation('agent');
  const [items, setItems] = useState<MessageItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const res = await api<{ items: MessageItem[] }>('GET', `/records/${encodeURIComponent(record.id)}/messages`);
      setItems(res.items);
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t('error.generic'));
    }
  }, [record.id, t]);

  // Reloaded when the record changes (a citizen's reply moves its version), and on each chat line.
  useEffect(() => {
    void load();
  }, [load, record.version]);
  useChatMessages(record.id, () => void load());
  // The channel the conversation runs on: a chat or Facebook thread is answered there, not by mail.
  const liveChannel = items?.some((m) => m.channel === 'chat') ? 'chat' : items?.some((m) => m.channel === 'facebook') ? 'facebook' : null;
  const mayAnswer = record.events?.some((e) => e.type === 'update') ?? false;

  const mayReply = mailCapable && (record.events?.some((e) => e.type === 'update') ?? false);
  // Records that never take mail do not show an empty panel.
  if (!mailCapable && !error && (items === null || items.length === 0)) return null;

  return (
    <section className="panel record-messages" aria-labelledby="messages-title" data-testid="messages">
      <h2 id="messages-title">{t('messages.title')}</h2>
      {error && <p role="alert" className="error-box">{error}</p>}
      {items === null ? (
        !error && <p role="status">{t('loading')}</p>
      ) : items.length === 0 ? (
        <p className="value-muted">{t('messages.empty')}</p>
      ) : (
        <ol className="message-list plain-list">
          {items.map((m) => (
            <MessageEntry key={m.id} message={m} recordId={record.id} />
          ))}
        </ol>
      )}
      {mayAnswer && liveChannel && <ChannelReply record={record} channel={liveChannel} onSent={() => void load()} />}
      {mayReply && audience === 'business' && !record.fields['contact_email'] && (
        <p className="form-note" data-testid="mail-no-address">{t('mail.noAddress')}</p>
      )}
      {mayReply && (audience === 'citizen' || Boolean(record.fields['contact_email'])) && (
        <ReplyForm
          record={record}
          audience={audience}
          onSent={() => {
            void load();
            onSent?.();
          }}
        />
      )}
    </section>
  );
}

function MessageEntry({ message: m, recordId }: { message: MessageItem; recordId: string }) {
  const { t, i18n } = useTranslation('agent');
  const lang = langOf(i18n.language);
  const [showHtml, setShowHtml] = useState(false);
  const headingId = `message-${m.id}`;
  return (
    <li className={`message message-${m.direction}`}>
      <article aria-labelledby={headingId}>
        <p className="message-head">
          <span className="status-badge">{m.direction === 'in' ? t('messages.received') : t('messages.sent')}</span>{' '}
          <strong id={headingId}>{m.subject || t('messages.noSubject')}</strong>
        </p>
        <dl className="message-meta">
          <div>
            <dt>{t('messages.from')}</dt>
            <dd>{m.from || t('value.empty')}</dd>
          </div>
          <div>
            <dt>{t('messages.to')}</dt>
            <dd>{m.to.join(', ') || t('value.empty')}</dd>
          </div>
          <div>
            <dt>{t('messages.date')}</dt>
            <dd><time dateTime={m.at}>{formatDateTime(m.at, lang)}</time></dd>
          </div>
        </dl>
        {showHtml && m.html ? (
          <iframe className="message-html" title={t('messages.htmlFrameTitle', { subject: m.subject })} sandbox="" srcDoc={m.html} referrerPolicy="no-referrer" />
        ) : (
          <div className="message-text" style={{ whiteSpace: 'pre-wrap' }}>{m.text || t('value.empty')}</div>
        )}
        {m.html && (
          <p>
            <button type="button" className="secondary" aria-pressed={showHtml} onClick={() => setShowHtml((v) => !v)}>
              {showHtml ? t('messages.showText') : t('messages.showHtml')}
            </button>
          </p>
        )}
        {m.attachments.length > 0 && (
          <div className="message-attachments">
            <h3>{t('messages.attachments', { count: m.attachments.length })}</h3>
            <ul className="plain-list">
              {m.attachments.map((a) => (
                <li key={a.id}>
                  <a href={`/api/records/${encodeURIComponent(recordId)}/attachments/${encodeURIComponent(a.id)}`} download={a.name}>
                    {a.name}
                  </a>
                  <span className="value-muted"> – {formatBytes(a.size, lang)}</span>
                </li>
              ))}
            </ul>
          </div>
        )}
      </article>
    </li>
  );
}

/** An answer on the channel the citizen used: the website chat, or their Facebook comment thread. */
function ChannelReply({ record, channel, onSent }: { record: RecordView; channel: 'chat' | 'facebook'; onSent: () => void }) {
  const { t } = useTranslation('agent');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    setError(null);
    try {
      if (channel === 'chat') await api('POST', `/records/${encodeURIComponent(record.id)}/chat`, { text });
      else await api('POST', `/records/${encodeURIComponent(record.id)}/facebook-reply`, { message: text });
      setText('');
      onSent();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('error.generic'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="reply-form" onSubmit={(e) => void submit(e)} aria-labelledby="channel-reply-title" data-testid={`${channel}-reply`}>
      <h3 id="channel-reply-title">{t(channel === 'chat' ? 'messages.chat.title' : 'messages.facebook.title')}</h3>
      {error && <p role="alert" className="error-box">{error}</p>}
      <label htmlFor="channel-reply-text">{t('messages.chat.label')}</label>
      <textarea id="channel-reply-text" value={text} maxLength={2000} rows={3} onChange={(e) => setText(e.target.value)} />
      <button type="submit" disabled={busy || !text.trim()}>{t('messages.chat.send')}</button>
    </form>
  );
}

function ReplyForm({ record, audience, onSent }: { record: RecordView; audience: MailAudience; onSent: () => void }) {
  const { t } = useTranslation('agent');
  const L = useLocalized();
  const [templates, setTemplates] = useState<MailTemplate[]>([]);
  const [template, setTemplate] = useState('');
  const [language, setLanguage] = useState('');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [preview, setPreview] = useState<MailPreview | null>(null);
  // One key per reply being written: a double click or a retry after a lost answer sends once.
  const key = useRef(newKey());

  useEffect(() => {
    let live = true;
    // Only the templates this record type can fill in (a dossier's name the company, a case's the citizen).
    api<{ items: MailTemplate[] }>('GET', `/mail-templates?recordType=${encodeURIComponent(record.recordType)}`)
      .then((r) => { if (live) setTemplates(r.items); })
      .catch(() => undefined);
    return () => { live = false; };
  }, [record.recordType]);

  // A preview belongs to the text it was made from.
  useEffect(() => setPreview(null), [template, language, subject, body]);

  const fields = () => ({
    ...(template ? { template } : {}),
    ...(subject.trim() ? { subject: subject.trim() } : {}),
    ...(body.trim() ? { body } : {}),
    ...(language ? { language } : {}),
  });

  const showPreview = async () => {
    if (!template && !body.trim()) {
      setError(t('messages.reply.needBody'));
      document.getElementById('reply-body')?.focus();
      return;
    }
    setError(null);
    try {
      setPreview(await api<MailPreview>('POST', `/records/${encodeURIComponent(record.id)}/reply/preview`, fields()));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('error.generic'));
    }
  };

  const chosen = templates.find((x) => x.id === template);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!template && !body.trim()) {
      setError(t('messages.reply.needBody'));
      document.getElementById('reply-body')?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api('POST', `/records/${encodeURIComponent(record.id)}/reply`, { ...fields(), idempotencyKey: key.current });
      key.current = newKey();
      setTemplate('');
      setSubject('');
      setBody('');
      setStatus(t(audience === 'business' ? 'mail.sent' : 'messages.reply.sent'));
      onSent();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('error.generic'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="reply-form" onSubmit={(e) => void submit(e)} aria-labelledby="reply-title" noValidate>
      <h3 id="reply-title">{t(audience === 'business' ? 'mail.title' : 'messages.reply.title')}</h3>
      {error && <p role="alert" className="error-box">{error}</p>}
      <div className="field">
        <label htmlFor="reply-template">{t('messages.reply.template')}</label>
        <select id="reply-template" value={template} onChange={(e) => setTemplate(e.target.value)}>
          <option value="">{t('messages.reply.noTemplate')}</option>
          {templates.map((x) => (
            <option key={x.id} value={x.id}>{L(x.subject)}</option>
          ))}
        </select>
        {chosen && <p className="form-note">{t(audience === 'business' ? 'mail.templateHint' : 'messages.reply.templateHint')}</p>}
      </div>
      <div className="field">
        <label htmlFor="reply-language">{t('messages.reply.language')}</label>
        <select id="reply-language" value={language} onChange={(e) => setLanguage(e.target.value)}>
          <option value="">{t(audience === 'business' ? 'mail.languageAuto' : 'messages.reply.languageAuto')}</option>
          <option value="fr" lang="fr">Français</option>
          <option value="nl" lang="nl">Nederlands</option>
          <option value="en" lang="en">English</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="reply-subject">{t('messages.reply.subject')}</label>
        <input id="reply-subject" type="text" value={subject} maxLength={300} onChange={(e) => setSubject(e.target.value)} aria-describedby="reply-subject-hint" />
        <p className="form-note" id="reply-subject-hint">{t('messages.reply.subjectHint')}</p>
      </div>
      <div className="field">
        <label htmlFor="reply-body">{t('messages.reply.body')}</label>
        <textarea id="reply-body" rows={6} value={body} onChange={(e) => setBody(e.target.value)} aria-describedby="reply-body-hint" />
        <p className="form-note" id="reply-body-hint">{t('messages.reply.bodyHint')}</p>
      </div>
      {preview && (
        <section className="mail-preview" aria-labelledby="mail-preview-title" data-testid="mail-preview">
          <h4 id="mail-preview-title">{t('mail.previewTitle')}</h4>
          <dl className="message-meta">
            <div><dt>{t('messages.from')}</dt><dd>{preview.from}</dd></div>
            <div><dt>{t('messages.to')}</dt><dd>{preview.to}</dd></div>
            <div><dt>{t('messages.reply.subject')}</dt><dd lang={preview.language}>{preview.subject}</dd></div>
          </dl>
          <div className="message-text" lang={preview.language} style={{ whiteSpace: 'pre-wrap' }}>{preview.body}</div>
        </section>
      )}
      <p>
        <button type="button" className="secondary" onClick={() => void showPreview()} disabled={busy}>{t('mail.preview')}</button>{' '}
        <button type="submit" disabled={busy} aria-busy={busy}>
          {busy ? t('messages.reply.sending') : t(audience === 'business' ? 'mail.send' : 'messages.reply.send')}
        </button>
      </p>
      <p className="live-notice" role="status" aria-live="polite">{status}</p>
    </form>
  );
}
