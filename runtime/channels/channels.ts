/**
 * Long-running listeners of the channels (the SMTP server for inbound mail…), started with the
 * server and closed with it. Each channel adds one entry.
 */
import type { MountContext } from '../http/mounts';

export interface ChannelListener {
  name: string;
  start(ctx: MountContext): Promise<{ close(): Promise<void>; info?: Record<string, unknown> }>;
}

// Imported late (functions, not values at load time) so the listeners may import this file's types.
import { mailListener } from './mail.channel';
import { belfirstWatchListener } from './belfirst-watch.channel';

export const LISTENERS: ChannelListener[] = [mailListener, belfirstWatchListener];
