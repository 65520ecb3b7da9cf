/** A small fetch wrapper: JSON in and out, the session cookie, errors as ApiError. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
  }

  /** Field-level messages, already in the user's language. */
  get fieldErrors(): Record<string, string> {
    const fields = (this.details['fields'] ?? {}) as Record<string, { message?: string }>;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(fields)) out[k] = v.message ?? '';
    return out;
  }
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(`/api${path}`, {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status === 204) return undefined as T;
  const json: unknown = await res.json().catch(() => ({}));
  if (!res.ok) {
    const e = json as { code?: string; message?: string; details?: Record<string, unknown> };
    throw new ApiError(res.status, e.code ?? 'error', e.message ?? res.statusText, e.details ?? {});
  }
  return json as T;
}
