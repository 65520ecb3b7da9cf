/** The logged-in user and what the pack lets them see, loaded once after login. */
import { createContext, useContext } from 'react';
import type { LocalizedText, Me, Queue, RecordType } from '../api/types';

export interface Session {
  me: Me;
  recordTypes: RecordType[];
  packVersion: number;
  queues: Queue[];
  /** Every queue's label by id, also those the user does not work. */
  queueLabels: Record<string, LocalizedText>;
  /** Walk-in and phone forms of the pack (records with preset fields). */
  deskForms: DeskForm[];
  /** User id → display name, for owners and history. */
  users: Record<string, string>;
  reload(): Promise<void>;
}

export interface DeskForm {
  id: string;
  label: LocalizedText;
  record: string;
  set: Record<string, string | number | boolean>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a logged-in page');
  return s;
}

export function recordTypeOf(session: Session, name: string): RecordType | undefined {
  return session.recordTypes.find((t) => t.record === name);
}
