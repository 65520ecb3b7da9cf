export { openBlobStore } from './blob-fs.adapter';
