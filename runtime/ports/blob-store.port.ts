/**
 * Files (mail attachments, scans, uploads), stored by content: the same bytes are kept once.
 *
 * @example
 *   const { id } = await blobs.put(buffer);   // id = sha256 of the content
 *   const data = await blobs.get(id);
 *   const big = await blobs.putFile('/data/tmp/upload-1');   // moved in, read as a stream
 */
export interface BlobStore {
  put(data: Buffer): Promise<{ id: string; size: number }>;
  get(id: string): Promise<Buffer | null>;
  /**
   * Moves a file already written on disk (a streamed attachment) into the store, hashing it
   * as a stream: a large file is never held whole in memory. The source file is gone after.
   * Give a path on the same file system as the store (e.g. under DATA_DIR) to avoid a copy.
   * `sha256` (hex), when the caller hashed the bytes as it wrote them, spares reading them again.
   */
  putFile(path: string, sha256?: string): Promise<{ id: string; size: number }>;
}
