/**
 * OpenAPI 3.1 description of the HTTP API, served at /api/openapi.json: /api and the public
 * routes (web forms, webhooks, chat page, calendar feed). tests/api/openapi-coverage.api.test.ts
 * compares it with the routes Express really has, both ways: a new route needs its entry here.
 */

type Json = Record<string, unknown>;
/** One path: its operations by lower-case HTTP method. */
type PathItem = Record<string, Json>;
type Paths = Record<string, PathItem>;

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const error: Json = {
  type: 'object',
  required: ['code', 'message', 'details'],
  properties: {
    code: { type: 'string', description: 'Stable, e.g. not-found, validation-failed, stale-version' },
    message: { type: 'string', description: 'In the user’s language (fr, nl or en; else Accept-Language, else fr)' },
    details: {
      type: 'object',
      properties: {
        messages: { type: 'object', description: 'The message in every language {fr, nl, en}, on errors a form shows in both languages', properties: { fr: { type: 'string' }, nl: { type: 'string' }, en: { type: 'string' } } },
        fields: { type: 'object', description: 'Per field {code, message}, on validation-failed' },
        problems: { type: 'array', items: { $ref: '#/components/schemas/Problem' }, description: 'Definition problems, on a refused pack' },
      },
    },
  },
};
const STATUS_TEXT: Record<number, string> = {
  400: 'Malformed request', 401: 'Not logged in (or a bad webhook token or signature)', 403: 'Not allowed for this role', 404: 'Unknown id',
  409: 'Stale version or event not allowed now', 413: 'Body too large', 415: 'File type not accepted', 422: 'Invalid values or definition',
  503: 'A service it depends on is not answering',
};
const errors = (...codes: number[]): Json =>
  Object.fromEntries(codes.map((c) => [String(c), { description: STATUS_TEXT[c] ?? 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }]));
const ok = (description: string, schema: Json = { type: 'object' }): Json => ({ description, content: { 'application/json': { schema } } });
/** A non-JSON answer: a download, a page, a calendar. */
const typed = (contentType: string, description: string, schema: Json = { type: 'string', format: 'binary' }): Json => ({ description, content: { [contentType]: { schema } } });
const html = (description: string): Json => typed('text/html', description, { type: 'string' });
const body = (schema: Json): Json => ({ required: true, content: { 'application/json': { schema } } });
const multipart = (schema: Json): Json => ({ required: true, content: { 'multipart/form-data': { schema } } });
/** Spreadsheet uploads are the raw body (no multipart), the name in ?filename=. */
const xlsxBody: Json = { required: true, content: { [XLSX]: { schema: { type: 'string', format: 'binary' } }, 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } };
const idParam = (name: string, type: 'string' | 'integer' = 'string'): Json => ({ name, in: 'path', required: true, schema: { type } });
const query = (name: string, schema: Json = { type: 'string' }, description?: string): Json => ({ name, in: 'query', schema, ...(description ? { description } : {}) });
const header = (name: string, description: string): Json => ({ name, in: 'header', schema: { type: 'string' }, description });
const idempotencyKey = header('Idempotency-Key', 'The same key again changes nothing a second time');
const limitParam = query('limit', { type: 'integer', minimum: 0, default: 100 });
const filenameParam = query('filename', { type: 'string', maxLength: 255 }, 'The uploaded file’s name, kept in the import log');
const files: Json = { type: 'object', required: ['files'], properties: { files: { type: 'object', additionalProperties: { type: 'string' }, description: 'relative path → YAML text' } } };
const record: Json = { $ref: '#/components/schemas/Record' };
const items = (what: Json = { type: 'object' }): Json => ({ type: 'object', properties: { items: { type: 'array', items: what } } });
const fileValue: Json = { $ref: '#/components/schemas/FileValue' };
const expectedVersion: Json = { type: 'integer', description: 'The version read: 409 stale-version when the record changed meanwhile' };

