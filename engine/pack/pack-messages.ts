import type { LocalizedText } from '../errors';

/**
 * Every problem a pack can have, in the three languages a delegated admin may read.
 * `{name}` placeholders are filled from the problem's parameters.
 */
const CATALOGUE: Record<string, LocalizedText & { en: string }> = {
  'yaml-syntax': { en: 'YAML syntax error: {detail}', fr: 'Erreur de syntaxe YAML : {detail}', nl: 'YAML-syntaxfout: {detail}' },
  'unknown-file-kind': {
    en: 'Cannot tell what this file defines: it needs one of the top-level keys pack, record, process, roles, queues, teams, calendars, template, channels, assignment or auto-responses',
    fr: 'Impossible de savoir ce que ce fichier définit : il lui faut une des clés pack, record, process, roles, queues, teams, calendars, template, channels, assignment ou auto-responses',
    nl: 'Onduidelijk wat dit bestand definieert: het heeft een van de sleutels pack, record, process, roles, queues, teams, calendars of template nodig',
  },
  'missing-pack-file': { en: 'The pack has no pack.yaml (the file with `pack:`, its name and languages)', fr: 'Le pack n’a pas de pack.yaml (le fichier avec `pack:`, son nom et ses langues)', nl: 'Het pakket heeft geen pack.yaml (het bestand met `pack:`, naam en talen)' },
  'schema-required': { en: 'Missing required property "{property}"', fr: 'Propriété obligatoire manquante « {property} »', nl: 'Verplichte eigenschap "{property}" ontbreekt' },
  'schema-unknown-property': { en: 'Unknown property "{property}"', fr: 'Propriété inconnue « {property} »', nl: 'Onbekende eigenschap "{property}"' },
  'schema-type': { en: 'Must be {expected}', fr: 'Doit être de type {expected}', nl: 'Moet van type {expected} zijn' },
  'schema-enum': { en: 'Must be one of: {allowed}', fr: 'Doit être l’une des valeurs : {allowed}', nl: 'Moet een van deze waarden zijn: {allowed}' },
  'schema-pattern': { en: 'Invalid value "{value}": {description}', fr: 'Valeur « {value} » invalide : {description}', nl: 'Ongeldige waarde "{value}": {description}' },
  'schema-other': { en: '{detail}', fr: '{detail}', nl: '{detail}' },
  'schema-one-of': { en: 'Needs exactly one of: {options}', fr: 'Il faut exactement une de ces propriétés : {options}', nl: 'Precies één van deze eigenschappen is nodig: {options}' },
  'duplicate-id': { en: '{kind} "{id}" is defined twice (also in {other})', fr: 'Définition en double : {kind} « {id} » (aussi dans {other})', nl: 'Dubbele definitie: {kind} "{id}" (ook in {other})' },
  'duplicate-state': { en: 'State "{state}" is defined twice in this process: state names must be unique', fr: 'L’état « {state} » est défini deux fois dans ce processus : les noms d’états doivent être uniques', nl: 'Toestand "{state}" is twee keer gedefinieerd in dit proces: namen van toestanden moeten uniek zijn' },
  'unknown-state': { en: 'Unknown state "{state}". Known states: {known}', fr: 'État inconnu « {state} ». États connus : {known}', nl: 'Onbekende toestand "{state}". Bekende toestanden: {known}' },
  'unknown-event': { en: 'Event "{event}" is not declared under `events:` of the process', fr: 'L’événement « {event} » n’est pas déclaré sous `events:` du processus', nl: 'Gebeurtenis "{event}" is niet gedeclareerd onder `events:` van het proces' },
  'unknown-field': { en: 'Record type "{record}" has no field "{field}"', fr: 'Le type d’enregistrement « {record} » n’a pas de champ « {field} »', nl: 'Recordtype "{record}" heeft geen veld "{field}"' },
  'unknown-reference': { en: 'Unknown {kind} "{id}". Known: {known}', fr: 'Référence inconnue : {kind} « {id} ». Connus : {known}', nl: 'Onbekende verwijzing: {kind} "{id}". Bekend: {known}' },
  'unreachable-state': { en: 'State "{state}" can never be reached: no transition, timer or approval leads to it', fr: 'L’état « {state} » ne peut jamais être atteint : aucune transition, minuterie ou approbation n’y mène', nl: 'Toestand "{state}" is nooit bereikbaar: geen overgang, timer of goedkeuring leidt ernaartoe' },
  'missing-label': { en: 'Missing the {lang} text', fr: 'Il manque le texte en {lang}', nl: 'De tekst in het {lang} ontbreekt' },
  'missing-status': { en: 'State "{state}" needs a status (for lists), itself or from a parent state', fr: 'L’état « {state} » doit avoir un statut (pour les listes), lui-même ou via un état parent', nl: 'Toestand "{state}" heeft een status nodig (voor lijsten), zelf of via een bovenliggende toestand' },
  'missing-initial': { en: 'Compound state "{state}" needs `initial:` naming one of its child states', fr: 'L’état composé « {state} » doit indiquer `initial:` avec un de ses sous-états', nl: 'Samengestelde toestand "{state}" heeft `initial:` nodig met een van zijn subtoestanden' },
  'bad-initial': { en: '`initial: {state}` is not a child state here. Children: {known}', fr: '`initial: {state}` n’est pas un sous-état ici. Sous-états : {known}', nl: '`initial: {state}` is hier geen subtoestand. Subtoestanden: {known}' },
  'cel-syntax': { en: 'Expression error: {detail}', fr: 'Erreur dans l’expression : {detail}', nl: 'Fout in de uitdrukking: {detail}' },
  'cel-type': { en: 'Expression type error: {detail}', fr: 'Erreur de type dans l’expression : {detail}', nl: 'Typefout in de uitdrukking: {detail}' },
  'cel-unknown-field': { en: 'Expression uses "{field}", which record type "{record}" does not have', fr: 'L’expression utilise « {field} », que le type « {record} » n’a pas', nl: 'De uitdrukking gebruikt "{field}", dat recordtype "{record}" niet heeft' },
  'cel-unknown-event-field': { en: 'Expression uses event.{field}, which event "{event}" does not declare', fr: 'L’expression utilise event.{field}, que l’événement « {event} » ne déclare pas', nl: 'De uitdrukking gebruikt event.{field}, dat gebeurtenis "{event}" niet declareert' },
  'cel-not-boolean': { en: 'A condition must be true or false, but this expression gives a {type}', fr: 'Une condition doit valoir vrai ou faux, mais cette expression donne un {type}', nl: 'Een voorwaarde moet waar of onwaar zijn, maar deze uitdrukking geeft een {type}' },
  'updatable-not-final': { en: 'Only a final state (type: final) lists the fields still written after closing; "{state}" is not final', fr: 'Seul un état final (type: final) liste les champs encore modifiables après la clôture ; « {state} » n’est pas final', nl: 'Alleen een eindtoestand (type: final) somt de velden op die na het afsluiten nog wijzigen; "{state}" is geen eindtoestand' },
  'invalid-calendar': { en: 'Calendar problem: {detail}', fr: 'Problème de calendrier : {detail}', nl: 'Probleem met de kalender: {detail}' },
  'invalid-default': { en: 'Default value is not valid for this field: {detail}', fr: 'La valeur par défaut n’est pas valide pour ce champ : {detail}', nl: 'De standaardwaarde is ongeldig voor dit veld: {detail}' },
  'enum-without-values': { en: 'An enum field needs `values:`', fr: 'Un champ enum doit avoir `values:`', nl: 'Een enum-veld heeft `values:` nodig' },
  'field-wrong-type': { en: 'Field "{field}" of record type "{record}" has type {type}; this needs a field of type {expected}', fr: 'Le champ « {field} » du type « {record} » est de type {type} ; il faut ici un champ {expected}', nl: 'Veld "{field}" van recordtype "{record}" is van het type {type}; hier is een veld van het type {expected} nodig' },
  'import-column-part': { en: 'Column "{value}": field "{field}" is not an address, it has no part "{detail}"', fr: 'Colonne « {value} » : le champ « {field} » n’est pas une adresse, il n’a pas de partie « {detail} »', nl: 'Kolom "{value}": veld "{field}" is geen adres en heeft geen deel "{detail}"' },
  'reserved-event': { en: '"{event}" is reserved by the engine ({why})', fr: '« {event} » est réservé par le moteur ({why})', nl: '"{event}" is voorbehouden aan de engine ({why})' },
};

