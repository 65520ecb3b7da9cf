/**
 * User-facing validation messages. The commune's users read French and Dutch (Brussels
 * is officially bilingual), English is provided for staff and API clients.
 * Every message says what is wrong and how to fix it; `code` is stable and meant for
 * programs (UI highlighting, tests), the texts may be reworded.
 */

import type { LocalizedText } from './field-types';
import type { EnterpriseNumberProblem } from './enterprise-number';
import type { NissProblem } from './niss';
import type { PhoneProblem } from './phone-number';

export interface FieldMessage {
  code: string;
  fr: string;
  nl: string;
  en: string;
}

export type FieldErrorCode =
  | 'required'
  | 'unknown-field'
  | 'computed-field'
  | 'invalid-definition'
  | 'not-text'
  | 'too-short'
  | 'too-long'
  | 'not-a-number'
  | 'not-an-amount'
  | 'too-many-decimals'
  | 'below-minimum'
  | 'above-maximum'
  | 'invalid-date'
  | 'invalid-datetime'
  | 'not-in-list'
  | 'not-a-boolean'
  | 'invalid-email'
  | 'invalid-phone'
  | 'invalid-niss'
  | 'invalid-enterprise-number'
  | 'invalid-address'
  | 'invalid-postal-code'
  | 'invalid-reference'
  | 'not-a-list'
  | 'empty-list-item'
  | 'invalid-file';

/** What a message may say about the field and the value that was refused. */
export interface MessageContext {
  label: LocalizedText;
  /** The refused value as typed, or null when it must not be echoed (PII) or is not printable. */
  shown: string | null;
}

function message(code: FieldErrorCode, fr: string, nl: string, en: string): FieldMessage {
  return { code, fr, nl, en };
}

// --- formatting helpers -------------------------------------------------------------

const fieldFr = (label: LocalizedText): string => `« ${label.fr} »`;
const fieldNl = (label: LocalizedText): string => `"${label.nl}"`;
// English labels are optional in definitions; French is the commune's first language.
const fieldEn = (label: LocalizedText): string => `"${label.en ?? label.fr}"`;

/** Numbers and identifiers read best unquoted (as in the register's own messages). */
const isBareValue = (shown: string): boolean => /^[\d\s.,+\-/]+$/.test(shown);
const valueFr = (shown: string | null): string =>
  shown === null ? '' : isBareValue(shown) ? ` ${shown}` : ` « ${shown} »`;
const valueNl = (shown: string | null): string =>
  shown === null ? '' : isBareValue(shown) ? ` ${shown}` : ` "${shown}"`;
const valueEn = valueNl;

