/** The local BlobStore: files under DATA_DIR/blobs/<2 hex>/<sha256>, written atomically. */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobStore } from '../../runtime/ports/blob-store.port';

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