/** The `{kind}` parameter names a kind of definition; the French and Dutch texts name it in their language. */
const KINDS: Record<string, LocalizedText> = {
  record: { fr: 'type d’enregistrement', nl: 'recordtype' },
  'record type': { fr: 'type d’enregistrement', nl: 'recordtype' },
  process: { fr: 'processus', nl: 'proces' },
  pack: { fr: 'pack', nl: 'pakket' },
  role: { fr: 'rôle', nl: 'rol' },
  queue: { fr: 'file de travail', nl: 'werkbak' },
  team: { fr: 'équipe', nl: 'team' },
  calendar: { fr: 'calendrier', nl: 'kalender' },
  template: { fr: 'modèle', nl: 'sjabloon' },
  status: { fr: 'statut', nl: 'status' },
  step: { fr: 'étape', nl: 'stap' },
  mailbox: { fr: 'boîte aux lettres', nl: 'mailbox' },
  form: { fr: 'formulaire', nl: 'formulier' },
  desk: { fr: 'formulaire de guichet', nl: 'loketformulier' },
  links: { fr: 'liens rapides', nl: 'snelkoppelingen' },
  assignment: { fr: 'règles d’attribution', nl: 'toewijzingsregels' },
  'auto-responses': { fr: 'réponses automatiques', nl: 'automatische antwoorden' },
  import: { fr: 'import', nl: 'import' },
  agenda: { fr: 'agenda', nl: 'agenda' },
};

export function problemText(code: string, params: Record<string, string | number> = {}): LocalizedText & { en: string } {
  const entry = CATALOGUE[code] ?? CATALOGUE['schema-other']!;
  const fill = (t: string, lang: 'fr' | 'nl' | 'en'): string =>
    t.replace(/\{(\w+)\}/g, (_m, k: string) => {
      if (!(k in params)) return `{${k}}`;
      const v = String(params[k]);
      return k === 'kind' && lang !== 'en' ? (KINDS[v]?.[lang] ?? v) : v;
    });
  return { en: fill(entry.en, 'en'), fr: fill(entry.fr, 'fr'), nl: fill(entry.nl, 'nl') };
}

export const PROBLEM_CODES: readonly string[] = Object.keys(CATALOGUE);