function joinWords(words: readonly string[], and: string): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} ${and} ${words[words.length - 1] ?? ''}`;
}

// --- generic messages -----------------------------------------------------------------

export const messages = {
  required(ctx: MessageContext): FieldMessage {
    return message(
      'required',
      `Le champ ${fieldFr(ctx.label)} est obligatoire : veuillez le compléter.`,
      `Het veld ${fieldNl(ctx.label)} is verplicht: vul het in.`,
      `The field ${fieldEn(ctx.label)} is required: please fill it in.`,
    );
  },

  unknownField(name: string): FieldMessage {
    return message(
      'unknown-field',
      `Le champ « ${name} » n'existe pas pour ce type de dossier : retirez-le ou corrigez son nom.`,
      `Het veld "${name}" bestaat niet voor dit type dossier: verwijder het of corrigeer de naam.`,
      `The field "${name}" does not exist for this record type: remove it or correct its name.`,
    );
  },

  computedField(ctx: MessageContext): FieldMessage {
    return message(
      'computed-field',
      `Le champ ${fieldFr(ctx.label)} est calculé automatiquement et ne peut pas être modifié : retirez-le de votre saisie.`,
      `Het veld ${fieldNl(ctx.label)} wordt automatisch berekend en kan niet worden gewijzigd: laat het weg uit uw invoer.`,
      `The field ${fieldEn(ctx.label)} is computed automatically and cannot be changed: leave it out of your input.`,
    );
  },

  /** A mistake in the definition pack, not in the user's input. */
  invalidDefinition(ctx: MessageContext, detail: string): FieldMessage {
    return message(
      'invalid-definition',
      `Le champ ${fieldFr(ctx.label)} est mal configuré (${detail}) : contactez l'administrateur de l'application.`,
      `Het veld ${fieldNl(ctx.label)} is verkeerd geconfigureerd (${detail}): neem contact op met de beheerder van de toepassing.`,
      `The field ${fieldEn(ctx.label)} is misconfigured (${detail}): contact the application administrator.`,
    );
  },

  // --- text -------------------------------------------------------------------------

  notText(ctx: MessageContext): FieldMessage {
    return message(
      'not-text',
      `Le champ ${fieldFr(ctx.label)} doit contenir du texte : saisissez une valeur textuelle.`,
      `Het veld ${fieldNl(ctx.label)} moet tekst bevatten: vul een tekstwaarde in.`,
      `The field ${fieldEn(ctx.label)} must contain text: enter a text value.`,
    );
  },

  tooShort(ctx: MessageContext, length: number, min: number): FieldMessage {
    return message(
      'too-short',
      `Le champ ${fieldFr(ctx.label)} est trop court (${length} caractères) : saisissez au moins ${min} caractères.`,
      `Het veld ${fieldNl(ctx.label)} is te kort (${length} tekens): vul minstens ${min} tekens in.`,
      `The field ${fieldEn(ctx.label)} is too short (${length} characters): enter at least ${min} characters.`,
    );
  },

  tooLong(ctx: MessageContext, length: number, max: number): FieldMessage {
    return message(
      'too-long',
      `Le champ ${fieldFr(ctx.label)} est trop long (${length} caractères) : raccourcissez-le à ${max} caractères maximum.`,
      `Het veld ${fieldNl(ctx.label)} is te lang (${length} tekens): kort het in tot maximaal ${max} tekens.`,
      `The field ${fieldEn(ctx.label)} is too long (${length} characters): shorten it to at most ${max} characters.`,
    );
  },

  // --- numbers and amounts --------------------------------------------------------------

  notANumber(ctx: MessageContext): FieldMessage {
    return message(
      'not-a-number',
      `La valeur${valueFr(ctx.shown)} du champ ${fieldFr(ctx.label)} n'est pas un nombre : saisissez un nombre en chiffres, avec un point comme séparateur décimal (par exemple 12.5).`,
      `De waarde${valueNl(ctx.shown)} van het veld ${fieldNl(ctx.label)} is geen getal: vul een getal in cijfers in, met een punt als decimaalteken (bijvoorbeeld 12.5).`,
      `The value${valueEn(ctx.shown)} of the field ${fieldEn(ctx.label)} is not a number: enter a number in digits, with a point as decimal separator (for example 12.5).`,
    );
  },

  notAnAmount(ctx: MessageContext): FieldMessage {
    return message(
      'not-an-amount',
      `Le montant${valueFr(ctx.shown)} du champ ${fieldFr(ctx.label)} n'est pas valide : saisissez un montant en euros, en chiffres, avec un point comme séparateur décimal (par exemple 1234.50).`,
      `Het bedrag${valueNl(ctx.shown)} in het veld ${fieldNl(ctx.label)} is ongeldig: vul een bedrag in euro in, in cijfers, met een punt als decimaalteken (bijvoorbeeld 1234.50).`,
      `The amount${valueEn(ctx.shown)} in the field ${fieldEn(ctx.label)} is not valid: enter an amount in euros, in digits, with a point as decimal separator (for example 1234.50).`,
    );
  },

  tooManyDecimals(ctx: MessageContext): FieldMessage {
    return message(
      'too-many-decimals',
      `Le montant${valueFr(ctx.shown)} du champ ${fieldFr(ctx.label)} a trop de décimales : indiquez au maximum 2 chiffres après la virgule (les centimes).`,
      `Het bedrag${valueNl(ctx.shown)} in het veld ${fieldNl(ctx.label)} heeft te veel decimalen: gebruik maximaal 2 cijfers na de komma (de centen).`,
      `The amount${valueEn(ctx.shown)} in the field ${fieldEn(ctx.label)} has too many decimals: use at most 2 digits after the decimal point (the cents).`,
    );
  },

  belowMinimum(ctx: MessageContext, min: number): FieldMessage {
    return message(
      'below-minimum',
      `La valeur${valueFr(ctx.shown)} du champ ${fieldFr(ctx.label)} est trop petite : saisissez une valeur d'au moins ${min}.`,
      `De waarde${valueNl(ctx.shown)} van het veld ${fieldNl(ctx.label)} is te klein: vul een waarde van minstens ${min} in.`,
      `The value${valueEn(ctx.shown)} of the field ${fieldEn(ctx.label)} is too small: enter a value of at least ${min}.`,
    );
  },

  aboveMaximum(ctx: MessageContext, max: number): FieldMessage {
    return message(
      'above-maximum',
      `La valeur${valueFr(ctx.shown)} du champ ${fieldFr(ctx.label)} est trop grande : saisissez une valeur d'au plus ${max}.`,
      `De waarde${valueNl(ctx.shown)} van het veld ${fieldNl(ctx.label)} is te groot: vul een waarde van hoogstens ${max} in.`,
      `The value${valueEn(ctx.shown)} of the field ${fieldEn(ctx.label)} is too large: enter a value of at most ${max}.`,
    );
  },

  // --- dates ------------------------------------------------------------------------------

  invalidDate(ctx: MessageContext): FieldMessage {
    return message(
      'invalid-date',
      `La date${valueFr(ctx.shown)} du champ ${fieldFr(ctx.label)} n'est pas valide : saisissez une date existante au format AAAA-MM-JJ (par exemple 2024-03-15).`,
      `De datum${valueNl(ctx.shown)} in het veld ${fieldNl(ctx.label)} is ongeldig: vul een bestaande datum in met het formaat JJJJ-MM-DD (bijvoorbeeld 2024-03-15).`,
      `The date${valueEn(ctx.shown)} in the field ${fieldEn(ctx.label)} is not valid: enter an existing date in the format YYYY-MM-DD (for example 2024-03-15).`,
    );
  },

  invalidDateTime(ctx: MessageContext): FieldMessage {
    return message(
      'invalid-datetime',
      `La date et l'heure${valueFr(ctx.shown)} du champ ${fieldFr(ctx.label)} ne sont pas valides : utilisez le format ISO 8601 avec le fuseau horaire (par exemple 2024-03-15T14:30:00+01:00 ou 2024-03-15T13:30:00Z).`,
      `De datum en het tijdstip${valueNl(ctx.shown)} in het veld ${fieldNl(ctx.label)} zijn ongeldig: gebruik het ISO 8601-formaat met tijdzone (bijvoorbeeld 2024-03-15T14:30:00+01:00 of 2024-03-15T13:30:00Z).`,
      `The date and time${valueEn(ctx.shown)} in the field ${fieldEn(ctx.label)} is not valid: use the ISO 8601 format with a time zone (for example 2024-03-15T14:30:00+01:00 or 2024-03-15T13:30:00Z).`,
    );
  },

  // --- choices ------------------------------------------------------------------------------

  notInList(ctx: MessageContext, choices: readonly { key: string; label: LocalizedText }[]): FieldMessage {
    // Long lists are cut: the message must stay readable next to a form field.
    const shownChoices = choices.slice(0, 10);
    const more = choices.length > shownChoices.length;
    const list = (text: (label: LocalizedText) => string, and: string): string =>
      joinWords(
        shownChoices.map((choice) => `${text(choice.label)} (${choice.key})`),
        and,
      ) + (more ? ', …' : '');
    return message(
      'not-in-list',
      `La valeur${valueFr(ctx.shown)} n'est pas autorisée pour le champ ${fieldFr(ctx.label)} : choisissez parmi ${list((l) => l.fr, 'ou')}.`,
      `De waarde${valueNl(ctx.shown)} is niet toegestaan voor het veld ${fieldNl(ctx.label)}: kies uit ${list((l) => l.nl, 'of')}.`,
      `The value${valueEn(ctx.shown)} is not allowed for the field ${fieldEn(ctx.label)}: choose ${list((l) => l.en ?? l.fr, 'or')}.`,
    );
  },

  notABoolean(ctx: MessageContext): FieldMessage {
    return message(
      'not-a-boolean',
      `La valeur${valueFr(ctx.shown)} du champ ${fieldFr(ctx.label)} n'est pas valide : choisissez oui ou non (true ou false).`,
      `De waarde${valueNl(ctx.shown)} van het veld ${fieldNl(ctx.label)} is ongeldig: kies ja of nee (true of false).`,
      `The value${valueEn(ctx.shown)} of the field ${fieldEn(ctx.label)} is not valid: choose yes or no (true or false).`,
    );
  },

  // --- contact details ---------------------------------------------------------------------

  invalidEmail(ctx: MessageContext): FieldMessage {
    return message(
      'invalid-email',
      `L'adresse e-mail${valueFr(ctx.shown)} n'est pas valide : saisissez une adresse de la forme nom@domaine.be, sans espaces.`,
      `Het e-mailadres${valueNl(ctx.shown)} is ongeldig: vul een adres in van de vorm naam@domein.be, zonder spaties.`,
      `The e-mail address${valueEn(ctx.shown)} is not valid: enter an address of the form name@domain.be, without spaces.`,
    );
  },

  invalidPhone(ctx: MessageContext, problem: PhoneProblem): FieldMessage {
    const reasons: Record<PhoneProblem, { fr: string; nl: string; en: string }> = {
      characters: {
        fr: `utilisez uniquement des chiffres, des espaces, des points, des barres obliques ou des tirets, et le signe + devant l'indicatif du pays.`,
        nl: `gebruik alleen cijfers, spaties, punten, schuine strepen of koppeltekens, en het plusteken voor de landcode.`,
        en: `use only digits, spaces, dots, slashes or hyphens, and the + sign before the country code.`,
      },
      'no-country-code': {
        fr: `commencez par 0 pour un numéro belge (par exemple 02 123 45 67) ou par + suivi de l'indicatif du pays (par exemple +33 1 23 45 67 89).`,
        nl: `begin met 0 voor een Belgisch nummer (bijvoorbeeld 02 123 45 67) of met + gevolgd door de landcode (bijvoorbeeld +31 20 123 4567).`,
        en: `start with 0 for a Belgian number (for example 02 123 45 67) or with + followed by the country code (for example +33 1 23 45 67 89).`,
      },
      'belgian-format': {
        fr: `un numéro belge compte 9 chiffres pour un fixe (par exemple 02 123 45 67) ou 10 chiffres pour un GSM commençant par 045 à 049 (par exemple 0470 12 34 56).`,
        nl: `een Belgisch nummer telt 9 cijfers voor een vaste lijn (bijvoorbeeld 02 123 45 67) of 10 cijfers voor een gsm die begint met 045 tot 049 (bijvoorbeeld 0470 12 34 56).`,
        en: `a Belgian number has 9 digits for a landline (for example 02 123 45 67) or 10 digits for a mobile starting with 045 to 049 (for example 0470 12 34 56).`,
      },
      'international-length': {
        fr: `un numéro international commence par + et l'indicatif du pays, et compte de 7 à 15 chiffres au total (par exemple +33 1 23 45 67 89).`,
        nl: `een internationaal nummer begint met + en de landcode, en telt in totaal 7 tot 15 cijfers (bijvoorbeeld +31 20 123 4567).`,
        en: `an international number starts with + and the country code, and has 7 to 15 digits in total (for example +33 1 23 45 67 89).`,
      },
    };
    const reason = reasons[problem];
    return message(
      'invalid-phone',
      `Le numéro de téléphone${valueFr(ctx.shown)} n'est pas valide : ${reason.fr}`,
      `Het telefoonnummer${valueNl(ctx.shown)} is ongeldig: ${reason.nl}`,
      `The phone number${valueEn(ctx.shown)} is not valid: ${reason.en}`,
    );
  },

  // --- Belgian identifiers -------------------------------------------------------------------

  invalidNiss(ctx: MessageContext, problem: NissProblem): FieldMessage {
    const reasons: Record<NissProblem, { fr: string; nl: string; en: string }> = {
      format: {
        fr: `il doit compter 11 chiffres, par exemple 85.07.30-033.28 ou 85073003328.`,
        nl: `het moet uit 11 cijfers bestaan, bijvoorbeeld 85.07.30-033.28 of 85073003328.`,
        en: `it must have 11 digits, for example 85.07.30-033.28 or 85073003328.`,
      },
      date: {
        fr: `les 6 premiers chiffres doivent être la date de naissance (AAMMJJ), avec un mois de 01 à 12 (00 si inconnu) et un jour de 01 à 31 (00 si inconnu).`,
        nl: `de eerste 6 cijfers moeten de geboortedatum zijn (JJMMDD), met een maand van 01 tot 12 (00 indien onbekend) en een dag van 01 tot 31 (00 indien onbekend).`,
        en: `the first 6 digits must be the date of birth (YYMMDD), with a month from 01 to 12 (00 if unknown) and a day from 01 to 31 (00 if unknown).`,
      },
      'check-digits': {
        fr: `les chiffres de contrôle ne correspondent pas. Vérifiez le numéro sur la carte d'identité.`,
        nl: `de controlecijfers kloppen niet. Controleer het nummer op de identiteitskaart.`,
        en: `the check digits do not match. Check the number on the identity card.`,
      },
    };
    const reason = reasons[problem];
    return message(
      'invalid-niss',
      `Le numéro de registre national${valueFr(ctx.shown)} n'est pas valide : ${reason.fr}`,
      `Het rijksregisternummer${valueNl(ctx.shown)} is ongeldig: ${reason.nl}`,
      `The national register number${valueEn(ctx.shown)} is not valid: ${reason.en}`,
    );
  },

  invalidEnterpriseNumber(ctx: MessageContext, problem: EnterpriseNumberProblem): FieldMessage {
    const reasons: Record<EnterpriseNumberProblem, { fr: string; nl: string; en: string }> = {
      format: {
        fr: `il doit compter 10 chiffres (ou 9 sans le 0 initial), par exemple 0123.456.749 ou BE0123456749.`,
        nl: `het moet uit 10 cijfers bestaan (of 9 zonder de voorloopnul), bijvoorbeeld 0123.456.749 of BE0123456749.`,
        en: `it must have 10 digits (or 9 without the leading 0), for example 0123.456.749 or BE0123456749.`,
      },
      'first-digit': {
        fr: `il doit commencer par 0 ou 1 ; un numéro commençant par 2 à 8 est un numéro d'unité d'établissement, indiquez plutôt le numéro de l'entreprise.`,
        nl: `het moet beginnen met 0 of 1; een nummer dat begint met 2 tot 8 is een vestigingseenheidsnummer, vul in de plaats het nummer van de onderneming in.`,
        en: `it must start with 0 or 1; a number starting with 2 to 8 is an establishment unit number, enter the number of the enterprise instead.`,
      },
      'check-digits': {
        fr: `les chiffres de contrôle ne correspondent pas. Vérifiez le numéro dans la Banque-Carrefour des Entreprises.`,
        nl: `de controlecijfers kloppen niet. Controleer het nummer in de Kruispuntbank van Ondernemingen.`,
        en: `the check digits do not match. Check the number in the Crossroads Bank for Enterprises.`,
      },
    };
    const reason = reasons[problem];
    return message(
      'invalid-enterprise-number',
      `Le numéro d'entreprise${valueFr(ctx.shown)} n'est pas valide : ${reason.fr}`,
      `Het ondernemingsnummer${valueNl(ctx.shown)} is ongeldig: ${reason.nl}`,
      `The enterprise number${valueEn(ctx.shown)} is not valid: ${reason.en}`,
    );
  },

  // --- addresses ------------------------------------------------------------------------------

  addressMissingParts(ctx: MessageContext, parts: readonly AddressPart[]): FieldMessage {
    return message(
      'invalid-address',
      `L'adresse du champ ${fieldFr(ctx.label)} est incomplète : indiquez ${joinWords(parts.map((p) => ADDRESS_PARTS[p].fr), 'et')}.`,
      `Het adres in het veld ${fieldNl(ctx.label)} is onvolledig: vul ${joinWords(parts.map((p) => ADDRESS_PARTS[p].nl), 'en')} in.`,
      `The address in the field ${fieldEn(ctx.label)} is incomplete: enter ${joinWords(parts.map((p) => ADDRESS_PARTS[p].en), 'and')}.`,
    );
  },

  addressUnknownParts(ctx: MessageContext, keys: readonly string[]): FieldMessage {
    const known = 'street, number, box, postalCode, city, country';
    return message(
      'invalid-address',
      `L'adresse du champ ${fieldFr(ctx.label)} contient des éléments inconnus (${keys.join(', ')}) : utilisez uniquement ${known}.`,
      `Het adres in het veld ${fieldNl(ctx.label)} bevat onbekende onderdelen (${keys.join(', ')}): gebruik alleen ${known}.`,
      `The address in the field ${fieldEn(ctx.label)} has unknown parts (${keys.join(', ')}): use only ${known}.`,
    );
  },

  addressCountry(ctx: MessageContext): FieldMessage {
    return message(
      'invalid-address',
      `Le pays${valueFr(ctx.shown)} de l'adresse du champ ${fieldFr(ctx.label)} n'est pas valide : indiquez le code du pays en 2 lettres (par exemple BE, FR ou NL).`,
      `Het land${valueNl(ctx.shown)} van het adres in het veld ${fieldNl(ctx.label)} is ongeldig: vul de landcode in 2 letters in (bijvoorbeeld BE, FR of NL).`,
      `The country${valueEn(ctx.shown)} of the address in the field ${fieldEn(ctx.label)} is not valid: enter the 2-letter country code (for example BE, FR or NL).`,
    );
  },

  invalidBelgianPostalCode(ctx: MessageContext): FieldMessage {
    return message(
      'invalid-postal-code',
      `Le code postal${valueFr(ctx.shown)} n'est pas valide pour une adresse en Belgique : indiquez 4 chiffres de 1000 à 9999 (par exemple 1000 pour Bruxelles).`,
      `De postcode${valueNl(ctx.shown)} is ongeldig voor een adres in België: vul 4 cijfers in van 1000 tot 9999 (bijvoorbeeld 1000 voor Brussel).`,
      `The postal code${valueEn(ctx.shown)} is not valid for an address in Belgium: enter 4 digits from 1000 to 9999 (for example 1000 for Brussels).`,
    );
  },

  // --- references, lists, files ------------------------------------------------------------

  invalidReference(ctx: MessageContext, target: string | undefined): FieldMessage {
    const fr = target === undefined ? 'un dossier' : `un dossier de type « ${target} »`;
    const nl = target === undefined ? 'een dossier' : `een dossier van het type "${target}"`;
    const en = target === undefined ? 'a record' : `a record of type "${target}"`;
    return message(
      'invalid-reference',
      `Le champ ${fieldFr(ctx.label)} doit faire référence à ${fr} : indiquez l'identifiant de ce dossier.`,
      `Het veld ${fieldNl(ctx.label)} moet verwijzen naar ${nl}: vul de identificatie van dat dossier in.`,
      `The field ${fieldEn(ctx.label)} must refer to ${en}: enter the identifier of that record.`,
    );
  },

  notAList(ctx: MessageContext): FieldMessage {
    return message(
      'not-a-list',
      `Le champ ${fieldFr(ctx.label)} doit contenir une liste de valeurs : saisissez chaque valeur séparément.`,
      `Het veld ${fieldNl(ctx.label)} moet een lijst van waarden bevatten: vul elke waarde afzonderlijk in.`,
      `The field ${fieldEn(ctx.label)} must contain a list of values: enter each value separately.`,
    );
  },

  emptyListItem(ctx: MessageContext, position: number): FieldMessage {
    return message(
      'empty-list-item',
      `L'élément ${position} de la liste ${fieldFr(ctx.label)} est vide : complétez-le ou supprimez-le.`,
      `Element ${position} van de lijst ${fieldNl(ctx.label)} is leeg: vul het in of verwijder het.`,
      `Item ${position} of the list ${fieldEn(ctx.label)} is empty: fill it in or remove it.`,
    );
  },

  /** Keeps the item's own code so programs see what is wrong; the text says where. */
  inListItem(ctx: MessageContext, position: number, inner: FieldMessage): FieldMessage {
    return {
      code: inner.code,
      fr: `Élément ${position} de la liste ${fieldFr(ctx.label)} — ${inner.fr}`,
      nl: `Element ${position} van de lijst ${fieldNl(ctx.label)} — ${inner.nl}`,
      en: `Item ${position} of the list ${fieldEn(ctx.label)} — ${inner.en}`,
    };
  },

  /** `problems` are technical (they come from the upload system): only in the English text. */
  invalidFile(ctx: MessageContext, problems: readonly string[]): FieldMessage {
    const detail = problems.join(', ');
    return message(
      'invalid-file',
      `Le fichier joint au champ ${fieldFr(ctx.label)} est incomplet ou endommagé : joignez-le à nouveau.`,
      `Het bestand bij het veld ${fieldNl(ctx.label)} is onvolledig of beschadigd: voeg het opnieuw toe.`,
      `The file attached to the field ${fieldEn(ctx.label)} is not valid (${detail}): attach it again.`,
    );
  },
};

export type AddressPart = 'street' | 'number' | 'postalCode' | 'city';

const ADDRESS_PARTS: Record<AddressPart, { fr: string; nl: string; en: string }> = {
  street: { fr: 'la rue', nl: 'de straat', en: 'the street' },
  number: { fr: 'le numéro', nl: 'het huisnummer', en: 'the house number' },
  postalCode: { fr: 'le code postal', nl: 'de postcode', en: 'the postal code' },
  city: { fr: 'la commune', nl: 'de gemeente', en: 'the city' },
};
