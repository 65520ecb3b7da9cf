/**
 * The few Graph API calls the contact centre makes: replying to a comment on the commune's page.
 * The base URL comes from FACEBOOK_GRAPH_URL (a local stand-in in tests), the page access token
 * from FACEBOOK_PAGE_TOKEN.
 */
export class GraphApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface GraphClientOptions {
  graphUrl: string;
  pageToken: string;
  /** Abandons a call after this long (the outbox retries it later). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export class GraphApiClient {
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: GraphClientOptions) {
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** POST /<comment-id>/comments: the page answers in the comment's thread; gives the new comment id. */
  async replyToComment(commentId: string, message: string): Promise<{ id: string }> {
    if (!this.options.pageToken) throw new GraphApiError(0, 'FACEBOOK_PAGE_TOKEN is not set: cannot reply on Facebook');
    const url = `${this.options.graphUrl.replace(/\/+$/, '')}/${encodeURIComponent(commentId)}/comments`;
    const res = await this.fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ message, access_token: this.options.pageToken }).toString(),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
    });
    const text = await res.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    if (!res.ok) {
      // Graph errors: {"error": {"message", "type", "code"}}; the token never appears in them.
      const err = typeof body === 'object' && body !== null ? (body as { error?: { message?: unknown; code?: unknown } }).error : undefined;
      const detail = err && typeof err.message === 'string' ? `${err.message}${err.code !== undefined ? ` (code ${String(err.code)})` : ''}` : text.slice(0, 200);
      throw new GraphApiError(res.status, `Graph API ${res.status} on reply to ${commentId}: ${detail}`);
    }
    const id = typeof body === 'object' && body !== null ? (body as { id?: unknown }).id : undefined;
    if (typeof id !== 'string' || !id) throw new GraphApiError(res.status, `Graph API answered without a comment id: ${text.slice(0, 200)}`);
    return { id };
  }
}