/** Routes of app.ts: session, packs, records, admin. */
const corePaths: Paths = {
  '/healthz': { get: { summary: 'Liveness and counters (pack version, instances, commits, timers, outbox)', security: [], responses: { 200: ok('Healthy') } } },
  '/api/openapi.json': { get: { summary: 'This document', security: [], responses: { 200: ok('OpenAPI 3.1 document') } } },
  '/api/auth/login': { post: { summary: 'Log in with a local account; sets an HttpOnly SameSite session cookie', security: [], requestBody: body({ type: 'object', required: ['username', 'password'], properties: { username: { type: 'string' }, password: { type: 'string' } } }), responses: { 200: ok('Logged in {user}'), ...errors(400, 401) } } },
  '/api/auth/logout': { post: { summary: 'End the session (also without one)', security: [], responses: { 204: { description: 'Logged out' } } } },
  '/api/me': { get: { summary: 'The logged-in user, roles and readable record types', responses: { 200: ok('{user, admin, recordTypes, creatableRecordTypes}'), ...errors(401) } } },
  '/api/me/language': { put: { summary: 'Store the user’s language', requestBody: body({ type: 'object', required: ['language'], properties: { language: { enum: ['fr', 'nl', 'en'] } } }), responses: { 200: ok('Saved {language}'), ...errors(400, 401, 422) } } },
  '/api/packs': { get: { summary: 'Pack versions (draft, published, superseded), file names only', responses: { 200: ok('{packId, versions}'), ...errors(401) } } },
  '/api/packs/{version}': { get: { summary: 'Admin: one pack version with its files', parameters: [idParam('version', 'integer')], responses: { 200: ok('Version'), ...errors(400, 401, 403, 404) } } },
  '/api/packs/validate': { post: { summary: 'Admin: validate pack files; every problem with file, line and column', requestBody: body(files), responses: { 200: ok('Result', { type: 'object', properties: { valid: { type: 'boolean' }, problems: { type: 'array', items: { $ref: '#/components/schemas/Problem' } } } }), ...errors(400, 401, 403) } } },
  '/api/packs/drafts': { post: { summary: 'Admin: upload a draft version (kept even with problems)', requestBody: body(files), responses: { 201: ok('Draft saved {version, status, valid, problems}'), ...errors(400, 401, 403, 413, 422) } } },
  '/api/packs/{version}/publish': { post: { summary: 'Admin: publish a version: new records use it, running ones stay on theirs', parameters: [idParam('version', 'integer')], responses: { 200: ok('Published {version, status, publishedAt}'), ...errors(400, 401, 403, 404, 422) } } },
  '/api/record-types': { get: { summary: 'Record types the user may read, with fields, statuses, steps, event labels; queue labels and desk forms', responses: { 200: ok('{packVersion, recordTypes, queueLabels, deskForms}'), ...errors(401) } } },
  '/api/records': {
    get: {
      summary: 'List records with filters, sort and pagination; any other parameter named after a field of `type` filters on that field',
      parameters: [
        ...['type', 'status', 'queue', 'team', 'step', 'process', 'q'].map((n) => query(n)),
        query('owner', { type: 'string' }, 'A user id, or `me`'),
        query('sort', { type: 'string', default: 'createdAt' }, 'createdAt, updatedAt, title, status, step, owner, queue, or a field of `type`'),
        query('direction', { enum: ['asc', 'desc'], default: 'desc' }),
        query('limit', { type: 'integer', minimum: 0, default: 50 }, 'Clamped to 1…500'),
        query('offset', { type: 'integer', minimum: 0, default: 0 }),
      ],
      responses: { 200: ok('Page', { type: 'object', properties: { total: { type: 'integer' }, items: { type: 'array', items: record } } }), ...errors(400, 401, 422) },
    },
  },
  '/api/records/{type}': { post: { summary: 'Create a record of a type; it starts its process (Location: the new record)', parameters: [idParam('type')], requestBody: body({ type: 'object', properties: { fields: { type: 'object' } } }), responses: { 201: ok('Created', record), ...errors(400, 401, 403, 404, 413, 422) } } },
  '/api/records/{id}': { get: { summary: 'A record with the events the caller may send now (ETag: its version); unreadable records are 404', parameters: [idParam('id')], responses: { 200: ok('Record', record), ...errors(401, 404) } } },
  '/api/records/{id}/events': {
    post: {
      summary: 'Send an event; `expectedVersion` (or If-Match) gives 409 when the record changed meanwhile',
      parameters: [idParam('id'), header('If-Match', 'The version read, as an ETag')],
      requestBody: body({ type: 'object', required: ['type'], properties: { type: { type: 'string' }, data: { type: 'object' }, expectedVersion } }),
      responses: { 200: ok('Applied and durable', record), ...errors(400, 401, 403, 404, 409, 413, 422) },
    },
  },
  '/api/records/{id}/clone': { post: { summary: 'A new record of the same type with this one’s fields (not computed or file fields); Location: the new record', parameters: [idParam('id')], responses: { 201: ok('Created', record), ...errors(401, 403, 404, 422) } } },
  '/api/records/{id}/messages': { get: { summary: 'Messages in and out of the record (mail, web form, comments, calls, chat)', parameters: [idParam('id')], responses: { 200: ok('Messages', items()), ...errors(401, 404) } } },
  '/api/records/{id}/history': { get: { summary: 'Every event: who, when, what changed', parameters: [idParam('id')], responses: { 200: ok('History', items()), ...errors(401, 404) } } },
  '/api/users': { get: { summary: 'Users (id, display name, roles), for owners and history', responses: { 200: ok('Users', items()), ...errors(401) } } },
  '/api/queues': { get: { summary: 'Queues the user works (all for admins)', responses: { 200: ok('Queues', items()), ...errors(401) } } },
  '/api/admin/timers': { get: { summary: 'Admin: pending timers', parameters: [limitParam], responses: { 200: ok('Timers', items()), ...errors(400, 401, 403) } } },
  '/api/admin/outbox': { get: { summary: 'Admin: outbox entries; status=dead lists the dead letters', parameters: [query('status', { enum: ['pending', 'done', 'dead'] }), limitParam], responses: { 200: ok('Outbox', items()), ...errors(400, 401, 403) } } },
  '/api/admin/outbox/{id}/retry': { post: { summary: 'Admin: retry a dead letter', parameters: [idParam('id', 'integer')], responses: { 202: ok('Queued again {retried: true}'), ...errors(400, 401, 403, 404) } } },
  '/api/admin/mail': { get: { summary: 'Admin: mail kept by the local delivery (embedded default)', parameters: [limitParam], responses: { 200: ok('Mail', items()), ...errors(400, 401, 403) } } },
  '/api/admin/notifications': { get: { summary: 'Admin: notifications sent to users and roles', parameters: [limitParam], responses: { 200: ok('Notifications', items()), ...errors(400, 401, 403) } } },
};

