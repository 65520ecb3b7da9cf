export { GraphApiClient, GraphApiError, type GraphClientOptions } from './graph-client';
export { signPayload, verifySignature, SIGNATURE_HEADER } from './signature';
