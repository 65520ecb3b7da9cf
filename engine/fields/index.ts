/** Typed record fields: definitions, value validation and Belgian identifiers. */

export { FIELD_TYPES, isFieldType } from './field-types';
export type { FieldDefinition, FieldType, LocalizedText } from './field-types';

export { validateFieldValue, validateRecordWrite } from './validate-field';
export type { Address, FieldMessage, FieldResult, FileValue, RecordWriteResult } from './validate-field';
export type { FieldErrorCode } from './field-messages';

export { checkNiss, formatNiss, isValidNiss, parseNiss } from './niss';
export type { NissCheck, NissProblem, NissSex, ParsedNiss } from './niss';

export { checkEnterpriseNumber, formatEnterpriseNumber, isValidEnterpriseNumber } from './enterprise-number';
export type { EnterpriseNumberCheck, EnterpriseNumberProblem } from './enterprise-number';

export { normalisePhoneNumber } from './phone-number';
export type { PhoneCheck, PhoneProblem } from './phone-number';

export { normaliseEmailAddress } from './email-address';
export { parseIsoDate, parseIsoDateTime } from './calendar';