/** Public routes without a session: web forms, webhooks, the chat page, the calendar feed. */
const publicPaths: Paths = {
  '/forms/{id}': {
    get: { summary: 'The public web form as an HTML page (?lang=fr|nl, else Accept-Language), embeddable (frame-ancestors from FORMS_FRAME_ANCESTORS)', security: [], parameters: [idParam('id'), query('lang', { enum: ['fr', 'nl'] })], responses: { 200: html('The form'), 404: html('Unknown form') } },
    post: {
      summary: 'Submit the form (at most 20 kB): a case on channel web and a confirmation mail; HTML pages throughout, never JSON',
      security: [],
      parameters: [idParam('id'), query('lang', { enum: ['fr', 'nl'] })],
      requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', additionalProperties: { type: 'string' } } } } },
      responses: { 200: html('Thank-you page (honeypot filled: nothing kept)'), 201: html('Thank-you page with the case reference'), 400: html('Unreadable body'), 404: html('Unknown form'), 413: html('Too large'), 422: html('The form again, with its errors'), 429: html('Too many submissions; Retry-After'), 503: html('The case could not be created') },
    },
  },
  '/webhooks/cti': {
    post: {
      summary: 'Telephony events (newCall, answer, hangup), with Authorization: Bearer <CTI_TOKEN>; idempotent per call',
      security: [],
      requestBody: body({ type: 'object', required: ['event', 'callId'], properties: { event: { enum: ['newCall', 'answer', 'hangup'] }, callId: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, agent: { type: 'string' }, durationSeconds: { type: 'number' }, ivr: { type: 'object', properties: { language: { enum: ['fr', 'nl'] }, choice: { type: 'string' }, niss: { type: 'string' } } } } }),
      responses: { 200: ok('Known call, deflected call {recordId: null, deflect}, answer {popped} or hangup {logged}'), 201: ok('Case created {recordId, created, queue, contact}'), ...errors(400, 401, 404, 413, 422) },
    },
  },
  '/webhooks/facebook': {
    get: { summary: 'Meta’s verification handshake: hub.mode=subscribe and hub.verify_token = FACEBOOK_VERIFY_TOKEN give hub.challenge as text', security: [], parameters: ['hub.mode', 'hub.verify_token', 'hub.challenge'].map((n) => query(n)), responses: { 200: typed('text/plain', 'The challenge', { type: 'string' }), ...errors(403) } },
    post: { summary: 'Page feed changes signed with X-Hub-Signature-256 (FACEBOOK_APP_SECRET, raw body): a comment on a post starts a case, a reply joins its thread’s case; repeated deliveries change nothing', security: [], parameters: [header('X-Hub-Signature-256', 'sha256=<HMAC of the raw body>')], requestBody: body({ type: 'object' }), responses: { 200: ok('Counts: created, appended, duplicate, own, failed, ignored'), ...errors(400, 401, 413) } },
  },
  '/chat': { get: { summary: 'The website chat page (?lang=fr|nl, else Accept-Language), embeddable in the commune’s site; the conversation runs over socket.io', security: [], parameters: [query('lang', { enum: ['fr', 'nl'] })], responses: { 200: html('The chat page') } } },
  '/chat/widget.js': { get: { summary: 'The chat page’s script', security: [], responses: { 200: typed('application/javascript', 'The script', { type: 'string' }) } } },
  '/calendar/inspections.ics': {
    get: {
      summary: 'A personal feed of the planned inspections (RFC 5545), in the token owner’s language; the token comes from POST /api/me/calendar-token',
      security: [],
      parameters: [query('token', { type: 'string' }), query('district', { type: 'string' }, 'One of the pack’s districts')],
      responses: { 200: typed('text/calendar', 'The calendar', { type: 'string' }), 400: ok('Unknown district', { $ref: '#/components/schemas/Error' }), 404: typed('text/plain', 'Unknown or revoked token (no detail)', { type: 'string' }) },
    },
  },
};

