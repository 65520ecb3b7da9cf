/**
 * The email channel's listener: the SMTP server of adapters/mail-inbound on SMTP_HOST:SMTP_PORT
 * (0 = a free port, -1 = off), handing each mail to the intake. Reports `{ smtpPort }`.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startSmtpListener } from '../../adapters/mail-inbound';
import { IntakeService } from '../services/intake.service';
import type { ChannelListener } from './channels';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes what listeners of dead processes left (several processes may share DATA_DIR). */
function sweep(root: string): void {
  if (!existsSync(root)) return;
  for (const name of readdirSync(root)) {
    const pid = Number(name.split('-')[0]);
    if (!Number.isInteger(pid) || !alive(pid)) rmSync(join(root, name), { recursive: true, force: true });
  }
}

export const mailListener: ChannelListener = {
  name: 'mail-inbound',
  start: async (ctx) => {
    if (ctx.config.smtpPort < 0) return { close: async () => undefined, info: { smtpPort: null } };
    const { store, blobs, packs, records, committer } = ctx.runtime;
    const intake = new IntakeService({ store, blobs, packs, records, committer, clock: ctx.clock, log: ctx.log });
    // Attachments stream here while a mail arrives, next to the blobs (one file system: a rename).
    const root = join(ctx.config.dataDir, 'mail-tmp');
    sweep(root);
    const tmpDir = join(root, `${process.pid}-${randomUUID().slice(0, 8)}`);
    const listener = await startSmtpListener({
      host: ctx.config.smtpHost,
      port: ctx.config.smtpPort,
      maxBytes: ctx.config.maxMailBytes,
      tmpDir,
      isKnownRecipient: (address) => intake.isMailbox(address),
      onMail: async (mail) => {
        await intake.receive(mail);
      },
      log: ctx.log,
    });
    return {
      close: async () => {
        await listener.close();
        rmSync(tmpDir, { recursive: true, force: true });
      },
      info: { smtpPort: listener.port },
    };
  },
};
