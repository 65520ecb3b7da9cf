/**
 * Live refresh: one socket.io connection per tab (cookie-authenticated), watching records,
 * record types or queues. The server sends `record:changed` after each durable change.
 */
import { useEffect, useRef } from 'react';
import { io, type Socket } from 'socket.io-client';

export interface RecordChanged {
  id: string;
  version: number;
  recordType: string;
  queue: string | null;
  /** The queue before this change, so a queue list also hears of records that left it. */
  previousQueue: string | null;
  owner: string | null;
  /** Who made the change, so a page can tell "changed by someone else". */
  actor: string;
}

export type Watch = { recordId: string } | { recordType: string } | { queue: string };

let socket: Socket | null = null;

function connection(): Socket {
  if (!socket) socket = io({ path: '/socket.io', withCredentials: true, transports: ['websocket', 'polling'] });
  return socket;
}

/** Calls `onChange` for every change to what `watch` names, while the component is mounted. */
export function useLiveChanges(watch: Watch | null, onChange: (c: RecordChanged) => void): void {
  const handler = useRef(onChange);
  handler.current = onChange;
  const key = watch ? JSON.stringify(watch) : '';
  useEffect(() => {
    if (!watch) return;
    const s = connection();
    const subscribe = () => s.emit('watch', watch);
    const listener = (c: RecordChanged) => {
      if ('recordId' in watch && c.id !== watch.recordId) return;
      if ('recordType' in watch && c.recordType !== watch.recordType) return;
      if ('queue' in watch && c.queue !== watch.queue && c.previousQueue !== watch.queue) return;
      handler.current(c);
    };
    s.on('connect', subscribe);
    if (s.connected) subscribe();
    s.on('record:changed', listener);
    return () => {
      s.off('connect', subscribe);
      s.off('record:changed', listener);
      s.emit('unwatch', watch);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
}

/** A call answered by this user: the server pops its case on their screen (CC-62). */
export interface CasePop {
  recordId: string;
  callId: string;
  from: string | null;
}

export function useCasePop(onPop: (p: CasePop) => void): void {
  const handler = useRef(onPop);
  handler.current = onPop;
  useEffect(() => {
    const s = connection();
    const listener = (p: CasePop) => handler.current(p);
    s.on('case:pop', listener);
    return () => {
      s.off('case:pop', listener);
    };
  }, []);
}

/** A visitor's chat message on a record being watched (its page reloads the conversation). */
export function useChatMessages(recordId: string, onMessage: () => void): void {
  const handler = useRef(onMessage);
  handler.current = onMessage;
  useEffect(() => {
    const s = connection();
    const listener = (m: { recordId?: string }) => {
      if (m.recordId === recordId) handler.current();
    };
    s.on('chat:message', listener);
    return () => {
      s.off('chat:message', listener);
    };
  }, [recordId]);
}

/** Something about a watched record that is not one of its events (e.g. `notes:changed`). */
export function useRecordSignal(recordId: string, event: string, onSignal: () => void): void {
  const handler = useRef(onSignal);
  handler.current = onSignal;
  useEffect(() => {
    const s = connection();
    const listener = (m: { recordId?: string }) => {
      if (m.recordId === recordId) handler.current();
    };
    s.on(event, listener);
    return () => {
      s.off(event, listener);
    };
  }, [recordId, event]);
}