/** Contact centre: contacts, KBO, replies by mail, chat and Facebook. */
const contactCentrePaths: Paths = {
  '/api/contacts/from-niss': { post: { summary: 'A contact from a national number: 422 invalid, 200 {existing: true} when known, 404 unknown to the National Register, else 201 created with the register’s data', requestBody: body({ type: 'object', required: ['niss'], properties: { niss: { type: 'string' }, fields: { type: 'object' } } }), responses: { 200: ok('Existing contact {existing, contact}'), 201: ok('Contact created {existing, contact}'), ...errors(400, 401, 403, 404, 422, 503) } } },
  '/api/contacts/duplicates': { get: { summary: 'Contacts matching a national number, an e-mail (any case) or a phone (any notation), each with matchedOn', parameters: ['niss', 'email', 'phone'].map((n) => query(n)), responses: { 200: ok('Matches {total, items}'), ...errors(400, 401, 403, 422) } } },
  '/api/records/{id}/link-contact': { post: { summary: 'Link a contact to a case (event update, in the history); copies the contact’s preferred language when the case has none', parameters: [idParam('id')], requestBody: body({ type: 'object', required: ['contactId'], properties: { contactId: { type: 'string' }, expectedVersion } }), responses: { 200: ok('Linked', record), ...errors(400, 401, 403, 404, 409, 422) } } },
  '/api/admin/kbo/import': { post: { summary: 'Admin: import a KBO/BCE Open Data extract folder into DATA_DIR/kbo.sqlite (full: the seven files; update: the <table>_delete.csv/<table>_insert.csv pairs). One transaction; 409 while another import runs; 422 for a missing file, a bad header or a bad row', requestBody: body({ type: 'object', required: ['dir'], properties: { dir: { type: 'string' }, mode: { type: 'string', enum: ['full', 'update'], default: 'full' } } }), responses: { 200: ok('Rows per file, inserted/deleted per table, enterprises in the lookup'), ...errors(400, 401, 403, 409, 422) } } },
  '/api/kbo/search': { get: { summary: 'Up to 20 enterprises of the KBO lookup by name (no case, no accents) or number (any formatting)', parameters: [{ ...query('q', { type: 'string', minLength: 2 }), required: true }], responses: { 200: ok('{total, items}'), ...errors(400, 401, 403) } } },
  '/api/kbo/{number}': { get: { summary: 'One enterprise of the KBO lookup: names FR/NL, legal form, address, NACE codes, establishments, contacts', parameters: [idParam('number')], responses: { 200: ok('Enterprise'), ...errors(401, 403, 404, 422) } } },
  '/api/kbo/{number}/business': { post: { summary: 'The business record of this enterprise number, created from the KBO (201) or the existing one (200 {existing: true})', parameters: [idParam('number')], responses: { 200: ok('Existing business {existing, business}'), 201: ok('Business created {existing, business}'), ...errors(401, 403, 404, 422) } } },
  '/api/records/{id}/prefill-from-kbo': { post: { summary: 'Fill a census dossier’s company fields from the KBO (event update, in the history) and link its business', parameters: [idParam('id')], requestBody: body({ type: 'object', required: ['number'], properties: { number: { type: 'string' }, expectedVersion } }), responses: { 200: ok('Prefilled', record), ...errors(400, 401, 403, 404, 409, 422) } } },
  '/api/records/{id}/reply': {
    post: {
      summary: 'Mail the citizen (or the business) from the case’s mailbox: the template or the body in their language, threaded to their last mail; kept as an outgoing message and relayed through the outbox. Needs the right to update the record',
      parameters: [idParam('id'), idempotencyKey],
      requestBody: body({ type: 'object', properties: { subject: { type: 'string', maxLength: 300 }, body: { type: 'string', maxLength: 100000 }, template: { type: 'string', maxLength: 100 }, language: { enum: ['fr', 'nl', 'en'] }, idempotencyKey: { type: 'string', maxLength: 200 } } }),
      responses: { 201: ok('Sent {message, delivered}'), ...errors(400, 401, 403, 404, 422) },
    },
  },
  '/api/records/{id}/reply/preview': {
    post: {
      summary: 'The same mail as POST …/reply, composed and not sent',
      parameters: [idParam('id')],
      requestBody: body({ type: 'object', properties: { subject: { type: 'string', maxLength: 300 }, body: { type: 'string', maxLength: 100000 }, template: { type: 'string', maxLength: 100 }, language: { enum: ['fr', 'nl', 'en'] } } }),
      responses: { 200: ok('{from, to, subject, body, language}'), ...errors(400, 401, 403, 404, 422) },
    },
  },
  '/api/records/{id}/attachments/{blobId}': { get: { summary: 'An attachment of one of the record’s messages, always as a download', parameters: [idParam('id'), idParam('blobId')], responses: { 200: typed('application/octet-stream', 'The file'), ...errors(401, 404) } } },
  '/api/mail-templates': { get: { summary: 'The pack’s e-mail templates (subject and body per language) with the record types whose fields cover their placeholders', parameters: [query('recordType', { type: 'string' }, 'Only the templates usable on this type')], responses: { 200: ok('Templates', items({ type: 'object', properties: { id: { type: 'string' }, subject: { type: 'object' }, body: { type: 'object' }, recordTypes: { type: 'array', items: { type: 'string' } } } })), ...errors(401, 422) } } },
  '/api/records/{id}/chat': { post: { summary: 'An agent’s answer in the website chat of this case (needs the right to update it)', parameters: [idParam('id')], requestBody: body({ type: 'object', required: ['text'], properties: { text: { type: 'string', minLength: 1, maxLength: 2000 } } }), responses: { 201: ok('The message kept on the case'), ...errors(401, 403, 404, 422, 503) } } },
  '/api/records/{id}/facebook-reply': { post: { summary: 'Queue a reply in the Facebook thread the case came from (outbox `facebook-reply`, retried); 409 for a case that did not come from Facebook', parameters: [idParam('id'), idempotencyKey], requestBody: body({ type: 'object', required: ['message'], properties: { message: { type: 'string', maxLength: 8000 } } }), responses: { 202: ok('Queued {queued, commentId, idempotencyKey}'), ...errors(401, 403, 404, 409, 422) } } },
};

