/**
 * Live refresh over socket.io: a browser watches a record, a record type's list or a queue,
 * and hears `record:changed` after each durable change. The session cookie authenticates the
 * socket, and each watch is checked against the pack's roles like an API read.
 */
import type { Server as HttpServer } from 'node:http';
import { Server as SocketServer, type Socket } from 'socket.io';
import { isAdmin, readableRecordTypes } from '../../engine/access';
import type { AuthService, SessionUser } from '../auth/auth.service';
import { SESSION_COOKIE } from '../http/app';
import type { PacksService } from '../services/packs.service';
import type { RecordChange, RecordsService } from '../services/records.service';
import type { Runtime } from '../server';
import { attachChat } from './chat';

export interface RecordChangedMessage {
  id: string;
  version: number;
  recordType: string;
  queue: string | null;
  previousQueue: string | null;
  owner: string | null;
  actor: string;
}

function cookie(header: string | undefined, name: string): string | null {
  for (const part of String(header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

type Watch = { recordId: string } | { recordType: string } | { queue: string };

function isWatch(v: unknown): v is Watch {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o['recordId'] === 'string' || typeof o['recordType'] === 'string' || typeof o['queue'] === 'string';
}

export function attachRealtime(
  server: HttpServer,
  deps: { auth: AuthService; records: RecordsService; packs: PacksService; runtime?: Pick<Runtime, 'onUserNotification' | 'onRecordSignal' | 'records' | 'store' | 'packs'>; clock?: () => number },
): { close(): Promise<void>; io: SocketServer } {
  // serveClient: the website's chat widget loads the client from /socket.io/socket.io.min.js.
  const io = new SocketServer(server, { path: '/socket.io', serveClient: true });
  if (deps.runtime) attachChat(io, { runtime: deps.runtime, clock: deps.clock ?? Date.now });

  // The main namespace is for logged-in users; the public chat has its own (/chat).
  io.use((socket, next) => {
    const token = cookie(socket.request.headers.cookie, SESSION_COOKIE);
    const user = token ? deps.auth.userForToken(token) : null;
    if (!user) return next(new Error('unauthenticated'));
    socket.data['user'] = user;
    next();
  });

  const roomFor = (socket: Socket, w: Watch): string | null => {
    const user = socket.data['user'] as SessionUser;
    const actor = { id: user.id, roles: user.roles };
    const { pack } = deps.packs.active();
    try {
      if ('recordId' in w) {
        deps.records.get(actor, w.recordId);
        return `record:${w.recordId}`;
      }
      if ('recordType' in w) return readableRecordTypes(pack, actor.roles).includes(w.recordType) ? `type:${w.recordType}` : null;
      const queue = pack.queues[w.queue];
      if (queue && (isAdmin(pack, actor.roles) || queue.roles.some((r) => actor.roles.includes(r)))) return `queue:${w.queue}`;
    } catch {
      // Not found or not allowed: the watch is ignored, as a read would be refused.
    }
    return null;
  };

  io.on('connection', (socket) => {
    // Each user's sockets share a room, for notifications meant for them (a call to pick up).
    void socket.join(`user:${(socket.data['user'] as SessionUser).id}`);
    socket.on('watch', (w: unknown) => {
      if (!isWatch(w)) return;
      const room = roomFor(socket, w);
      if (room) void socket.join(room);
    });
    socket.on('unwatch', (w: unknown) => {
      if (!isWatch(w)) return;
      const room = 'recordId' in w ? `record:${w.recordId}` : 'recordType' in w ? `type:${w.recordType}` : `queue:${w.queue}`;
      void socket.leave(room);
    });
  });

  const unsubscribe = deps.records.subscribe((c: RecordChange) => {
    const msg: RecordChangedMessage = {
      id: c.row.id, version: c.row.version, recordType: c.row.recordType, queue: c.row.queue,
      previousQueue: c.previous?.queue ?? null, owner: c.row.owner, actor: c.actor,
    };
    const rooms = [`record:${c.row.id}`, `type:${c.row.recordType}`];
    if (c.row.queue) rooms.push(`queue:${c.row.queue}`);
    if (c.previous?.queue && c.previous.queue !== c.row.queue) rooms.push(`queue:${c.previous.queue}`);
    io.to(rooms).emit('record:changed', msg);
  });

  const unsubscribeUsers = deps.runtime?.onUserNotification((n) => io.to(`user:${n.userId}`).emit(n.event, n.payload)) ?? (() => undefined);
  // Only sockets watching the record hear of it: the same room as its changes.
  const unsubscribeSignals = deps.runtime?.onRecordSignal((sig) => io.to(`record:${sig.recordId}`).emit(sig.event, { ...sig.payload, recordId: sig.recordId })) ?? (() => undefined);

  return {
    io,
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe();
        unsubscribeUsers();
        unsubscribeSignals();
        void io.close(() => resolve());
      }),
  };
}
