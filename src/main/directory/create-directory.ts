import type { Logger } from '../core/log.js';
import type { DirectoryConfig } from '../config/schema.js';
import type { Directory } from './directory.js';
import { FileDirectory } from './file-directory.js';

/** Builds the directory the configuration names. */
export async function createDirectory(config: DirectoryConfig, logger: Logger): Promise<Directory> {
  switch (config.type) {
    case 'file':
      return FileDirectory.open(config.file, logger);
    case 'oracle':
      throw new Error('the oracle directory is not available yet');
  }
}
