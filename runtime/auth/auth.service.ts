/**
 * Local accounts: argon2id password hashes, opaque session tokens of which only a SHA-256
 * hash is stored (a stolen database holds no usable session).
 */
import argon2 from 'argon2';
import { createHash, randomBytes } from 'node:crypto';
import type { RecordStore, UserRow } from '../ports/record-store.port';

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  language: UserRow['language'];
}

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export class AuthService {
  constructor(
    private readonly store: RecordStore,
    private readonly clock: () => number,
    private readonly sessionHours: number,
  ) {}

  async ensureUser(u: { id: string; username: string; displayName: string; password: string; roles: string[]; language: UserRow['language']; email?: string | null }): Promise<void> {
    const existing = this.store.getUser(u.id);
    const email = u.email ?? null;
    if (existing && (await argon2.verify(existing.passwordHash, u.password).catch(() => false))) {
      if (JSON.stringify(existing.roles) === JSON.stringify(u.roles) && existing.displayName === u.displayName && (existing.email ?? null) === email) return;
    }
    const passwordHash = existing && (await argon2.verify(existing.passwordHash, u.password).catch(() => false)) ? existing.passwordHash : await argon2.hash(u.password, { type: argon2.argon2id });
    this.store.upsertUser({ id: u.id, username: u.username, displayName: u.displayName, passwordHash, roles: u.roles, language: existing?.language ?? u.language, email });
  }

  /** Returns a session token, or null for a wrong name or password (never says which). */
  async login(username: string, password: string): Promise<{ token: string; user: SessionUser; expiresAt: number } | null> {
    const user = this.store.getUserByName(username);
    // Verify against a fixed hash when the user is unknown, so timing does not reveal names.
    const ok = user ? await argon2.verify(user.passwordHash, password).catch(() => false) : (await argon2.hash(password).catch(() => ''), false);
    if (!user || !ok) return null;
    const token = randomBytes(32).toString('base64url');
    const expiresAt = this.clock() + this.sessionHours * 3_600_000;
    this.store.createSession(hashToken(token), user.id, expiresAt);
    return { token, user: toSessionUser(user), expiresAt };
  }

  userForToken(token: string): SessionUser | null {
    const s = this.store.getSession(hashToken(token), this.clock());
    if (!s) return null;
    const user = this.store.getUser(s.userId);
    return user ? toSessionUser(user) : null;
  }

  logout(token: string): void {
    this.store.deleteSession(hashToken(token));
  }

  setLanguage(userId: string, language: UserRow['language']): void {
    this.store.setUserLanguage(userId, language);
  }
}

function toSessionUser(u: UserRow): SessionUser {
  return { id: u.id, username: u.username, displayName: u.displayName, roles: u.roles, language: u.language };
}
