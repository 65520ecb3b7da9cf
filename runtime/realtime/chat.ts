/**
 * The website's chat (CC-72) on the socket.io namespace `/chat` (public: visitors have no
 * account). In the opening hours of the pack's chat calendar, the first message opens a record
 * (a case) that lands in a queue by the assignment rules, and agents answer from its page;
 * outside them a bot answers from published knowledge articles and offers the web form.
 * Every message of the conversation is kept on the record (the transcript).
 */
import type { Namespace, Server as SocketServer, Socket } from 'socket.io';
import { isBusinessTime } from '../../engine/calendar';
import type { ChatChannelDefinition, Pack } from '../../engine/pack';
import type { MessageRow } from '../ports/record-store.port';
import { newRecordId } from '../services/record-id';
import type { Runtime } from '../server';

export interface ChatDeps {
  runtime: Pick<Runtime, 'records' | 'store' | 'packs'>;
  clock: () => number;
}

type Lang = 'fr' | 'nl';
const SYSTEM = { id: 'system', roles: ['system'] };
const MAX_TEXT = 2000;

const BOT = {
  found: { fr: 'Voici ce que j’ai trouvé dans nos réponses :', nl: 'Dit vond ik in onze antwoorden:' },
  nothing: { fr: 'Je n’ai pas trouvé de réponse. Vous pouvez nous écrire avec le formulaire :', nl: 'Ik vond geen antwoord. U kunt ons schrijven via het formulier:' },
  handed: { fr: 'Un agent vous répond dans quelques instants. Référence :', nl: 'Een medewerker antwoordt u zo dadelijk. Referentie:' },
  tooLong: { fr: 'Message trop long (2000 caractères au plus).', nl: 'Bericht te lang (maximaal 2000 tekens).' },
};

function chatOf(pack: Pack): ChatChannelDefinition | null {
  return pack.channels.chat;
}

function words(text: string): string[] {
  return text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').split(/[^a-z0-9]+/).filter((w) => w.length > 2);
}

/** Published articles of the chat's article type in the visitor's language, best matches first. */
export function searchArticles(deps: ChatDeps, pack: Pack, chat: ChatChannelDefinition, question: string, lang: Lang): Array<{ id: string; title: string; excerpt: string }> {
  if (!chat.articles || !pack.records[chat.articles]) return [];
  const wanted = new Set(words(question));
  if (wanted.size === 0) return [];
  const { rows } = deps.runtime.store.listInstances({ recordTypes: [chat.articles], filters: { status: 'published' }, sort: 'updatedAt', direction: 'desc', limit: 500, offset: 0 });
  return rows
    .map((r) => {
      const f = r.snapshot.context.fields;
      const title = String(f['title'] ?? r.title ?? '');
      const body = String(f['body'] ?? '');
      const score = words(`${title} ${title} ${body}`).filter((w) => wanted.has(w)).length;
      return { id: r.id, title, excerpt: body.slice(0, 240), score, lang: f['language'] };
    })
    .filter((a) => a.score > 0 && (a.lang === undefined || a.lang === null || a.lang === lang))
    .sort((a, b) => b.score - a.score)
    .slice(0, 3)
    .map(({ id, title, excerpt }) => ({ id, title, excerpt }));
}

export function attachChat(io: SocketServer, deps: ChatDeps): Namespace {
  const nsp = io.of('/chat');
  nsp.on('connection', (socket: Socket) => {
    let lang: Lang = 'fr';
    let recordId: string | null = null;
    const isOpen = (pack: Pack, chat: ChatChannelDefinition): boolean => {
      const cal = pack.calendars[chat.calendar];
      return cal ? isBusinessTime(deps.clock(), cal) : false;
    };

    socket.on('chat:hello', (msg: unknown) => {
      const m = (msg ?? {}) as { language?: string };
      lang = m.language === 'nl' ? 'nl' : 'fr';
      const { pack } = deps.runtime.packs.active();
      const chat = chatOf(pack);
      if (!chat) return void socket.emit('chat:unavailable');
      const open = isOpen(pack, chat);
      socket.emit('chat:welcome', { open, text: open ? chat.welcome[lang] : chat.offline[lang], formUrl: chat.form ? `/forms/${chat.form}?lang=${lang}` : null });
    });

    socket.on('chat:message', async (msg: unknown) => {
      const text = String(((msg ?? {}) as { text?: unknown }).text ?? '').trim();
      if (!text) return;
      if (text.length > MAX_TEXT) return void socket.emit('chat:message', { from: 'bot', text: BOT.tooLong[lang] });
      const { pack } = deps.runtime.packs.active();
      const chat = chatOf(pack);
      if (!chat) return void socket.emit('chat:unavailable');
      const at = new Date(deps.clock()).toISOString();
      const message = (): Omit<MessageRow, 'recordId'> => ({ id: newRecordId(), direction: 'in', channel: 'chat', messageId: null, inReplyTo: null, references: [], from: 'visitor', to: [], subject: '', text, html: null, attachments: [], at });
      try {
        if (recordId) {
          await deps.runtime.records.addMessage(recordId, message());
          nsp.server.to(`record:${recordId}`).emit('chat:message', { recordId, from: 'visitor', text, at });
          return;
        }
        if (!isOpen(pack, chat)) {
          const articles = searchArticles(deps, pack, chat, text, lang);
          socket.emit('chat:message', articles.length
            ? { from: 'bot', text: BOT.found[lang], articles }
            : { from: 'bot', text: BOT.nothing[lang], formUrl: chat.form ? `/forms/${chat.form}?lang=${lang}` : null });
          return;
        }
        // In opening hours the conversation becomes a record, routed like any other.
        const defs = pack.records[chat.record]?.fields ?? {};
        const fields = Object.fromEntries(Object.entries({ ...(chat.set ?? {}), subject: text.slice(0, 120), description: text, language: lang }).filter(([k]) => defs[k]));
        const view = await deps.runtime.records.create(SYSTEM, chat.record, fields, { messages: [message()] });
        recordId = view.id;
        await socket.join(`chat:${recordId}`);
        socket.emit('chat:message', { from: 'bot', text: `${BOT.handed[lang]} ${view.id.slice(-8)}`, reference: view.id });
      } catch {
        socket.emit('chat:error', { text: lang === 'nl' ? 'Uw bericht kon niet worden opgeslagen. Probeer opnieuw.' : 'Votre message n’a pas pu être enregistré. Réessayez.' });
      }
    });
  });
  return nsp;
}

/** An agent's answer: kept on the record and delivered to the visitor's open chat. */
export async function agentChatReply(io: SocketServer, deps: ChatDeps, recordId: string, agentName: string, text: string): Promise<MessageRow> {
  const row: Omit<MessageRow, 'recordId'> = { id: newRecordId(), direction: 'out', channel: 'chat', messageId: null, inReplyTo: null, references: [], from: agentName, to: ['visitor'], subject: '', text, html: null, attachments: [], at: new Date(deps.clock()).toISOString() };
  await deps.runtime.records.addMessage(recordId, row);
  io.of('/chat').to(`chat:${recordId}`).emit('chat:message', { from: 'agent', name: agentName, text, at: row.at });
  return { ...row, recordId };
}