/** Work on one record: notes, documents, the map. */
const recordWorkPaths: Paths = {
  '/api/records/{id}/notes': {
    get: { summary: 'The record’s work notes, oldest first, and whether the caller may add one', parameters: [idParam('id')], responses: { 200: ok('{items: [Note], mayAdd}', { type: 'object', properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Note' } }, mayAdd: { type: 'boolean' } } }), ...errors(401, 404) } },
    post: { summary: 'Add a note; the same idempotency key again answers 200 with the same note', parameters: [idParam('id'), idempotencyKey], requestBody: body({ type: 'object', required: ['text'], properties: { text: { type: 'string', minLength: 1, maxLength: 20000 }, idempotencyKey: { type: 'string' } } }), responses: { 200: ok('Already added {note}'), 201: ok('Added {note}'), ...errors(400, 401, 403, 404) } },
  },
  '/api/records/{id}/notes/{noteId}': { put: { summary: 'Edit a note (its author or an admin); a stale version gives 409 with the current note in details.note, nothing changed', parameters: [idParam('id'), idParam('noteId')], requestBody: body({ type: 'object', required: ['text', 'version'], properties: { text: { type: 'string', minLength: 1, maxLength: 20000 }, version: { type: 'integer', minimum: 1 } } }), responses: { 200: ok('Edited {note}'), ...errors(400, 401, 403, 404, 409) } } },
  '/api/records/{id}/files/{field}': {
    post: {
      summary: 'Add documents or scans to a file field, several at once, all or nothing (the reason per file in details.files[].messages); 200 with files: [] when every file was already there',
      parameters: [idParam('id'), idParam('field'), idempotencyKey],
      requestBody: multipart({ type: 'object', properties: { idempotencyKey: { type: 'string' } }, additionalProperties: { type: 'string', format: 'binary', description: 'One part per file, any part name (at most 20 files of 25 MB)' } }),
      responses: { 200: ok('Nothing new {field, files, duplicates, record}'), 201: ok('Added {field, files, duplicates, record}', { type: 'object', properties: { field: { type: 'string' }, files: { type: 'array', items: fileValue }, duplicates: { type: 'array', items: fileValue }, record } }), ...errors(400, 401, 403, 404, 409, 413, 415) },
    },
  },
  '/api/records/{id}/location': {
    get: {
      summary: 'Where the record’s first (or the named) address field is on the map, geocoded server-side (GEOCODER_URL, cached); 422 no address field or no address, 404 not found on the map, 503 geocoder off, down or slow',
      parameters: [idParam('id'), query('field', { type: 'string' }, 'An address field of the record')],
      responses: { 200: ok('{lat, lon, label, address, field, zoom, tileUrl, attribution, osmUrl}'), ...errors(401, 404, 422, 503) },
    },
  },
};

/** The business census: letters, signatures, imports, exports, figures, inspections, registered mail. */
const censusPaths: Paths = {
  '/api/records/{id}/merge': { post: { summary: 'Merge a document template (kind: document) with a dossier in its language to DOCX/PDF, attached to its letters (with the tax regulation PDF if regulation: true); unknown template 404', parameters: [idParam('id')], requestBody: body({ type: 'object', required: ['template'], properties: { template: { type: 'string' }, formats: { type: 'array', items: { enum: ['docx', 'pdf'] } }, regulation: { type: 'boolean' } } }), responses: { 201: ok('Files {files, regulation}'), ...errors(400, 401, 403, 404, 422) } } },
  '/api/merge/bulk': { post: { summary: 'Merge a document template with up to 1000 dossiers: a DOCX and a PDF each, plus one combined PDF to print', requestBody: body({ type: 'object', required: ['template', 'recordIds'], properties: { template: { type: 'string' }, recordIds: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 1000 } } }), responses: { 201: ok('Files {files, combined}'), ...errors(400, 401, 403, 404, 422) } } },
  '/api/merge/templates': { get: { summary: 'The pack’s document templates, labelled by their subject without placeholders', responses: { 200: ok('Templates', items({ type: 'object', properties: { id: { type: 'string' }, label: { type: 'object' } } })), ...errors(401) } } },
  '/api/files/{id}': { get: { summary: 'A generated file (merged letter) as a download, with read access to its dossiers; with ?record=, any file value of that record’s fields', parameters: [idParam('id'), query('record', { type: 'string' })], responses: { 200: typed('application/octet-stream', 'The file (its own content type)'), ...errors(401, 404) } } },
  '/api/signatures/batch': { post: { summary: 'The signer signs the latest PDF letter of each dossier (PAdES, their PKCS#12): per dossier sign → store → approve; stops at the first failure (that dossier failed, the next ones not-processed); 403 without a signing certificate', requestBody: body({ type: 'object', required: ['recordIds'], properties: { recordIds: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 500, uniqueItems: true }, fileField: { type: 'string', default: 'letters' } } }), responses: { 200: ok('Batch {id, signer, summary, results}'), ...errors(400, 401, 403) } } },
  '/api/signatures/batch/{id}': { get: { summary: 'A signature batch’s results (its signer only)', parameters: [idParam('id')], responses: { 200: ok('Batch'), ...errors(401, 404) } } },
  '/api/signatures/batches': { get: { summary: 'The caller’s signature batches, newest first (since the server started)', responses: { 200: ok('Batches', items()), ...errors(401) } } },
  '/api/signatures/pending': { get: { summary: 'Letters waiting for the caller’s signature (signing state, approval still theirs), at most 500, each with the letter to open', responses: { 200: ok('{items: [{id, recordType, title, fields, updatedAt, version, letter}], truncated}'), ...errors(401) } } },
  '/api/records/{id}/signed-letter': { get: { summary: 'The dossier’s last signed letter (PDF with its PAdES signatures)', parameters: [idParam('id')], responses: { 200: typed('application/pdf', 'The signed PDF'), ...errors(401, 404) } } },
  '/api/imports/belfirst/preview': { post: { summary: 'Census agents and admins: check a Belfirst export (raw .xlsx body): a status per row (new, existing, duplicate, error), nothing written', parameters: [filenameParam], requestBody: xlsxBody, responses: { 200: ok('{import, fileName, sha256, bytes, columns, totals, rows}'), ...errors(401, 403, 404, 413, 422) } } },
  '/api/imports/belfirst/commit': { post: { summary: 'Census agents and admins: create the dossiers of the new rows of a Belfirst export (raw .xlsx body)', parameters: [filenameParam], requestBody: xlsxBody, responses: { 200: ok('{import, fileName, sha256, created, existing, duplicate, errors, totals, columns, notified, rows: the rows in error}'), ...errors(401, 403, 404, 413, 422) } } },
  '/api/exports': { get: { summary: 'The pack’s spreadsheet exports (Onyx) whose record type the user may read', responses: { 200: ok('Exports', items({ type: 'object', properties: { id: { type: 'string' }, label: { type: 'object' }, record: { type: 'string' }, sheet: { type: 'string' }, states: { type: ['array', 'null'], items: { type: 'string' } }, headers: { type: 'array', items: { type: 'string' } }, update: { type: ['object', 'null'] } } })), ...errors(401) } } },
  '/api/exports/{id}.xlsx': { get: { summary: 'The export as a workbook (streamed): every record in its states, or the selected ones (at most 1000, all in those states)', parameters: [idParam('id'), query('ids', { type: 'string' }, 'Comma-separated record ids')], responses: { 200: typed(XLSX, 'The workbook'), ...errors(401, 403, 404, 422) } } },
  '/api/exports/{id}/update/preview': { post: { summary: 'Read an update file back (raw .xlsx body): a status per row (update, unchanged, error) with its changes, nothing written', parameters: [idParam('id'), filenameParam], requestBody: xlsxBody, responses: { 200: ok('{export, fileName, sha256, bytes, columns, totals, rows}'), ...errors(401, 403, 404, 413, 422) } } },
  '/api/exports/{id}/update/commit': { post: { summary: 'Apply the valid rows of an update file (raw .xlsx body): one `update` event per record', parameters: [idParam('id'), filenameParam], requestBody: xlsxBody, responses: { 200: ok('{…preview, updated, unchanged, errors, rows: all but the unchanged}'), ...errors(401, 403, 404, 413, 422) } } },
  '/api/reports/census': {
    get: {
      summary: 'Tax managers and admins: the census figures per period (created, by status, visits, letters, late returns, false declarations, taxes set and received) and the arrears',
      parameters: [query('from', { type: 'string', format: 'date' }, 'Default: 1 January of this year'), query('to', { type: 'string', format: 'date' }, 'Default: today'), query('by', { enum: ['month', 'quarter', 'year'], default: 'month' })],
      responses: { 200: ok('{from, to, by, timeZone, periods, totals, arrears}'), ...errors(401, 403, 404, 422) },
    },
  },
  '/api/reports/census.xlsx': {
    get: {
      summary: 'The same figures as a workbook: one sheet of periods (headers in French and Dutch), one of the companies with arrears',
      parameters: [query('from', { type: 'string', format: 'date' }), query('to', { type: 'string', format: 'date' }), query('by', { enum: ['month', 'quarter', 'year'], default: 'month' })],
      responses: { 200: typed(XLSX, 'The workbook'), ...errors(401, 403, 404, 422) },
    },
  },
  '/api/inspections': {
    get: {
      summary: 'The pack’s agenda (agendas.yaml; the census inspections), for its roles: the planned appointments (and done ones with include=done) by day in the pack’s time zone and group (district); without dates this week, Monday to Sunday; at most 366 days',
      parameters: [query('from', { type: 'string', format: 'date' }), query('to', { type: 'string', format: 'date' }), query('district'), query('inspector', { type: 'string' }, 'A user id'), query('include', { enum: ['done'] })],
      responses: { 200: ok('{label, from, to, timeZone, total, truncated, days: [{date, districts: [{district, label, items}]}]}'), ...errors(400, 401, 403) },
    },
  },
  '/api/me/calendar-token': { post: { summary: 'A new personal URL of the inspections calendar feed; the previous one stops working at once. Shown once (only its hash is kept)', responses: { 201: ok('{token, url}'), ...errors(401) } } },
  '/api/registered-mail/proofs': {
    post: {
      summary: 'Registered mail proofs in a batch: deposit lists / proofs of sending (kind=sending) or receipts (kind=receipt), matched to dossiers; one result per file, a refused file does not stop the others. Refused as a whole, nothing changed: 400 not multipart, bad kind, no file, bad manifest (details.problems); 413 too many or too large; 403 no right to change dossiers',
      parameters: [idempotencyKey],
      requestBody: multipart({ type: 'object', required: ['kind'], properties: { kind: { enum: ['sending', 'receipt'] }, manifest: { type: 'string', format: 'binary', description: 'Optional CSV manifest (at most 1 MB)' }, idempotencyKey: { type: 'string' } }, additionalProperties: { type: 'string', format: 'binary', description: 'One part per scan (PDF, JPEG, PNG, TIFF, HEIC), any part name but manifest; at most 100 files of 25 MB' } }),
      responses: { 200: ok('Batch', { $ref: '#/components/schemas/RegisteredMailBatch' }), ...errors(400, 401, 403, 413) },
    },
  },
  '/api/registered-mail/returns': {
    post: {
      summary: 'Returned census forms in a batch, as POST …/proofs (kind may be omitted or `return`); a return the dossier’s state does not take is attached only',
      parameters: [idempotencyKey],
      requestBody: multipart({ type: 'object', properties: { kind: { enum: ['return'] }, manifest: { type: 'string', format: 'binary', description: 'Optional CSV manifest (at most 1 MB)' }, idempotencyKey: { type: 'string' } }, additionalProperties: { type: 'string', format: 'binary', description: 'One part per scan, any part name but manifest' } }),
      responses: { 200: ok('Batch', { $ref: '#/components/schemas/RegisteredMailBatch' }), ...errors(400, 401, 403, 413) },
    },
  },
};

/** The areas' tables as one; a path in two tables would silently lose operations, so it is refused. */
function mergePaths(...tables: Paths[]): Paths {
  const out: Paths = {};
  for (const table of tables) {
    for (const [path, operations] of Object.entries(table)) {
      if (out[path]) throw new Error(`openapi: ${path} is described in two tables`);
      out[path] = operations;
    }
  }
  return out;
}

export function openApiDocument(): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'civic-flow API',
      version: '1.0.0',
      description: 'Definition packs, records and their events, and the channels and census features around them. Errors are JSON {code, message, details}, the message in the user’s language; any /api call may also answer 400 malformed-json, 413 body-too-large and 500 internal. Unknown /api routes answer 404 not-found.',
    },
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
        Problem: { type: 'object', properties: { file: { type: 'string' }, line: { type: 'integer' }, col: { type: 'integer' }, path: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' }, text: { type: 'object' }, severity: { enum: ['error', 'warning'] } } },
        FileValue: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, size: { type: 'integer' }, contentType: { type: 'string' } } },
        Note: {
          type: 'object',
          properties: {
            id: { type: 'string' }, recordId: { type: 'string' }, author: { type: 'string' }, text: { type: 'string' }, createdAt: { type: 'string' }, updatedAt: { type: 'string' }, updatedBy: { type: 'string' },
            version: { type: 'integer' }, edited: { type: 'boolean' }, mayEdit: { type: 'boolean' }, revisions: { type: 'array', items: { type: 'object', properties: { text: { type: 'string' }, at: { type: 'string' }, by: { type: 'string' }, version: { type: 'integer' } } } },
          },
        },
        RegisteredMailBatch: {
          type: 'object',
          properties: {
            kind: { enum: ['sending', 'receipt', 'return'] },
            results: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  index: { type: 'integer' }, file: { type: 'string' }, outcome: { enum: ['applied', 'attached-only', 'already-done', 'refused'] }, code: { type: 'string' },
                  dossier: { type: ['object', 'null'], properties: { id: { type: 'string' }, title: { type: ['string', 'null'] }, enterpriseNumber: { type: ['string', 'null'] } } },
                  registeredNumber: { type: ['string', 'null'] }, event: { type: ['string', 'null'] }, message: { type: 'object', description: '{fr, nl, en}' },
                },
              },
            },
            counts: { type: 'object', additionalProperties: { type: 'integer' } },
          },
        },
      },
    },
    security: [{ session: [] }],
    paths: mergePaths(corePaths, publicPaths, contactCentrePaths, recordWorkPaths, censusPaths),
  };
}
