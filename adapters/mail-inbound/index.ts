export { startSmtpListener, REPLIES } from './smtp-listener';
