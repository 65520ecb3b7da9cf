/**
 * The engine's error hierarchy. Each error has a stable `code` (for programs and for
 * translations) and a message in the user's languages. runtime/ maps them to HTTP in one place.
 */
export interface LocalizedText {
  fr: string;
  nl: string;
  en?: string;
}

export interface Problem {
  file: string;
  line: number;
  col: number;
  /** JSON path inside the file, e.g. `/states/new/on/prepare`. */
  path: string;
  code: string;
  /** English text; `text` holds it in every language an admin may read. */
  message: string;
  text: LocalizedText;
  severity: 'error' | 'warning';
}

export function formatProblem(p: Problem, lang: 'fr' | 'nl' | 'en' = 'en'): string {
  const message = lang === 'en' ? p.message : p.text[lang];
  return `${p.file}:${p.line}:${p.col}: ${message} (${p.path || '/'})`;
}

export abstract class EngineError extends Error {
  abstract readonly code: string;
  readonly localized: LocalizedText;
  readonly details: Record<string, unknown>;
  constructor(message: LocalizedText, details: Record<string, unknown> = {}) {
    super(message.en ?? message.fr);
    this.localized = message;
    this.details = details;
  }
}

/** The pack cannot be used: every problem carries its file, line and column. */
export class DefinitionError extends EngineError {
  readonly code = 'definition-invalid';
  constructor(readonly problems: Problem[]) {
    super(
      {
        fr: `La définition contient ${problems.length} erreur(s).`,
        nl: `De definitie bevat ${problems.length} fout(en).`,
        en: `The definition has ${problems.length} error(s):\n${problems.map((p) => formatProblem(p)).join('\n')}`,
      },
      { problems },
    );
  }
}

/** Input that breaks a rule of the record type or of the event: changes nothing. */
export class ValidationError extends EngineError {
  readonly code = 'validation-failed';
  constructor(
    message: LocalizedText,
    readonly fieldErrors: Record<string, LocalizedText & { code: string }> = {},
  ) {
    super(message, { fields: fieldErrors });
  }
}

/** The record changed since the caller read it (stale version) or the event does not apply now. */
export class ConflictError extends EngineError {
  constructor(
    readonly code: 'stale-version' | 'event-not-allowed' | 'already-exists',
    message: LocalizedText,
    details: Record<string, unknown> = {},
  ) {
    super(message, details);
  }
}

export class NotFoundError extends EngineError {
  readonly code = 'not-found';
}

export class ForbiddenError extends EngineError {
  readonly code = 'forbidden';
}

/** A failure outside our control (a mail server, an outside system) that may succeed on retry. */
export class OperationalError extends EngineError {
  readonly code = 'operational';
}
