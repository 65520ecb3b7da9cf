/**
 * Files (mail attachments, scans, uploads), stored by content: the same bytes are kept once.
 *
 * @example
 *   const { id } = await blobs.put(buffer);   // id = sha256 of the content
 *   const data = await blobs.get(id);
 */
export interface BlobStore {
  put(data: Buffer): Promise<{ id: string; size: number }>;
  get(id: string): Promise<Buffer | null>;
}
