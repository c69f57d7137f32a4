/**
 * @tessera/layers/node: helpers that read the file system (Node only). The main entry stays
 * free of `node:` imports so it bundles for browsers.
 */
export { imageFolder, clearImageFolderCache, type ImageFolderOptions } from './image-folder.js';
