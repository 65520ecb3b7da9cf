/** The local BlobStore: files under DATA_DIR/blobs/<2 hex>/<sha256>, written atomically. */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { copyFile, mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobStore } from '../../runtime/ports/blob-store.port';

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function openBlobStore(dir: string): BlobStore {
  const pathOf = (id: string): string => join(dir, id.slice(0, 2), id);
  return {
    put: async (data) => {
      const id = createHash('sha256').update(data).digest('hex');
      const target = pathOf(id);
      if (!existsSync(target)) {
        await mkdir(join(dir, id.slice(0, 2)), { recursive: true });
        // Write then rename: a crash never leaves a half file under the final name.
        const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
        await writeFile(tmp, data, { flush: true });
        await rename(tmp, target);
      }
      return { id, size: data.length };
    },
    putFile: async (source, sha256) => {
      const [id, info] = await Promise.all([sha256 && /^[0-9a-f]{64}$/.test(sha256) ? sha256 : hashFile(source), stat(source)]);
      const target = pathOf(id);
      if (existsSync(target)) {
        await unlink(source);
        return { id, size: info.size };
      }
      await mkdir(join(dir, id.slice(0, 2)), { recursive: true });
      // Durable before it gets its final name, as put() does.
      const fh = await open(source, 'r+');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      try {
        await rename(source, target);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
        // Another file system: copy under a temporary name, then rename (still atomic).
        const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
        await copyFile(source, tmp);
        await rename(tmp, target);
        await unlink(source);
      }
      return { id, size: info.size };
    },
    get: async (id) => {
      if (!/^[0-9a-f]{64}$/.test(id)) return null;
      try {
        return await readFile(pathOf(id));
      } catch {
        return null;
      }
    },
  };
}
