import type { Logger } from '../core/log.js';
import type { DirectoryConfig } from '../config/schema.js';
import type { Directory } from '../core/directory.js';
import { FileDirectory } from './file-directory.js';
import { createOracleDirectory } from './oracle-directory.js';

/** Builds the directory the configuration names. */
export async function createDirectory(config: DirectoryConfig, logger: Logger): Promise<Directory> {
  switch (config.type) {
    case 'file':
      return FileDirectory.open(config.file, logger);
    case 'oracle':
      return createOracleDirectory(config, { logger });
  }
}
