/** OpenAPI 3.1 description of /api, served at /api/openapi.json. */

type Json = Record<string, unknown>;

const error: Json = {
  type: 'object',
  required: ['code', 'message', 'details'],
  properties: { code: { type: 'string' }, message: { type: 'string', description: 'In the user’s language (fr, nl or en)' }, details: { type: 'object' } },
};
const errors = (...codes: number[]): Json =>
  Object.fromEntries(codes.map((c) => [String(c), { description: ({ 400: 'Malformed request', 401: 'Not logged in', 403: 'Not allowed for this role', 404: 'Unknown id', 409: 'Stale version or event not allowed now', 413: 'Body too large', 422: 'Invalid values or definition' } as Record<number, string>)[c] ?? 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }]));
const ok = (description: string, schema: Json = { type: 'object' }): Json => ({ description, content: { 'application/json': { schema } } });
const body = (schema: Json): Json => ({ required: true, content: { 'application/json': { schema } } });
const idParam = (name: string, type: 'string' | 'integer' = 'string'): Json => ({ name, in: 'path', required: true, schema: { type } });
const files: Json = { type: 'object', required: ['files'], properties: { files: { type: 'object', additionalProperties: { type: 'string' }, description: 'relative path → YAML text' } } };

export function openApiDocument(): Json {
  return {
    openapi: '3.1.0',
    info: { title: 'civic-flow API', version: '1.0.0', description: 'Definition packs, records and their events. Errors are {code, message, details}.' },
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'cf_session' } },
      schemas: {
        Error: error,
        Record: {
          type: 'object',
          properties: {
            id: { type: 'string' }, recordType: { type: 'string' }, process: { type: 'string' }, packVersion: { type: 'integer' }, title: { type: ['string', 'null'] },
            fields: { type: 'object' }, status: { type: 'string' }, reason: { type: ['object', 'null'] }, step: { type: ['string', 'null'] },
            progress: { type: 'array', items: { type: 'object' } }, states: { type: 'array', items: { type: 'string' } },
            owner: { type: ['string', 'null'] }, queue: { type: ['string', 'null'] }, team: { type: ['string', 'null'] }, done: { type: 'boolean' },
            version: { type: 'integer' }, events: { type: 'array', items: { type: 'object', properties: { type: { type: 'string' }, label: { type: 'object' }, fields: { type: 'object' } } } },
          },
        },
        Problem: { type: 'object', properties: { file: { type: 'string' }, line: { type: 'integer' }, col: { type: 'integer' }, path: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' }, severity: { enum: ['error', 'warning'] } } },
      },
    },
    security: [{ session: [] }],
    paths: {
      '/healthz': { get: { summary: 'Liveness and counters', security: [], responses: { 200: ok('Healthy') } } },
      '/api/auth/login': { post: { summary: 'Log in with a local account; sets an HttpOnly SameSite session cookie', security: [], requestBody: body({ type: 'object', required: ['username', 'password'], properties: { username: { type: 'string' }, password: { type: 'string' } } }), responses: { 200: ok('Logged in'), ...errors(400, 401) } } },
      '/api/auth/logout': { post: { summary: 'End the session', responses: { 204: { description: 'Logged out' } } } },
      '/api/me': { get: { summary: 'The logged-in user, roles and readable record types', responses: { 200: ok('User'), ...errors(401) } } },
      '/api/me/language': { put: { summary: 'Store the user’s language', requestBody: body({ type: 'object', properties: { language: { enum: ['fr', 'nl', 'en'] } } }), responses: { 200: ok('Saved'), ...errors(401, 422) } } },
      '/api/packs': { get: { summary: 'Pack versions (draft, published, superseded)', responses: { 200: ok('Versions'), ...errors(401) } } },
      '/api/packs/{version}': { get: { summary: 'One pack version with its files', parameters: [idParam('version', 'integer')], responses: { 200: ok('Version'), ...errors(401, 403, 404) } } },
      '/api/packs/validate': { post: { summary: 'Validate pack files; every problem with file, line and column', requestBody: body(files), responses: { 200: ok('Result', { type: 'object', properties: { valid: { type: 'boolean' }, problems: { type: 'array', items: { $ref: '#/components/schemas/Problem' } } } }), ...errors(400, 401, 403) } } },
      '/api/packs/drafts': { post: { summary: 'Upload a draft version (kept even with problems)', requestBody: body(files), responses: { 201: ok('Draft saved'), ...errors(400, 401, 403, 413, 422) } } },
      '/api/packs/{version}/publish': { post: { summary: 'Publish a version: new records use it, running ones stay on theirs', parameters: [idParam('version', 'integer')], responses: { 200: ok('Published'), ...errors(401, 403, 404, 422) } } },
      '/api/record-types': { get: { summary: 'Record types the user may read, with fields, statuses and steps', responses: { 200: ok('Record types'), ...errors(401) } } },
      '/api/records': {
        get: {
          summary: 'List records with filters, sort and pagination',
          parameters: ['type', 'status', 'queue', 'owner', 'team', 'step', 'process', 'q'].map((n) => ({ name: n, in: 'query', schema: { type: 'string' } })).concat([
            { name: 'sort', in: 'query', schema: { enum: ['createdAt', 'updatedAt', 'title', 'status'] } } as never,
            { name: 'direction', in: 'query', schema: { enum: ['asc', 'desc'] } } as never,
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500 } } as never,
            { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0 } } as never,
          ]),
          responses: { 200: ok('Page', { type: 'object', properties: { total: { type: 'integer' }, items: { type: 'array', items: { $ref: '#/components/schemas/Record' } } } }), ...errors(400, 401) },
        },
      },
      '/api/records/{type}': { post: { summary: 'Create a record of a type; it starts its process', parameters: [idParam('type')], requestBody: body({ type: 'object', properties: { fields: { type: 'object' } } }), responses: { 201: ok('Created', { $ref: '#/components/schemas/Record' }), ...errors(400, 401, 403, 404, 413, 422) } } },
      '/api/records/{id}': { get: { summary: 'A record with the events the caller may send now', parameters: [idParam('id')], responses: { 200: ok('Record', { $ref: '#/components/schemas/Record' }), ...errors(401, 404) } } },
      '/api/records/{id}/events': {
        post: {
          summary: 'Send an event; `expectedVersion` (or If-Match) gives 409 when the record changed meanwhile',
          parameters: [idParam('id')],
          requestBody: body({ type: 'object', required: ['type'], properties: { type: { type: 'string' }, data: { type: 'object' }, expectedVersion: { type: 'integer' } } }),
          responses: { 200: ok('Applied and durable', { $ref: '#/components/schemas/Record' }), ...errors(400, 401, 403, 404, 409, 413, 422) },
        },
      },
      '/api/records/{id}/messages': { get: { summary: 'Messages in and out of the record (mail, web form, comments, calls)', parameters: [idParam('id')], responses: { 200: ok('Messages'), ...errors(401, 404) } } },
      '/api/users': { get: { summary: 'Users (id, display name, roles), for owners and history', responses: { 200: ok('Users'), ...errors(401) } } },
      '/api/queues': { get: { summary: 'Queues the user works (all for admins)', responses: { 200: ok('Queues'), ...errors(401) } } },
      '/api/contacts/from-niss': { post: { summary: 'A contact from a national number: 422 invalid (fr/nl), 200 {existing: true} when known, 404 unknown to the National Register, else 201 created with the register’s data', requestBody: body({ type: 'object', required: ['niss'], properties: { niss: { type: 'string' }, fields: { type: 'object' } } }), responses: { 200: ok('Existing contact'), 201: ok('Contact created'), ...errors(400, 401, 403, 404, 422, 503) } } },
      '/api/records/{id}/merge': { post: { summary: 'Merge a document template (kind: document) with a dossier in its language to DOCX/PDF, attached to its letters (with the tax regulation PDF if regulation: true); unknown template 404', parameters: [idParam('id')], requestBody: body({ type: 'object', required: ['template'], properties: { template: { type: 'string' }, formats: { type: 'array', items: { enum: ['docx', 'pdf'] } }, regulation: { type: 'boolean' } } }), responses: { 201: ok('Files {files, regulation}'), ...errors(400, 401, 403, 404, 422) } } },
      '/api/merge/bulk': { post: { summary: 'Merge a document template with up to 1000 dossiers: a DOCX and a PDF each, plus one combined PDF to print', requestBody: body({ type: 'object', required: ['template', 'recordIds'], properties: { template: { type: 'string' }, recordIds: { type: 'array', items: { type: 'string' } } } }), responses: { 201: ok('Files {files, combined}'), ...errors(400, 401, 403, 404, 422) } } },
      '/api/files/{id}': { get: { summary: 'A generated file (merged letter), as a download; needs read access to its dossiers', parameters: [idParam('id')], responses: { 200: { description: 'The file' }, ...errors(401, 404) } } },
      '/api/signatures/batch': { post: { summary: 'The signer signs the latest PDF letter of each dossier (PAdES, ETSI.CAdES.detached, their PKCS#12): per dossier sign → store → approve; stops at the first failure (that dossier failed, the next ones not-processed); 403 without a signing certificate', requestBody: body({ type: 'object', required: ['recordIds'], properties: { recordIds: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 500 }, fileField: { type: 'string', default: 'letters' } } }), responses: { 200: ok('Batch {id, signer, summary, results}'), ...errors(400, 401, 403) } } },
      '/api/signatures/batch/{id}': { get: { summary: 'A signature batch’s results (its signer only)', parameters: [idParam('id')], responses: { 200: ok('Batch'), ...errors(401, 404) } } },
      '/api/signatures/batches': { get: { summary: 'The caller’s signature batches, newest first (since the server started)', responses: { 200: ok('Batches {items}'), ...errors(401) } } },
      '/api/records/{id}/signed-letter': { get: { summary: 'The dossier’s last signed letter (PDF with its PAdES signatures)', parameters: [idParam('id')], responses: { 200: { description: 'The signed PDF' }, ...errors(401, 404) } } },
      '/api/contacts/duplicates': { get: { summary: 'Contacts matching a national number, an e-mail (any case) or a phone (any notation), each with matchedOn', parameters: ['niss', 'email', 'phone'].map((n) => ({ name: n, in: 'query', schema: { type: 'string' } })), responses: { 200: ok('Matches'), ...errors(400, 401, 403, 422) } } },
      '/api/records/{id}/link-contact': { post: { summary: 'Link a contact to a case (event update, in the history); copies the contact’s preferred language when the case has none', parameters: [idParam('id')], requestBody: body({ type: 'object', required: ['contactId'], properties: { contactId: { type: 'string' }, expectedVersion: { type: 'integer' } } }), responses: { 200: ok('Linked', { $ref: '#/components/schemas/Record' }), ...errors(400, 401, 403, 404, 409, 422) } } },
      '/api/admin/kbo/import': { post: { summary: 'Admin: import a KBO/BCE Open Data extract folder into DATA_DIR/kbo.sqlite (full: the seven files; update: the <table>_delete.csv/<table>_insert.csv pairs). One transaction; 422 with FR/NL messages for a missing file, a bad header or a bad row', requestBody: body({ type: 'object', required: ['dir'], properties: { dir: { type: 'string' }, mode: { type: 'string', enum: ['full', 'update'] } } }), responses: { 200: ok('Rows per file, inserted/deleted per table, enterprises in the lookup'), ...errors(400, 401, 403, 409, 422) } } },
      '/api/kbo/search': { get: { summary: 'Up to 20 enterprises of the KBO lookup by name (no case, no accents) or number (any formatting)', parameters: [{ name: 'q', in: 'query', required: true, schema: { type: 'string', minLength: 2 } }], responses: { 200: ok('{total, items}'), ...errors(400, 401, 403) } } },
      '/api/kbo/{number}': { get: { summary: 'One enterprise of the KBO lookup: names FR/NL, legal form, address, NACE codes, establishments, contacts', parameters: [idParam('number')], responses: { 200: ok('Enterprise'), ...errors(401, 403, 404, 422) } } },
      '/api/kbo/{number}/business': { post: { summary: 'The business record of this enterprise number, created from the KBO (201) or the existing one (200 {existing: true})', parameters: [idParam('number')], responses: { 200: ok('Existing business'), 201: ok('Business created'), ...errors(401, 403, 404, 422) } } },
      '/api/records/{id}/prefill-from-kbo': { post: { summary: 'Fill a census dossier’s company fields from the KBO (event update, in the history) and link its business', parameters: [idParam('id')], requestBody: body({ type: 'object', required: ['number'], properties: { number: { type: 'string' }, expectedVersion: { type: 'integer' } } }), responses: { 200: ok('Prefilled', { $ref: '#/components/schemas/Record' }), ...errors(400, 401, 403, 404, 409, 422) } } },
      '/webhooks/cti': {
        post: {
          summary: 'Telephony events (newCall, answer, hangup), with Authorization: Bearer <CTI_TOKEN>',
          security: [],
          requestBody: body({ type: 'object', required: ['event', 'callId'], properties: { event: { enum: ['newCall', 'answer', 'hangup'] }, callId: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, agent: { type: 'string' }, durationSeconds: { type: 'number' }, ivr: { type: 'object', properties: { language: { enum: ['fr', 'nl'] }, choice: { type: 'string' }, niss: { type: 'string' } } } } }),
          responses: { 200: ok('Known call'), 201: ok('Case created'), ...errors(400, 401, 404, 422) },
        },
      },
      '/api/records/{id}/facebook-reply': { post: { summary: 'Queue a reply in the Facebook thread the case came from (outbox `facebook-reply`, retried); an Idempotency-Key header queues a repeated request once', parameters: [idParam('id')], requestBody: body({ type: 'object', required: ['message'], properties: { message: { type: 'string', maxLength: 8000 } } }), responses: { 202: ok('Queued'), ...errors(401, 403, 404, 409, 422) } } },
      '/webhooks/facebook': {
        get: { summary: 'Meta’s verification handshake: hub.mode=subscribe and hub.verify_token = FACEBOOK_VERIFY_TOKEN give hub.challenge as text', security: [], parameters: ['hub.mode', 'hub.verify_token', 'hub.challenge'].map((n) => ({ name: n, in: 'query', schema: { type: 'string' } })), responses: { 200: ok('The challenge, text/plain'), ...errors(403) } },
        post: { summary: 'Page feed changes signed with X-Hub-Signature-256 (FACEBOOK_APP_SECRET, raw body): a comment on a post starts a case, a reply joins its thread’s case; repeated deliveries change nothing', security: [], requestBody: body({ type: 'object' }), responses: { 200: ok('Counts: created, appended, duplicate, own, failed, ignored'), ...errors(400, 401, 413) } },
      },
      '/forms/{id}': {
        get: { summary: 'The public web form as an HTML page (?lang=fr|nl, else Accept-Language), embeddable (frame-ancestors from FORMS_FRAME_ANCESTORS)', security: [], parameters: [idParam('id'), { name: 'lang', in: 'query', schema: { enum: ['fr', 'nl'] } } as never], responses: { 200: ok('HTML page'), 404: ok('HTML page: unknown form') } },
        post: { summary: 'Submit the form (application/x-www-form-urlencoded, at most 20 kB): a case on channel web and a confirmation mail; HTML pages throughout', security: [], parameters: [idParam('id')], responses: { 200: ok('HTML page (honeypot)'), 201: ok('HTML thank-you page with the case reference'), 404: ok('HTML page: unknown form'), 413: ok('HTML page: too large'), 422: ok('HTML form with errors'), 429: ok('HTML page, Retry-After') } },
      },
      '/api/records/{id}/history': { get: { summary: 'Every event: who, when, what changed', parameters: [idParam('id')], responses: { 200: ok('History'), ...errors(401, 404) } } },
      '/api/admin/timers': { get: { summary: 'Pending timers', responses: { 200: ok('Timers'), ...errors(401, 403) } } },
      '/api/admin/outbox': { get: { summary: 'Outbox entries; status=dead lists the dead letters', parameters: [{ name: 'status', in: 'query', schema: { enum: ['pending', 'done', 'dead'] } }], responses: { 200: ok('Outbox'), ...errors(400, 401, 403) } } },
      '/api/admin/outbox/{id}/retry': { post: { summary: 'Retry a dead letter', parameters: [idParam('id', 'integer')], responses: { 202: ok('Queued again'), ...errors(401, 403, 404) } } },
      '/api/admin/mail': { get: { summary: 'Mail kept by the local delivery (embedded default)', responses: { 200: ok('Mail'), ...errors(401, 403) } } },
      '/api/admin/notifications': { get: { summary: 'Notifications sent to users and roles', responses: { 200: ok('Notifications'), ...errors(401, 403) } } },
    },
  };
}
